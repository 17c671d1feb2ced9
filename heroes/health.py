"""/healthz: is the database reachable, the storage writable, the model there?

Answers JSON, 200 when all is well and 503 otherwise. The model check looks
at the files (and whether this process has loaded the engine) without
loading it: a health probe must stay cheap.
"""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from heroes.ml import engine as engine_module


def _database():
    from heroes.models import Hero

    Hero.objects.exists()  # a real query through the ORM (SQLite and MongoDB alike)
    return {"ok": True, "vendor": connection.vendor}


def _storage():
    storage = storages["default"]
    name = storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    storage.delete(name)
    return {"ok": True}


def _model():
    present = engine_module.model_files_present()
    version = engine_module.current_model_version()
    error = engine_module.engine_error()
    result = {
        "ok": present and version is not None and error is None,
        "version": version,
        "loaded": engine_module.engine_loaded(),
    }
    if error:
        result["error"] = error[:300]
    return result


@never_cache
@require_GET
def healthz(request):
    checks = {}
    for name, check in (("database", _database), ("storage", _storage), ("model", _model)):
        try:
            checks[name] = check()
        except Exception as exc:  # noqa: BLE001 - any failure is "not healthy"
            checks[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )

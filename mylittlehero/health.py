"""Health checks: a cheap public liveness check and a detailed readiness
check for operators.

- ``GET /healthz`` (public): ``{"status": "ok"}`` with 200, or
  ``{"status": "unavailable"}`` with 503 when the database does not answer
  or the engine failed to load in this process. One read query; nothing is
  written, and nothing about the setup (database vendor, model version) is
  told.
- ``GET /healthz/ready`` (operators: staff, or the ``X-Health-Token`` header
  matching ``MLH_HEALTH_TOKEN``; 404 for anyone else): every check with its
  details: the database (a query, the vendor), the shared cache (a write
  and a read), the storage (an object
  written and deleted, at most once a minute: the result is kept in the
  cache), the model (files present, version, loaded in this process or not,
  without loading it). 200 when all are well, 503 otherwise.
"""

import hmac
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.http import Http404, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from heroes.ml import api as engine_api
from heroes.models import Hero

STORAGE_PROBE_SECONDS = 60


def _database():
    Hero.objects.exists()  # a real query through the ORM (SQLite and MongoDB alike)
    return {"ok": True, "vendor": connection.vendor}


def _storage_probe():
    storage = storages["default"]
    name = storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    storage.delete(name)
    return {"ok": True}


def _storage():
    """The write probe, at most once per STORAGE_PROBE_SECONDS (a PUT and a
    DELETE on S3 each time)."""
    key = f"healthz:storage:{settings.MEDIA_ROOT}"
    try:
        cached = cache.get(key)
    except Exception:  # noqa: BLE001 - the cache check reports that
        cached = None
    if cached is not None:
        return {**cached, "cached": True}
    try:
        result = _storage_probe()
    except Exception as exc:  # noqa: BLE001 - reported, and kept for a while too
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    try:
        cache.set(key, result, STORAGE_PROBE_SECONDS)
    except Exception:  # noqa: BLE001 - the cache check reports that
        pass
    return result


def _cache():
    """The shared cache (throttles, rate limits): a write and a read."""
    key = f"healthz:cache:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    ok = cache.get(key) == "ok"
    cache.delete(key)
    return {"ok": ok, "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def _model():
    return engine_api.status()


@never_cache
@require_GET
def healthz(request):
    """Liveness, public and cheap."""
    try:
        _database()
        healthy = "error" not in engine_api.status()
    except Exception:  # noqa: BLE001 - any failure is "not healthy"; details are for operators
        healthy = False
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable"}, status=200 if healthy else 503
    )


def _is_operator(request):
    token = settings.MLH_HEALTH_TOKEN
    given = request.headers.get("X-Health-Token", "")
    if token and given and hmac.compare_digest(given.encode(), token.encode()):
        return True
    return request.user.is_authenticated and request.user.is_staff


@never_cache
@require_GET
def readiness(request):
    """Every check in detail, for operators only."""
    if not _is_operator(request):
        raise Http404
    checks = {}
    for name, check in (
        ("database", _database),
        ("cache", _cache),
        ("storage", _storage),
        ("model", _model),
    ):
        try:
            checks[name] = check()
        except Exception as exc:  # noqa: BLE001 - any failure is "not healthy"
            checks[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )

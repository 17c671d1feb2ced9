"""What tests need from the machine and from the process environment: the
repository's paths, the shared data sets, a clean environment for child
processes, the files under MEDIA_ROOT, and one way to say that something the
machine lacks makes a test skip (or fail, where CI requires it)."""

import ast
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

# Variables the project reads (settings, gunicorn.conf.py, the engine, Celery,
# the test servers): a child process starts without any the test run has.
PROJECT_ENV_PREFIXES = ("DJANGO_", "MONGODB_", "MLH_", "EMAIL_", "GUNICORN_", "CELERY_")


def child_env(**overrides):
    """os.environ without the project's variables, with Django's settings
    module and ``overrides``: a `manage.py` or `python -c` child process sees
    only what the test gives it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PROJECT_ENV_PREFIXES)}
    env["DJANGO_SETTINGS_MODULE"] = "mylittlehero.settings"
    env.update(overrides)
    return env


def child_database_env():
    """Environment variables that point a `manage.py` child process at this
    session's test database, on SQLite or on MongoDB."""
    from django.db import connection

    settings_dict = connection.settings_dict
    if connection.vendor == "mongodb":
        return {"MONGODB_URI": settings_dict["HOST"], "MONGODB_NAME": settings_dict["NAME"]}
    return {"MLH_SQLITE_PATH": settings_dict["NAME"]}


def media_files(media_root, under=None, pattern="*"):
    """The files below ``media_root`` (or its subfolder ``under``) matching
    ``pattern``, sorted."""
    folder = Path(media_root) / under if under else Path(media_root)
    return sorted(path for path in folder.rglob(pattern) if path.is_file())


def shared_datasets_dir():
    return Path(os.environ.get("MLH_SHARED_DATASETS", REPO_ROOT.parent / "shared" / "datasets"))


def unavailable(message, *, required_by):
    """Skip the test (or the whole module, when called at import) because the
    machine lacks something, saying what to install; where the environment
    variable ``required_by`` is 1 (.ci/run sets them), fail instead so that CI
    never hides a test behind a skip."""
    if os.environ.get(required_by) == "1":
        pytest.fail(f"{message} [{required_by}=1]", pytrace=False)
    pytest.skip(message, allow_module_level=True)


def import_or_unavailable(name, *, install, required_by):
    """``importlib.import_module(name)``, or ``unavailable`` naming the install."""
    try:
        return importlib.import_module(name)
    except ImportError:
        unavailable(f"{name} is not installed ({install})", required_by=required_by)


def playwright_expect():
    """Playwright's ``expect``, for a browser test module; ``unavailable``
    without Playwright (a failure where ``MLH_REQUIRE_BROWSER`` is set)."""
    return import_or_unavailable(
        "playwright.sync_api",
        install="pip install -r requirements-dev.txt",
        required_by="MLH_REQUIRE_BROWSER",
    ).expect


# What Django's start-up must not load: the engine's libraries (seconds)
# and the queue's (only a queued run needs them).
MACHINE_LEARNING = ("tensorflow", "keras", "mtcnn")
QUEUE = ("celery", "kombu", "redis")


def modules_after(*statements, packages=MACHINE_LEARNING):
    """Start Django in a child process, run ``statements`` (Python source) and
    return the sorted names of the modules of ``packages`` it loaded: an empty
    list means those statements leave them unloaded."""
    code = "\n".join(
        [
            "import sys, django",
            "django.setup()",
            *statements,
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {set(packages)!r}))",
        ]
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=child_env(), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout.strip())


def broker_url_for_tests():
    """The Celery broker for tests: MLH_TEST_BROKER_URL, else database 1 of
    MLH_TEST_REDIS_URL (the shared-counter tests flush database 0), else ""."""
    explicit = os.environ.get("MLH_TEST_BROKER_URL")
    if explicit:
        return explicit
    redis_url = os.environ.get("MLH_TEST_REDIS_URL", "")
    if not redis_url:
        return ""
    return re.sub(r"/\d*$", "", redis_url.rstrip("/")) + "/1"


def broker_or_skip():
    """A Redis client on the tests' broker database, emptied, or a skip that
    says why (no MLH_TEST_REDIS_URL, or no Redis answering there)."""
    import redis

    url = broker_url_for_tests()
    if not url:
        pytest.skip("MLH_TEST_REDIS_URL is not set (.ci/run starts a Redis on loopback)")
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis at {url}: {exc}")
    return client

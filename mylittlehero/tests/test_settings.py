"""Settings come from the environment; production is strict; both databases'
migration sets stay complete. Each case runs manage.py in a fresh process
with a controlled environment."""

import subprocess
import sys

import pytest

from mylittlehero.tests.environment import QUEUE, REPO_ROOT, child_env, modules_after

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "k" * 20 + "Q9v#2mZ!pL7@xR4$wT8^yU1&bN6*cE3(fH5)",
    "DJANGO_ALLOWED_HOSTS": "mylittlehero.example",
    # The documented production recipe (docs/security.md): a shared cache,
    # nginx on the same machine, a mail server.
    "MLH_CACHE": "redis://127.0.0.1:6379/0",
    "DJANGO_BEHIND_TLS_PROXY": "1",
    "MLH_NUM_PROXIES": "1",
    "GUNICORN_BIND": "127.0.0.1:8000",
    "EMAIL_HOST": "smtp.example.com",
}


def run_manage(*args, env=None, timeout=120):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=child_env(**(env or {})),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_passes_check_deploy_with_no_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_local_defaults_are_not_deploy_safe():
    # The check would fail if production-only protections leaked into the
    # local defaults' absence: make sure the deploy check really checks.
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr  # DEBUG on


def _without(*names, **extra):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k not in names}
    env.update(extra)
    return env


def test_deploy_check_refuses_a_per_process_cache_with_several_workers():
    result = run_manage("check", "--deploy", env=_without("MLH_CACHE"))
    assert result.returncode != 0
    assert "mlh.E001" in result.stdout + result.stderr
    # One worker may keep its counters in its own memory.
    one = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=_without("MLH_CACHE", WEB_CONCURRENCY="1"),
    )
    assert one.returncode == 0, one.stdout + one.stderr


def test_redis_cache_from_environment():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; c = settings.CACHES['default'];"
        "print(c['BACKEND'], c['LOCATION'])",
        env={"MLH_CACHE": "redis://127.0.0.1:6391/2"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "core.cache.BreakerRedisCache",  # Django's RedisCache behind a circuit breaker
        "redis://127.0.0.1:6391/2",
    ]


def test_unknown_cache_setting_is_a_clear_error():
    result = run_manage("check", env={"MLH_CACHE": "memcached"})
    assert result.returncode != 0
    assert "MLH_CACHE must be" in result.stderr


def test_deploy_check_refuses_a_tls_proxy_without_a_proxy_count():
    # Every visitor would have the proxy's address.
    result = run_manage("check", "--deploy", env=_without("MLH_NUM_PROXIES"))
    assert result.returncode != 0
    assert "mlh.E002" in result.stdout + result.stderr


def test_deploy_check_warns_when_trusting_forwarded_for_with_gunicorn_public():
    for env in (_without(GUNICORN_BIND="0.0.0.0:8000"), _without("GUNICORN_BIND")):
        # gunicorn.conf.py's default bind is public (0.0.0.0:$PORT).
        result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
        assert result.returncode != 0
        assert "mlh.W004" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_mail_setting():
    result = run_manage("check", env=_without("EMAIL_HOST"))
    assert result.returncode != 0
    assert "EMAIL_HOST is not set" in result.stderr
    chosen = run_manage("check", "--deploy", env=_without("EMAIL_HOST", MLH_EMAIL_CONSOLE="1"))
    assert chosen.returncode == 0, chosen.stdout + chosen.stderr


def test_bad_boolean_is_a_clear_error():
    result = run_manage("check", env={"DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


def test_environment_values_are_typed_strictly():
    from django.core.exceptions import ImproperlyConfigured

    from mylittlehero.settings.base import Env

    env = Env()
    env.ENVIRON = {
        "ON": " Yes",
        "OFF": "0",
        "EMPTY": "",
        "COUNT": "7",
        "BAD_COUNT": "7x",
        "RATIO": "0.25",
        "HOSTS": " a.example, ,b.example ",
        "KEY": "$HOME-is-not-looked-up",
    }
    assert env.bool("ON", False) is True and env.bool("OFF", True) is False
    assert env.bool("EMPTY", True) is True and env.int("EMPTY", 3) == 3
    assert env.int("COUNT", 0) == 7 and env.float("RATIO", 1.0) == 0.25
    assert env.list("HOSTS", default=["x"]) == ["a.example", "b.example"]
    assert env.list("EMPTY", default=["x"]) == [] and env.list("UNSET", default=["x"]) == ["x"]
    assert env.str("EMPTY", "default") == "" and env.str("KEY", "") == "$HOME-is-not-looked-up"
    with pytest.raises(ImproperlyConfigured, match="BAD_COUNT must be an integer, got '7x'"):
        env.int("BAD_COUNT", 0)
    with pytest.raises(ImproperlyConfigured, match="COUNT must be a boolean"):
        env.bool("COUNT", False)


def test_the_test_run_uses_the_test_settings():
    import os

    from django.conf import settings

    assert os.environ["DJANGO_SETTINGS_MODULE"] == "mylittlehero.settings.test"
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_engine_is_configured_from_the_settings():
    show = (
        "from heroes.ml.config import EngineConfig, current;"
        "print(current() == EngineConfig(), *current().__dict__.values())"
    )
    defaults = run_manage("shell", "-c", show)
    assert defaults.returncode == 0, defaults.stderr
    # Nothing set: the site hands the engine exactly the engine's own defaults.
    assert defaults.stdout.strip().splitlines()[-1].split()[0] == "True"
    chosen = run_manage(
        "shell",
        "-c",
        show,
        env={
            "MLH_MODEL_DIR": "/srv/models/v9",
            "MLH_MAX_PIXELS": "1000000",
            "MLH_TF_INTRA_THREADS": "1",
            "MLH_TF_INTER_THREADS": "2",
        },
    )
    assert chosen.returncode == 0, chosen.stderr
    assert chosen.stdout.strip().splitlines()[-1].split() == [
        "False",
        "/srv/models/v9",
        "1000000",
        "1",
        "2",
    ]


def test_a_celery_worker_process_hands_the_engine_its_thread_count(engine_config, monkeypatch):
    from heroes.ml.config import current
    from mylittlehero import celery as worker

    monkeypatch.setenv("MLH_WORKER_TF_THREADS", "3")
    monkeypatch.setenv("MLH_WORKER_WARM", "0")  # configure only, load nothing
    worker.load_engine()
    assert (current().tf_intra_threads, current().tf_inter_threads) == (3, 3)


def test_sqlite_migrations_are_complete():
    result = run_manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mongodb_migrations_are_complete_offline():
    result = run_manage("makemigrations", "--check", "--dry-run", env={"MLH_MONGODB_OFFLINE": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_check_passes_with_mongodb_settings():
    # No server is needed for the system checks: pymongo connects lazily.
    result = run_manage(
        "check", env={"MONGODB_URI": "mongodb://127.0.0.1:27017", "MONGODB_NAME": "mlh_check"}
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mongodb_settings_select_the_mongo_migration_set_and_objectid_keys():
    code = (
        "import django; django.setup();"
        "from django.conf import settings as s;"
        "from heroes.models import Prediction;"
        "print(s.DATABASES['default']['ENGINE']);"
        "print(s.MIGRATION_MODULES['heroes']);"
        "print(type(Prediction._meta.pk).__name__)"
    )
    env = child_env(MONGODB_URI="mongodb://h:1/x")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django_mongodb_backend",
        "mongo_migrations.heroes",
        "ObjectIdAutoField",
    ]


@pytest.mark.parametrize(
    "env, backend",
    [
        ({}, "django.core.mail.backends.console.EmailBackend"),
        ({"EMAIL_HOST": "smtp.example.com"}, "django.core.mail.backends.smtp.EmailBackend"),
    ],
)
def test_email_backend_from_environment(env, backend):
    result = run_manage(
        "shell", "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)", env=env
    )
    assert result.stdout.strip().splitlines()[-1] == backend


def test_s3_media_storage_from_environment():
    result = run_manage(
        "shell",
        "-c",
        "from django.core.files.storage import storages; d = storages['default'];"
        "print(type(d).__name__, d.bucket_name, d.default_acl, d.querystring_auth)",
        env={"MLH_S3_BUCKET": "photos", "MLH_S3_ENDPOINT_URL": "http://127.0.0.1:9"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "S3Storage",
        "photos",
        "private",
        "True",
    ]


def test_django_start_up_does_not_import_the_queue():
    """Celery and Redis's client load only when something is queued."""
    statements = [
        "from django.urls import get_resolver; get_resolver().url_patterns",
        "from django.contrib import admin; admin.autodiscover()",
    ]
    assert modules_after(*statements, packages=QUEUE) == []
    queued = modules_after(*statements, "import heroes.tasks", packages=QUEUE)
    assert "celery" in queued and "kombu" in queued

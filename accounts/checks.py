"""Deployment checks (`manage.py check --deploy`) for the settings that keep
the login throttle and the rate limits honest in production."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def shared_cache_check(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    workers = getattr(settings, "WEB_CONCURRENCY", 1)
    if backend.endswith("LocMemCache") and workers > 1:
        return [
            Error(
                f"The cache is per process (locmem) but WEB_CONCURRENCY is {workers}: each "
                "worker would keep its own login throttle and rate limits.",
                hint="Set MLH_CACHE=redis://127.0.0.1:6379/0 (see docs/security.md).",
                id="mlh.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def proxy_check(app_configs, **kwargs):
    messages = []
    behind_proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None) is not None
    if behind_proxy and settings.NUM_PROXIES < 1:
        messages.append(
            Error(
                "DJANGO_BEHIND_TLS_PROXY is on but MLH_NUM_PROXIES is 0: every visitor would "
                "have the proxy's address, so one person's failed logins or uploads would "
                "lock out everyone.",
                hint="Set MLH_NUM_PROXIES=1 for nginx on the same machine.",
                id="mlh.E002",
            )
        )
    if settings.NUM_PROXIES > 0 and not settings.TRUSTED_PROXIES:
        messages.append(
            Error(
                "MLH_NUM_PROXIES is set but MLH_TRUSTED_PROXIES is empty: no request's "
                "X-Forwarded-For would be believed.",
                hint="Set MLH_TRUSTED_PROXIES to the proxy's address (127.0.0.1 by default).",
                id="mlh.E003",
            )
        )
    bind = getattr(settings, "GUNICORN_BIND", "")
    if (
        settings.NUM_PROXIES > 0
        and bind
        and not bind.startswith(("127.", "localhost", "[::1]", "unix:"))
    ):
        messages.append(
            Warning(
                f"gunicorn binds {bind} while X-Forwarded-For is trusted: anyone who can "
                "reach it directly bypasses nginx's limits.",
                hint="Bind gunicorn to 127.0.0.1 or a unix socket behind nginx.",
                id="mlh.W004",
            )
        )
    return messages

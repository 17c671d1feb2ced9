"""Settings for production (``DJANGO_ENV=production``): debug off; a secret
key, host names and a mail server required (start-up stops without them);
secure cookies, HSTS, the SSL redirect; static files from WhiteNoise. The
recipe: docs/operations.md#production."""

from mylittlehero.settings.base import *  # noqa: F403
from mylittlehero.settings.base import (
    EMAIL_HOST,
    MIDDLEWARE,
    SECRET_KEY,
    STORAGES,
    ImproperlyConfigured,
    env,
)

if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. Production refuses to start without a "
        'secret key; generate one with: python -c "import secrets; '
        'print(secrets.token_urlsafe(50))"'
    )

DEBUG = env.bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

# Compressed, hashed static files straight from gunicorn. Locally,
# runserver (DEBUG) and the tests' live server serve static files.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

if not EMAIL_HOST and not env.bool("MLH_EMAIL_CONSOLE", False):
    # Password-reset links printed to stdout end up in log collectors.
    raise ImproperlyConfigured(
        "EMAIL_HOST is not set. Production refuses to start without a mail server "
        "(password-reset links would be printed to the log); set EMAIL_HOST, or "
        "MLH_EMAIL_CONSOLE=1 to choose the console on purpose."
    )

# --- HTTPS ----------------------------------------------------------------------

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", True)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
# Opt-in: both bind every subdomain (and, for preload, browsers' built-in
# lists, hard to leave) to HTTPS, which only the domain's owner can decide.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", False)
if env.bool("DJANGO_BEHIND_TLS_PROXY", False):
    # Only behind a proxy that sets this header and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# `check --deploy` warns when HSTS subdomains or preload are off; here that is
# a documented choice (above), not an oversight.
SILENCED_SYSTEM_CHECKS = [
    *(["security.W005"] if not SECURE_HSTS_INCLUDE_SUBDOMAINS else []),
    *(["security.W021"] if not SECURE_HSTS_PRELOAD else []),
]

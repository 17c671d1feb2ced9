"""Settings for a site on this machine (``DJANGO_ENV=local``, the default):
debug on, a throwaway secret key, loopback host names, emails on the
console unless ``EMAIL_HOST`` is set."""

from mylittlehero.settings.base import *  # noqa: F403
from mylittlehero.settings.base import SECRET_KEY, env

if not SECRET_KEY:
    # Local development only: never used when DJANGO_ENV=production.
    SECRET_KEY = "django-insecure-local-development-key-do-not-use-in-production"

DEBUG = env.bool("DJANGO_DEBUG", True)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

"""Settings for MyLittleHero: ``DJANGO_ENV`` chooses them.

- ``local`` (default): local.py, a site on this machine with debug on.
- ``production``: production.py, strict (a secret key, host names and a
  mail server are required), HTTPS, WhiteNoise.

Both start from base.py (what every environment shares); pytest uses
test.py (pyproject.toml). docs/operations.md lists every variable.
"""

from mylittlehero.settings.base import ImproperlyConfigured, env

DJANGO_ENV = env.str("DJANGO_ENV", "local").strip().lower()
if DJANGO_ENV == "production":
    from mylittlehero.settings.production import *  # noqa: F403
elif DJANGO_ENV == "local":
    from mylittlehero.settings.local import *  # noqa: F403
else:
    raise ImproperlyConfigured("DJANGO_ENV must be 'local' or 'production'.")

"""Settings for the test suite (pytest: pyproject.toml), the local ones
with a fast password hasher. The real hasher list is tested on its own
(accounts/tests/test_models.py). Child processes that tests start
(manage.py, gunicorn) use the settings DJANGO_ENV chooses."""

from mylittlehero.settings.local import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

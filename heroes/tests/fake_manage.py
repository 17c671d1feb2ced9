"""manage.py with the fake engine, for tests that run a command in a real
subprocess: ``python -m heroes.tests.fake_manage repredict ...``. The fake's
version and delay come from MLH_FAKE_VERSION and MLH_FAKE_DELAY (fakes.py)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mylittlehero.settings")
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    from heroes.tests.fakes import install_from_environment

    install_from_environment()
    execute_from_command_line(["manage.py", *sys.argv[1:]])

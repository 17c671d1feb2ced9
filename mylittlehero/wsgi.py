"""WSGI entry point (gunicorn mylittlehero.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mylittlehero.settings")

application = get_wsgi_application()

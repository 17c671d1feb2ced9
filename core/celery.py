"""The Celery app that carries background work (re-prediction batches).

Configured from Django settings (``CELERY_*``, built from ``MLH_BROKER_URL``
and friends in mylittlehero/settings/base.py): nothing is needed when no broker is set, and
importing this module connects to nothing. It is not imported at Django
start-up: the web process imports it (through heroes/tasks.py) only when it
queues work. Workers start from the project package, which adds what a
worker process needs: ``celery -A mylittlehero worker`` (mylittlehero/celery.py).
"""

from celery import Celery

app = Celery("mylittlehero")
app.config_from_object("django.conf:settings", namespace="CELERY")

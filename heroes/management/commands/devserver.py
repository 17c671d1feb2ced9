"""The development server (``make run``), with the hero engine warmed in the
background as it starts, as gunicorn.conf.py does for production workers:
the first upload does not wait for TensorFlow.

    python manage.py devserver [addrport] [runserver options]

Everything else is Django's ``runserver`` (with static files). The engine
loads in the process that serves requests (the autoreloader's child), once
per reload; requests are served meanwhile, and the first prediction waits
for the load under the engine's lock. MLH_WARM_ON_START=0 turns it off.
"""

import logging
import os
import threading
import time

from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand

from heroes.ml import api as engine_api

logger = logging.getLogger(__name__)


def warm_engine(stdout=None):
    """Load the engine in a daemon thread. Returns the thread, or None when
    warming is off."""
    if os.environ.get("MLH_WARM_ON_START", "1") != "1":
        return None

    def warm():
        started = time.monotonic()
        try:
            engine_api.load()
        except Exception:  # noqa: BLE001 - /healthz and the 503 page report it
            logger.exception("hero engine failed to load")
            return
        if stdout is not None:
            stdout.write(f"Hero engine ready ({time.monotonic() - started:.1f} s).\n")

    thread = threading.Thread(target=warm, name="warm-hero-engine", daemon=True)
    thread.start()
    return thread


class Command(RunserverCommand):
    help = "Development server; loads the hero engine in the background as it starts."

    def inner_run(self, *args, **options):
        warm_engine(self.stdout)
        return super().inner_run(*args, **options)

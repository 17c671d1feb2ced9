"""Celery workers start here: background work (re-prediction) on workers.

    celery -A mylittlehero worker --concurrency=N --prefetch-multiplier=1 -O fair

The app itself is core/celery.py (configured from Django settings); this
module, which only workers import, registers the project's tasks and loads
the engine in each worker process. Nothing here loads TensorFlow at import.
Each worker process loads the hero engine once,
when it starts (``worker_process_init``), with ``MLH_WORKER_TF_THREADS``
TensorFlow threads (default 1: one process per core). See docs/scaling.md.
"""

import logging
import os

from celery.signals import worker_process_init

# Before the app is made: Celery's Django fix-up (django.setup() in each
# worker) looks for this variable.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mylittlehero.settings")

from core.celery import app  # noqa: E402
from heroes.ml import api as engine_api  # noqa: E402 - cheap: TensorFlow loads on the first call

app.conf.imports = ["heroes.tasks"]

logger = logging.getLogger("heroes.reprediction")


def worker_tensorflow_threads():
    """TensorFlow threads per worker process: MLH_WORKER_TF_THREADS, default 1."""
    return int(os.environ.get("MLH_WORKER_TF_THREADS", "1") or 1)


@worker_process_init.connect
def load_engine(**_kwargs):
    """Each worker process (prefork child or solo worker) loads the engine
    once before its first batch, not at import and not in the parent."""
    threads = worker_tensorflow_threads()
    engine_api.configure(tf_intra_threads=threads, tf_inter_threads=threads)
    if os.environ.get("MLH_WORKER_WARM", "1") != "1":
        return
    try:
        engine_api.load()
        version = engine_api.model_version()
    except Exception:  # a batch reports it again, retried, then reported
        logger.exception("worker %s: the hero engine failed to load", os.getpid())
        return
    logger.info("worker %s: hero engine %s loaded (%s TF threads)", os.getpid(), version, threads)

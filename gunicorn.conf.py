"""gunicorn settings for production: `gunicorn mylittlehero.wsgi` (this file
is read from the working directory). Every value comes from the environment.

No preload_app: TensorFlow must load after fork, in each worker (a model
loaded in the master and forked is not safe to use). Workers are recycled
after max_requests (with jitter) to bound memory; the timeout covers a cold
prediction (model load on a worker's first photo).
"""

import os
import threading

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
preload_app = False
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """Load the hero engine in the background as each worker starts
    (MLH_WARM_ON_START=1, the default), so the first visitor does not wait
    for TensorFlow. Requests are served meanwhile; the first prediction
    waits for the load under the engine's lock."""
    if os.environ.get("MLH_WARM_ON_START", "1") != "1":
        return

    def warm():
        try:
            from heroes.ml import api as engine

            engine.load_engine()
            worker.log.info("hero engine loaded in worker %s", worker.pid)
        except Exception:  # noqa: BLE001 - /healthz and the 503 page report it
            worker.log.exception("hero engine failed to load in worker %s", worker.pid)

    threading.Thread(target=warm, name="warm-hero-engine", daemon=True).start()

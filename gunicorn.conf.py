"""gunicorn settings for production: `gunicorn mylittlehero.wsgi` (this file
is read from the working directory). Every value comes from the environment.

No preload_app: TensorFlow must load after fork, in each worker (a model
loaded in the master and forked is not safe to use). Workers are recycled
after max_requests (with jitter), and at once when a request leaves one
over GUNICORN_MAX_WORKER_MEMORY_MB, to bound memory; the timeout covers a cold
prediction (model load on a worker's first photo).
"""

import os
import sys
import threading
import time

from gunicorn.glogging import Logger

# The project's own modules, wherever gunicorn is started from.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mylittlehero.log_format import mask_secrets  # noqa: E402

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
# A worker whose memory (resident set) grew past this after a request is
# replaced gracefully: a hostile photo batch can leave a worker holding
# memory it will not give back. 0: no check.
max_worker_memory_mb = int(os.environ.get("GUNICORN_MAX_WORKER_MEMORY_MB", "1000"))


class MaskingLogger(Logger):
    """gunicorn's access log with secrets in paths masked (share, reset and
    confirmation links; the same masking as Django's logs and nginx's), and the client's
    real address (the X-Forwarded-For value set by nginx, believed only from
    a peer in forwarded_allow_ips) instead of nginx's 127.0.0.1."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("r", "U", "q", "f", "{referer}i"):
            if name in atoms:
                atoms[name] = mask_secrets(atoms[name])
        peer = environ.get("REMOTE_ADDR", "")
        trusted = self.cfg.forwarded_allow_ips
        forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded and ("*" in trusted or peer in trusted):
            client = forwarded.split(",")[-1].strip()
            if client:
                atoms["h"] = client
        return atoms


logger_class = MaskingLogger


def _resident_mb():
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


# Bodies up to this size that the site did not read are read and dropped
# after the answer: gunicorn itself drains at most 64 KiB
# of an unread body and then closes the connection with the rest unread, a
# TCP reset that nginx, still sending the body, reports as 502 in place of
# the site's 401/403/429/503. nginx has the whole body already (it buffers
# requests, 11 MB at most), so this costs a loopback read. Bigger bodies
# (only a client reaching gunicorn directly sends them) are not read.
drain_max_bytes = int(os.environ.get("GUNICORN_DRAIN_MAX_BYTES", str(12 * 1024 * 1024)))


def _drain_unread_body(environ):
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    body = environ.get("wsgi.input")
    if body is None or not 0 < length <= drain_max_bytes:
        return
    # nginx sends a buffered body at loopback speed; a slow client reaching
    # gunicorn directly gets 2 s, not a thread for as long as it likes.
    sock = environ.get("gunicorn.socket")
    deadline = time.monotonic() + 2.0
    try:
        if sock is not None:
            sock.settimeout(2.0)
        while time.monotonic() < deadline and body.read(64 * 1024):
            pass
    except Exception:  # noqa: BLE001 - the client went away or stalled
        pass


def post_request(worker, req, environ, resp):
    """Read and drop an unread request body (see drain_max_bytes); replace
    this worker gracefully (it finishes its requests first) when its memory
    grew past max_worker_memory_mb."""
    _drain_unread_body(environ)
    limit = max_worker_memory_mb
    resident = _resident_mb()
    if limit and resident > limit and worker.alive:
        worker.log.warning(
            "worker %s uses %.0f MB (over %s MB): replacing it", worker.pid, resident, limit
        )
        worker.alive = False


def post_worker_init(worker):
    """Load the hero engine in the background as each worker starts
    (MLH_WARM_ON_START=1, the default), so the first visitor does not wait
    for TensorFlow. Requests are served meanwhile; the first prediction
    waits for the load under the engine's lock."""
    if os.environ.get("MLH_WARM_ON_START", "1") != "1":
        return

    def warm():
        try:
            from heroes.ml import api as engine_api

            engine_api.load()
            worker.log.info("hero engine loaded in worker %s", worker.pid)
        except Exception:  # noqa: BLE001 - /healthz and the 503 page report it
            worker.log.exception("hero engine failed to load in worker %s", worker.pid)

    threading.Thread(target=warm, name="warm-hero-engine", daemon=True).start()

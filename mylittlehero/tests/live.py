"""A real gunicorn (several workers) on loopback for the deployment tests:
its own SQLite file and media folder, the fake engine, one person with a
password and an API token. Stopped by PID.

The Redis tests need ``MLH_TEST_REDIS_URL`` (a Redis on loopback that they
may flush, e.g. redis://127.0.0.1:6390/0); the nginx tests need
``MLH_TEST_NGINX_URL`` (nginx started with deploy/nginx.conf and TLS, e.g. by
``deploy/nginx-loopback.sh 8480 8482 8481 ...``) and ``MLH_TEST_NGINX_UPSTREAM_PORT``
(the port its upstream points at, where the test starts gunicorn). `.ci/run`
starts both; elsewhere the tests skip and say why.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from mylittlehero.tests.environment import REPO_ROOT, child_env

PASSWORD = "live-pass-12345-xyz"
EMAIL = "live@example.com"

SETUP = f"""
import django, json
django.setup()
from accounts.models import User
from accounts.services import api_token_create
user = User.objects.create_user(email="{EMAIL}", password="{PASSWORD}")
print(json.dumps({{"token": api_token_create(user=user, name="live")[1]}}))
"""

COUNT = r"""
import django
django.setup()
from heroes.models import Prediction
print(Prediction.objects.count())
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveSite:
    def __init__(self, *, port=None, workers=2, env=None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.work = Path(tempfile.mkdtemp(prefix="mlh-live-"))
        self.env = child_env()
        self.env.update(
            {
                "DJANGO_DEBUG": "0",
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "MLH_SQLITE_PATH": str(self.work / "db.sqlite3"),
                "MLH_MEDIA_ROOT": str(self.work / "media"),
                "MLH_WARM_ON_START": "0",
                "WEB_CONCURRENCY": str(workers),
                "GUNICORN_THREADS": "2",
                "GUNICORN_ACCESS_LOG": "",
                "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                **(env or {}),
            }
        )
        self.process = None
        self.token = None

    def manage_python(self, code):
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout.strip().splitlines()[-1]

    def start(self):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                # Another server (a leftover of an interrupted run) would
                # answer in this one's place.
                raise RuntimeError(f"port {self.port} is already in use")
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"],
            cwd=REPO_ROOT,
            env=self.env,
            check=True,
            timeout=180,
        )
        if self.env.get("MLH_CACHE") == "database":
            subprocess.run(
                [sys.executable, "manage.py", "createcachetable"],
                cwd=REPO_ROOT,
                env=self.env,
                check=True,
                timeout=60,
            )
        self.token = json.loads(self.manage_python(SETUP))["token"]
        self.log = open(self.work / "gunicorn.log", "w")
        self.process = subprocess.Popen(
            # The site with the fake engine (no TensorFlow).
            [str(Path(sys.executable).parent / "gunicorn"), "heroes.tests.fake_wsgi"],
            cwd=REPO_ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        self.wait_until_up(self.url)
        return self

    def wait_until_up(self, url, timeout=60, verify=True):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited: " + self.log_text()[-2000:])
            try:
                answer = requests.get(url + "/accounts/login/", timeout=5, verify=verify)
                if answer.status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer: " + self.log_text()[-2000:])

    def worker_pids(self):
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        return sorted(int(pid) for pid in out.split())

    def restart_workers(self):
        """Replace every worker (what max_requests recycling does)."""
        before = set(self.worker_pids())
        os.kill(self.process.pid, signal.SIGHUP)
        deadline = time.time() + 60
        while time.time() < deadline:
            now = set(self.worker_pids())
            if now and not now & before and len(now) == len(before):
                break
            time.sleep(0.2)
        else:
            raise RuntimeError("workers were not replaced")
        self.wait_until_up(self.url)

    def upload_status(self, photo):
        """POST ``photo`` (JPEG bytes) to the API with this site's token, on
        a fresh connection (another worker may answer); returns the status."""
        return requests.post(
            self.url + "/api/predictions/",
            files={"photo": ("me.jpg", photo, "image/jpeg")},
            headers={"Authorization": f"Token {self.token}", "Connection": "close"},
            timeout=60,
        ).status_code

    def prediction_count(self):
        return int(self.manage_python(COUNT))

    def log_text(self):
        try:
            return (self.work / "gunicorn.log").read_text()
        except OSError:
            return ""

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def login_attempt(base_url, email, password, *, session=None):
    """One login through the form, on a new connection: 'ok', 'wrong' or 'locked'."""
    session = session or requests.Session()
    page = session.get(base_url + "/accounts/login/", headers={"Connection": "close"}, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        base_url + "/accounts/login/",
        data={"username": email, "password": password, "csrfmiddlewaretoken": token},
        headers={
            "Referer": base_url + "/accounts/login/",
            "Connection": "close",
            "Accept-Language": "en",
        },
        allow_redirects=False,
        timeout=30,
    )
    if response.status_code == 302:
        return "ok"
    if "Too many failed login attempts" in response.text:
        return "locked"
    assert "not correct" in response.text, response.text[:500]
    return "wrong"


def connect(host, port, *, timeout=5, tls=None):
    """A socket to host:port; with ``tls`` (an ssl.SSLContext) wrapped in TLS."""
    sock = socket.create_connection((host, port), timeout=timeout)
    if tls is not None:
        sock = tls.wrap_socket(sock, server_hostname=host)
    return sock


def tls_context(url, verify):
    """An SSLContext trusting ``verify`` (a CA file, or True) for an https
    URL; None for http."""
    import ssl

    if not url.startswith("https:"):
        return None
    return ssl.create_default_context(cafile=verify if isinstance(verify, str) else None)


def slow_clients(host, port, *, headers=64, bodies=4, interval=2.0, stop, tls=None):
    """Hold `headers` connections that send one header line every `interval`
    seconds and `bodies` POSTs that send 1 KB of a 1 MB body as slowly, until
    `stop` (a threading.Event) is set. Returns the threads to join."""
    import threading

    def header_dribbler():
        try:
            with connect(host, port, tls=tls) as sock:
                sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                n = 0
                while not stop.wait(interval):
                    n += 1
                    sock.sendall(f"X-Slow-{n}: x\r\n".encode())
        except OSError:
            pass  # dropped by the server: what a timeout should do

    def body_dribbler():
        try:
            with connect(host, port, tls=tls) as sock:
                sock.sendall(
                    b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Type: application/x-www-form-urlencoded\r\n"
                    b"Content-Length: 1000000\r\n\r\n"
                )
                while not stop.wait(interval):
                    sock.sendall(b"a" * 1024)
        except OSError:
            pass

    threads = [threading.Thread(target=header_dribbler, daemon=True) for _ in range(headers)]
    threads += [threading.Thread(target=body_dribbler, daemon=True) for _ in range(bodies)]
    for thread in threads:
        thread.start()
    return threads


def latencies_under_slow_clients(base_url, *, requests_count=30, warmup=3.0, verify=True):
    """Start the slow clients against base_url, then time `requests_count`
    ordinary page loads (each with a 5 s timeout; a timeout counts as 5 s)."""
    import threading
    from urllib.parse import urlsplit

    parts = urlsplit(base_url)
    stop = threading.Event()
    threads = slow_clients(parts.hostname, parts.port, stop=stop, tls=tls_context(base_url, verify))
    timings, statuses = [], []
    try:
        time.sleep(warmup)
        for _ in range(requests_count):
            start = time.perf_counter()
            try:
                status = requests.get(
                    base_url + "/accounts/login/",
                    timeout=5,
                    headers={"Connection": "close"},
                    verify=verify,
                ).status_code
            except requests.RequestException:
                status = 0
            timings.append(time.perf_counter() - start)
            statuses.append(status)
            time.sleep(0.2)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    return p95, statuses

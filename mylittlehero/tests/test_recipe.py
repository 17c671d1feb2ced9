"""The production recipe of docs/operations.md, run as written:
the shell block after the "The recipe" marker runs with this test's ports,
paths and a throw-away self-signed certificate given through the
environment, starting Redis, gunicorn and nginx with TLS (deploy/stack.sh);
then the stack is checked through TLS, restarted, and stopped.

Needs redis-server, nginx, openssl and curl; skips without them, unless
MLH_REQUIRE_STACK=1 (set by .ci/run), which turns the skip into a failure.
"""

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

from mylittlehero.tests.environment import REPO_ROOT, child_env
from mylittlehero.tests.live import free_port

TOOLS = ("redis-server", "redis-cli", "nginx", "openssl", "curl")
MISSING = [tool for tool in TOOLS if not shutil.which(tool)]
if MISSING and os.environ.get("MLH_REQUIRE_STACK") == "1":
    raise RuntimeError(f"MLH_REQUIRE_STACK=1 but {', '.join(MISSING)} missing")
pytestmark = [
    pytest.mark.skipif(
        bool(MISSING),
        reason=f"{', '.join(MISSING)} not installed (apt-get install {' '.join(TOOLS)})",
    ),
    # The stack it starts is on SQLite whatever the suite's database: once is
    # enough (CI's MongoDB pass would only repeat it).
    pytest.mark.skipif(bool(os.environ.get("MONGODB_URI")), reason="runs once, in the SQLite pass"),
]

MARKER = "<!-- The recipe:"


def recipe():
    """The first ```sh block after the marker in docs/operations.md."""
    text = (REPO_ROOT / "docs/operations.md").read_text()
    after = text[text.index(MARKER) :]
    return re.search(r"```sh\n(.*?)```", after, re.S).group(1)


class Stack:
    def __init__(self):
        self.work = Path(tempfile.mkdtemp(prefix="mlh-recipe-"))
        os.chmod(self.work, 0o711)
        cert, key = self.work / "cert.pem", self.work / "key.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
            + ["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"]
            + ["-keyout", str(key), "-out", str(cert)],
            check=True,
            capture_output=True,
        )
        self.cert = str(cert)
        self.http_port, self.https_port = free_port(), free_port()
        self.url = f"https://localhost:{self.https_port}"
        self.env = child_env(
            MLH_DOMAIN="localhost",
            MLH_TLS_CERT=self.cert,
            MLH_TLS_KEY=str(key),
            MLH_ETC_DIR=str(self.work / "etc"),
            MLH_RUN_DIR=str(self.work / "run"),
            MLH_REDIS_DIR=str(self.work / "redis"),
            MLH_REDIS_PORT=str(free_port()),
            MLH_HTTP_LISTEN=f"127.0.0.1:{self.http_port}",
            MLH_HTTPS_LISTEN=f"127.0.0.1:{self.https_port}",
            MLH_HTTPS_PORT=str(self.https_port),
            GUNICORN_BIND=f"127.0.0.1:{free_port()}",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(free_port()),  # nothing listens: no mail is sent here
            MLH_SQLITE_PATH=str(self.work / "db.sqlite3"),
            MLH_MEDIA_ROOT=str(self.work / "media"),
            MLH_WARM_ON_START="0",  # no TensorFlow in this test
            MLH_LOGIN_ACCOUNT_LIMIT="3",
            # CI's checkout may sit where www-data cannot read static files.
            MLH_NGINX_USER="root" if os.geteuid() == 0 else "www-data",
        )

    def sh(self, script, timeout=240):
        result = subprocess.run(
            ["sh", "-ec", script],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
        return result.stdout

    def start(self):
        return self.sh(recipe())

    def stop(self):
        # The same variables as the recipe, then stop (as the docs say).
        self.sh(recipe().replace("deploy/stack.sh start", "deploy/stack.sh stop"))

    def pids(self):
        run = self.work / "run"
        return [run / "redis.pid", run / "gunicorn.pid", run / "nginx" / "nginx.pid"]


def login(stack, password, client):
    page = client.get(stack.url + "/accounts/login/", timeout=30, verify=stack.cert)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = client.post(
        stack.url + "/accounts/login/",
        data={"username": "owner@example.com", "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": stack.url + "/accounts/login/", "Accept-Language": "en"},
        allow_redirects=False,
        timeout=30,
        verify=stack.cert,
    )
    assert answer.status_code == 200, answer.status_code
    return "locked" if "Too many failed login attempts" in answer.text else "wrong"


def test_the_production_recipe_runs_as_written():
    stack = Stack()
    try:
        out = stack.start()
        assert "started: redis" in out, out
        client = requests.Session()
        # Through TLS: the site answers, with production's headers.
        answer = client.get(stack.url + "/accounts/login/", verify=stack.cert, timeout=30)
        assert answer.status_code == 200
        assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
        assert "secure" in answer.headers["Set-Cookie"].lower()
        assert client.get(stack.url + "/healthz", verify=stack.cert).json() == {"status": "ok"}
        # Static files from collectstatic's manifest, served by nginx.
        manifest = (REPO_ROOT / "staticfiles/staticfiles.json").read_text()
        css = re.search(r'"(css/[^"]+\.[0-9a-f]{12}\.css)"', manifest).group(1)
        answer = client.get(f"{stack.url}/static/{css}", verify=stack.cert, timeout=10)
        assert answer.status_code == 200 and "immutable" in answer.headers["Cache-Control"]
        # Plain HTTP only redirects, keeping the HTTPS port.
        answer = requests.get(
            f"http://localhost:{stack.http_port}/history/?a=1", allow_redirects=False, timeout=10
        )
        assert answer.status_code == 301
        assert answer.headers["Location"] == f"{stack.url}/history/?a=1"
        # A POST with CSRF through TLS works (trusted origin with its port),
        # and failed logins are counted in the stack's Redis...
        outcomes = []
        for _ in range(4):
            client.cookies.clear()
            outcomes.append(login(stack, "wrong-password", client))
        assert outcomes == ["wrong"] * 3 + ["locked"], outcomes
        # ... which keeps them when the whole stack restarts.
        stack.stop()
        assert not any(path.exists() for path in stack.pids())
        stack.start()
        client.cookies.clear()
        assert login(stack, "wrong-password", client) == "locked"
        # reload keeps everything up.
        stack.sh(recipe().replace("deploy/stack.sh start", "deploy/stack.sh reload"))
        time.sleep(1)
        assert client.get(stack.url + "/healthz", verify=stack.cert).status_code == 200
    finally:
        try:
            stack.stop()
        finally:
            pids = [path for path in stack.pids() if path.exists()]
            for path in pids:  # a failed stop: do not leave processes behind
                subprocess.run(["kill", path.read_text().strip()], check=False)
            shutil.rmtree(stack.work, ignore_errors=True)

"""nginx in front of gunicorn: the committed deploy/nginx.conf with TLS, started on loopback by
`.ci/run` (deploy/nginx-loopback.sh, a throw-away self-signed certificate)
with a real gunicorn (two workers) behind it, started here.

Needs MLH_TEST_NGINX_URL (https), MLH_TEST_NGINX_HTTP_URL (the plain-HTTP
port), MLH_TEST_NGINX_CERT (the certificate to trust), MLH_TEST_NGINX_LOG
(nginx's access log) and MLH_TEST_NGINX_UPSTREAM_PORT; skips elsewhere.
"""

import concurrent.futures
import json
import os
import re
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from mylittlehero.tests.environment import REPO_ROOT
from mylittlehero.tests.live import (
    LiveSite,
    connect,
    latencies_under_slow_clients,
    login_attempt,
    tls_context,
)

NGINX_URL = os.environ.get("MLH_TEST_NGINX_URL", "")
HTTP_URL = os.environ.get("MLH_TEST_NGINX_HTTP_URL", "")
CERT = os.environ.get("MLH_TEST_NGINX_CERT", "") or True
NGINX_LOG = os.environ.get("MLH_TEST_NGINX_LOG", "")
UPSTREAM_PORT = os.environ.get("MLH_TEST_NGINX_UPSTREAM_PORT", "")
STATIC_DIR = Path(os.environ.get("MLH_TEST_NGINX_STATIC_DIR", "") or REPO_ROOT / "staticfiles")
pytestmark = pytest.mark.skipif(
    not (NGINX_URL and UPSTREAM_PORT),
    reason="MLH_TEST_NGINX_URL / MLH_TEST_NGINX_UPSTREAM_PORT are not set "
    "(.ci/run starts nginx with deploy/nginx.conf on loopback)",
)


@pytest.fixture(scope="module")
def site():
    live = LiveSite(
        port=int(UPSTREAM_PORT or 0),
        workers=2,
        env={
            "MLH_NUM_PROXIES": "1",
            "DJANGO_BEHIND_TLS_PROXY": "1",
            # Counters shared by both workers (nginx spreads requests over them).
            "MLH_CACHE": "database",
            "MLH_LOGIN_ACCOUNT_LIMIT": "100",
            "MLH_LOGIN_IP_LIMIT": "3",
            "MLH_PREDICTION_RATE_USER": "",
            "MLH_PREDICTION_RATE_IP": "",
        },
    )
    live.env["GUNICORN_ACCESS_LOG"] = str(live.work / "access.log")
    live.start()
    live.wait_until_up(NGINX_URL, verify=CERT)
    yield live
    live.stop()


class TrustingSession(requests.Session):
    """A session that trusts the test certificate (Session.verify alone loses
    to REQUESTS_CA_BUNDLE in the environment)."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("verify", CERT)
        return super().request(*args, **kwargs)


def session():
    return TrustingSession()


def raw_request(head, *, timeout=10):
    parts = urlsplit(NGINX_URL)
    tls = tls_context(NGINX_URL, CERT)
    with connect(parts.hostname, parts.port, timeout=timeout, tls=tls) as sock:
        sock.sendall(head)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    return int(data.split(b" ", 2)[1]) if data else 0


def test_slow_clients_do_not_starve_other_visitors(site):
    p95, statuses = latencies_under_slow_clients(NGINX_URL, verify=CERT)
    assert statuses.count(200) == len(statuses), statuses
    assert p95 < 1.0, f"p95 {p95:.2f} s with 64 slow-header and 4 slow-body clients"


@pytest.mark.parametrize(
    "path, length, expected",
    [
        ("/accounts/login/", 300 * 1024 * 1024, 413),  # 300 MB at a small form
        ("/accounts/login/", 2 * 1024 * 1024, 413),
        ("/upload/", 12 * 1024 * 1024, 413),  # over the photo limit
        ("/api/predictions/", 12 * 1024 * 1024, 413),
    ],
)
def test_big_bodies_are_refused_before_they_are_read(site, path, length, expected):
    start = time.perf_counter()
    status = raw_request(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: multipart/form-data; boundary=x\r\n"
        f"Content-Length: {length}\r\n\r\n".encode()
    )
    assert status == expected
    assert time.perf_counter() - start < 2


def test_a_photo_under_the_limit_reaches_the_site(site):
    body = os.urandom(3 * 1024 * 1024)
    response = requests.post(
        NGINX_URL + "/api/predictions/",
        files={"photo": ("big.jpg", body, "image/jpeg")},
        headers={"Authorization": f"Token {site.token}"},
        timeout=30,
        verify=CERT,
    )
    # Django read it and refused it as not a photo: nginx let it through.
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "not_an_image"


def test_a_forwarded_for_header_from_the_client_is_not_believed(site):
    """Each guess claims another address; nginx replaces the header with the
    real one, so the per-IP limit (3 here) still holds."""
    client = session()
    outcomes = []
    for i in range(5):
        client.headers["X-Forwarded-For"] = f"203.0.113.{i + 1}"
        outcomes.append(login_attempt(NGINX_URL, f"nobody{i}@example.com", "x", session=client))
    assert outcomes == ["wrong"] * 3 + ["locked"] * 2, outcomes


# --- Deployment hardening -----------------------------------------------------


def test_refused_unread_bodies_do_not_make_other_visitors_posts_fail(site):
    """Item 1, the reproduction: 900 KB POSTs to the API without a token
    (401, body never read by Django) while another client makes 150 POSTs
    to /i18n/setlang/. With upstream keep-alive, gunicorn closed connections
    nginx then reused, and some of the other POSTs got 502."""
    stop = threading.Event()
    refused = []

    def flood():
        client = session()
        body = os.urandom(900 * 1024)
        while not stop.is_set():
            try:
                answer = client.post(
                    NGINX_URL + "/api/predictions/",
                    files={"photo": ("x.jpg", body, "image/jpeg")},
                    timeout=30,
                )
                refused.append(answer.status_code)
            except requests.RequestException:
                refused.append(0)

    def setlang(i):
        client = session()
        page = client.get(NGINX_URL + "/accounts/login/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        statuses = []
        for _ in range(10):
            statuses.append(
                client.post(
                    NGINX_URL + "/i18n/setlang/",
                    data={"language": "en", "next": "/", "csrfmiddlewaretoken": token},
                    headers={"Referer": NGINX_URL + "/accounts/login/"},
                    allow_redirects=False,
                    timeout=30,
                ).status_code
            )
        return statuses

    flooders = [threading.Thread(target=flood) for _ in range(4)]
    for thread in flooders:
        thread.start()
    try:
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            statuses = [s for batch in pool.map(setlang, range(15)) for s in batch]
    finally:
        stop.set()
        for thread in flooders:
            thread.join(timeout=60)
    assert len(statuses) == 150
    assert statuses.count(302) == 150, {s: statuses.count(s) for s in set(statuses)}
    assert refused and set(refused) == {401}, set(refused)


def test_one_address_holds_at_most_20_requests_in_progress(site):
    """Item 10: connections whose request is in progress (a POST body that
    trickles) count per client address; over 20, nginx answers 429 at once."""
    parts = urlsplit(NGINX_URL)
    tls = tls_context(NGINX_URL, CERT)
    held = []
    try:
        for _ in range(20):
            sock = connect(parts.hostname, parts.port, tls=tls)
            sock.sendall(
                b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 100000\r\n\r\nusername="
            )
            held.append(sock)
        time.sleep(0.5)
        answer = requests.get(NGINX_URL + "/accounts/login/", timeout=10, verify=CERT)
        assert answer.status_code == 429
    finally:
        for sock in held:
            sock.close()
    time.sleep(0.5)
    assert requests.get(NGINX_URL + "/accounts/login/", timeout=10, verify=CERT).status_code == 200


def test_static_files_are_nosniff_hsts_and_immutable_only_when_hashed(site):
    """Item 10: nginx's static answers carry nosniff and HSTS; only hashed
    names (which never change) are immutable."""
    manifest = json.loads((STATIC_DIR / "staticfiles.json").read_text())["paths"]
    name, hashed = next((k, v) for k, v in manifest.items() if k.endswith(".css"))
    for path, immutable in ((hashed, True), (name, False)):
        answer = requests.get(f"{NGINX_URL}/static/{path}", timeout=10, verify=CERT)
        assert answer.status_code == 200, path
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert ("immutable" in answer.headers["Cache-Control"]) is immutable, path


@pytest.mark.parametrize(
    "path, content_type",
    [
        ("vendor/onnxruntime-web/ort.wasm.min.mjs", "text/javascript"),
        ("vendor/onnxruntime-web/ort-wasm-simd-threaded.wasm", "application/wasm"),
        ("js/private/engine.js", "application/javascript"),
    ],
)
def test_private_mode_files_come_compressed_with_a_type_browsers_run(site, path, content_type):
    """Private mode's runtime and model files: gzip where the browser takes
    it (WhiteNoise's .gz beside each file) and the type a module or
    WebAssembly needs to run."""
    answer = requests.get(
        f"{NGINX_URL}/static/{path}",
        headers={"Accept-Encoding": "gzip"},
        timeout=10,
        verify=CERT,
        stream=True,
    )
    assert answer.status_code == 200, path
    assert answer.headers["Content-Type"].split(";")[0] == content_type
    assert answer.headers.get("Content-Encoding") == "gzip", path
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    answer.close()


def test_plain_http_redirects_to_https_on_the_same_host_and_port(site):
    """The recipe: HTTP only redirects, to the HTTPS port clients use."""
    if not HTTP_URL:
        pytest.skip("MLH_TEST_NGINX_HTTP_URL is not set")
    answer = requests.get(HTTP_URL + "/accounts/login/?next=/history/", allow_redirects=False)
    assert answer.status_code == 301
    assert answer.headers["Location"] == NGINX_URL + "/accounts/login/?next=/history/"
    # To the configured name, whatever Host the client sends.
    answer = requests.get(
        HTTP_URL + "/x", headers={"Host": "evil.example"}, allow_redirects=False, timeout=10
    )
    assert answer.headers["Location"] == NGINX_URL + "/x"


def test_links_made_by_the_site_keep_the_port(site):
    """Host is passed with its port ($http_host): absolute URLs (share links,
    links in mails, the API's) point where the client connected."""
    answer = requests.get(
        NGINX_URL + "/api/heroes/",
        headers={"Authorization": f"Token {site.token}"},
        timeout=10,
        verify=CERT,
    )
    assert answer.status_code == 200
    body = answer.json()
    heroes = body["results"] if isinstance(body, dict) else body
    assert heroes[0]["portrait_url"].startswith(NGINX_URL + "/"), heroes[0]["portrait_url"]


SECRETS = ("sEcReTsHaRe123", "c2VjcmV0dWlk", "secret-reset-tok", "secret-confirm-tok")


def test_access_logs_mask_tokens_and_show_the_client(site):
    """Item 11: share, reset and confirmation tokens never reach nginx's or
    gunicorn's access log (path or Referer); gunicorn logs the client's
    address that nginx passed, not 127.0.0.1."""
    if not NGINX_LOG:
        pytest.skip("MLH_TEST_NGINX_LOG is not set")
    client = session()
    client.headers["Referer"] = f"{NGINX_URL}/s/{SECRETS[0]}/"
    for path in (
        f"/s/{SECRETS[0]}/",
        f"/s/{SECRETS[0]}/card.png",
        f"/accounts/password/reset/{SECRETS[1]}/{SECRETS[2]}/",
        f"/accounts/signup/confirm/{SECRETS[1]}/{SECRETS[3]}/?next=/history/",
    ):
        client.get(NGINX_URL + path, allow_redirects=False, timeout=10)
    # Straight at gunicorn from a trusted peer (what nginx does).
    requests.get(
        site.url + "/accounts/login/", headers={"X-Forwarded-For": "203.0.113.77"}, timeout=10
    )
    time.sleep(1)  # both logs are written after the answer
    nginx_log = Path(NGINX_LOG).read_text()
    gunicorn_log = (site.work / "access.log").read_text()
    for log in (nginx_log, gunicorn_log):
        assert "/s/[token]/" in log and "/accounts/password/reset/[uid]/[token]/" in log
        assert "/accounts/signup/confirm/[uid]/[token]/?next=/history/" in log
        for secret in SECRETS:
            assert secret not in log
    assert re.search(r"^203\.0\.113\.77 .*GET /accounts/login/", gunicorn_log, re.M)

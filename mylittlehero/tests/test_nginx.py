"""nginx in front of gunicorn (issue 11, items 3, 5 and 9): the committed
deploy/nginx.conf, started on loopback by `.ci/run` (deploy/nginx-loopback.sh)
with a real gunicorn (two workers) behind it, started here.

Needs MLH_TEST_NGINX_URL and MLH_TEST_NGINX_UPSTREAM_PORT; skips elsewhere.
"""

import os
import socket
import time
from urllib.parse import urlsplit

import pytest
import requests

from mylittlehero.tests.live import LiveSite, latencies_under_slow_clients, login_attempt

NGINX_URL = os.environ.get("MLH_TEST_NGINX_URL", "")
UPSTREAM_PORT = os.environ.get("MLH_TEST_NGINX_UPSTREAM_PORT", "")
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
            "MLH_LOGIN_ACCOUNT_LIMIT": "100",
            "MLH_LOGIN_IP_LIMIT": "3",
            "MLH_PREDICTION_RATE_USER": "",
            "MLH_PREDICTION_RATE_IP": "",
        },
    )
    live.start()
    live.wait_until_up(NGINX_URL)
    yield live
    live.stop()


def raw_request(head, *, timeout=10):
    parts = urlsplit(NGINX_URL)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(head)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    return int(data.split(b" ", 2)[1]) if data else 0


def test_slow_clients_do_not_starve_other_visitors(site):
    p95, statuses = latencies_under_slow_clients(NGINX_URL)
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
    )
    # Django read it and refused it as not a photo: nginx let it through.
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "not_an_image"


def test_a_forwarded_for_header_from_the_client_is_not_believed(site):
    """Each guess claims another address; nginx replaces the header with the
    real one, so the per-IP limit (3 here) still holds."""
    session = requests.Session()
    outcomes = []
    for i in range(5):
        session.headers["X-Forwarded-For"] = f"203.0.113.{i + 1}"
        outcomes.append(login_attempt(NGINX_URL, f"nobody{i}@example.com", "x", session=session))
    assert outcomes == ["wrong"] * 3 + ["locked"] * 2, outcomes

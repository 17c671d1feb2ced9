"""Request-level protections: body limits, headers, proxies."""

import io
import os

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.parametrize(
    "path, length",
    [
        ("/accounts/login/", 300 * 1024 * 1024),  # 300 MB at the login form
        ("/accounts/signup/", 2 * 1024 * 1024),
        ("/upload/", 11 * 1024 * 1024),  # over the photo limit + envelope
        ("/api/predictions/", 11 * 1024 * 1024),
    ],
)
def test_bodies_over_the_route_limit_are_refused_unread(client, path, length):
    response = client.generic(
        "POST",
        path,
        CONTENT_LENGTH=str(length),
        CONTENT_TYPE="multipart/form-data; boundary=x",
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413
    if path.startswith("/api/"):
        assert response.json()["error"]["code"] == "too_large"


def test_a_photo_sized_body_is_fine_on_photo_routes_only(client, user):
    from core.middleware import body_limit_for

    photo = 5 * 1024 * 1024
    assert body_limit_for("/upload/") > photo and body_limit_for("/api/predictions/") > photo
    assert body_limit_for("/accounts/login/") < photo
    client.force_login(user)
    # A real 1.5 MB form post to the login page is refused; a small one is not.
    big = client.post(reverse("accounts:login"), {"username": "x" * (1536 * 1024), "password": "y"})
    assert big.status_code == 413
    assert client.post(
        reverse("accounts:login"), {"username": "a@b.c", "password": "y"}
    ).status_code in (200, 302)


def test_the_photo_routes_come_from_the_apps_that_own_them():
    from pathlib import Path

    import core.middleware
    from core.middleware import photo_route_prefixes

    assert set(photo_route_prefixes()) == {"/upload/", "/api/predictions/", "/admin/"}
    source = Path(core.middleware.__file__).read_text()
    assert not any(route in source for route in ("/upload/", "/predictions/", "/admin/"))


# --- Headers (item 17) ---------------------------------------------------------


def _scripts(html):
    import re

    return re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S | re.I)


@pytest.mark.parametrize(
    "name", ["home", "upload", "accounts:login", "accounts:signup", "heroes:list", "api:docs"]
)
def test_csp_allows_only_own_scripts_and_no_page_has_an_inline_one(client, user, name):
    if not name.startswith("accounts:"):
        client.force_login(user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    # The upload page may compile private mode's WebAssembly; no page may
    # evaluate JavaScript or run another site's scripts.
    expected = "'self' 'wasm-unsafe-eval'" if name == "upload" else "'self'"
    assert policy["script-src"] == expected
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    for attributes, body in _scripts(response.content.decode()):
        assert "src=" in attributes and not body.strip(), f"inline script on {name}"
        assert "on" not in attributes.split("src=")[0].replace("nonce", "")


def test_result_and_share_pages_have_no_inline_script(client, user, fake_predictor):
    from heroes.models import Prediction
    from heroes.services import prediction_share
    from mylittlehero.tests.factories import photo_upload

    client.force_login(user)
    client.post(reverse("upload"), {"photo": photo_upload(size=(600, 200))})
    prediction = prediction_share(prediction=Prediction.objects.get(owner=user))
    for url in (
        reverse("history:detail", args=[prediction.pk]),
        reverse("history:list"),
        reverse("heroes:share", args=[prediction.share_token]),
    ):
        html = client.get(url).content.decode()
        for attributes, body in _scripts(html):
            assert "src=" in attributes and not body.strip(), f"inline script on {url}"


def test_permissions_policy_allows_the_camera_on_the_upload_page_only(client, user):
    client.force_login(user)
    home = client.get(reverse("home"))["Permissions-Policy"]
    upload = client.get(reverse("upload"))["Permissions-Policy"]
    assert "camera=()" in home and "geolocation=()" in home and "microphone=()" in home
    assert "camera=(self)" in upload and "geolocation=()" in upload


def test_language_cookie_is_http_only_and_same_site(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    cookie = response.cookies["django_language"]
    assert cookie["samesite"] == "Lax" and cookie["httponly"]


def test_the_new_token_page_is_never_cached(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:token_create"), {"name": "script"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_production_cookies_and_hsts_defaults():
    from mylittlehero.tests.test_settings import PRODUCTION_ENV, run_manage

    code = (
        "from django.conf import settings as s;"
        "print(s.LANGUAGE_COOKIE_SECURE, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )
    result = run_manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.stdout.split()[-3:] == ["True", "False", "False"], result.stderr
    opted_in = run_manage(
        "shell",
        "-c",
        code,
        env={
            **PRODUCTION_ENV,
            "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
            "DJANGO_SECURE_HSTS_PRELOAD": "1",
        },
    )
    assert opted_in.stdout.split()[-3:] == ["True", "True", "True"], opted_in.stderr


# --- The shared cache down ----------------------------------------------------

DOWN_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6399/0",  # nothing listens here
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


def _redis_really_down():
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", 6399)) != 0


def test_a_login_with_the_shared_cache_down_is_503_not_a_pass(client, user, password, settings):
    if not _redis_really_down():
        pytest.skip("something listens on 127.0.0.1:6399")
    from django.core.cache import caches

    settings.CACHES = DOWN_REDIS
    try:
        response = client.post(
            reverse("accounts:login"),
            {"username": user.email, "password": password},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 503
        assert "Nothing was changed" in response.content.decode()
        assert "_auth_user_id" not in client.session
    finally:
        caches["default"].close()


def test_an_api_upload_with_the_shared_cache_down_is_a_json_503(user, fake_predictor, settings):
    if not _redis_really_down():
        pytest.skip("something listens on 127.0.0.1:6399")
    from rest_framework.test import APIClient

    from accounts.services import api_token_create
    from heroes.models import Prediction
    from mylittlehero.tests.factories import photo_upload

    _token, secret = api_token_create(user=user, name="t")
    settings.CACHES = DOWN_REDIS
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    response = api.post(reverse("api:predictions"), {"photo": photo_upload()}, format="multipart")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "cache_unavailable"
    assert Prediction.objects.count() == 0


def test_readiness_reports_the_shared_cache(client, make_user, settings):
    client.force_login(make_user("staff@example.com", is_staff=True))
    assert client.get(reverse("readiness")).json()["checks"]["cache"]["ok"] is True
    if not _redis_really_down():
        pytest.skip("something listens on 127.0.0.1:6399")
    settings.CACHES = DOWN_REDIS
    # The session lives in the database: the staff login still holds.
    body = client.get(reverse("readiness")).json()
    assert body["checks"]["cache"]["ok"] is False and body["status"] == "unavailable"


# --- A hung Redis -------------------------------------------


def _production_caches(**env):
    """settings.CACHES as production builds it from MLH_CACHE (a child process
    reads the environment, as a real start-up does)."""
    import json
    import subprocess
    import sys

    from mylittlehero.tests.environment import REPO_ROOT, child_env

    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, django; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.CACHES))",
        ],
        cwd=REPO_ROOT,
        env=child_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_a_hung_redis_costs_milliseconds_not_seconds(client, user, password, settings):
    """A Redis that accepts connections and never answers (what SIGSTOP
    does): the first call waits for the short timeout, then the breaker fails
    every call at once (503), until it tries Redis again."""
    import socket
    import time

    from django.core.cache import caches

    from core.cache import breaker_reset

    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(128)  # connections complete in the backlog; nothing answers
        port = hung.getsockname()[1]
        settings.CACHES = _production_caches(
            MLH_CACHE=f"redis://127.0.0.1:{port}/0", MLH_CACHE_BREAKER_SECONDS="1"
        )
        breaker_reset()
        try:

            def timed_login():
                start = time.perf_counter()
                response = client.post(
                    reverse("accounts:login"),
                    {"username": user.email, "password": password},
                    HTTP_ACCEPT_LANGUAGE="en",
                )
                assert response.status_code == 503
                return time.perf_counter() - start

            first = timed_login()
            assert first < 1.0, f"the first call waited {first:.2f} s"
            rest = [timed_login() for _ in range(10)]
            assert max(rest) < 0.2, rest  # breaker open: no waiting at all
            time.sleep(1.1)
            # Half-open: one call tries Redis again (and waits), then open again.
            assert timed_login() >= 0.2
            assert timed_login() < 0.2
        finally:
            caches["default"].close()
            breaker_reset()


# --- Worker memory --------------------------------------------


@pytest.mark.skipif(
    bool(os.environ.get("MONGODB_URI")),
    reason="gunicorn's own behaviour, on SQLite: runs once, in the SQLite pass",
)
def test_a_worker_over_the_memory_limit_is_replaced_after_its_request():
    """gunicorn.conf.py: a worker whose resident memory is over
    GUNICORN_MAX_WORKER_MEMORY_MB after a request is replaced gracefully (the
    request is answered). A limit of 1 MB: every worker is over it."""
    import time

    import requests

    from mylittlehero.tests.live import LiveSite

    site = LiveSite(workers=1, env={"GUNICORN_MAX_WORKER_MEMORY_MB": "1"}).start()
    try:
        deadline = time.time() + 30
        while not site.worker_pids() and time.time() < deadline:
            time.sleep(0.2)
        before = set(site.worker_pids())
        answer = requests.get(site.url + "/healthz", headers={"Connection": "close"}, timeout=30)
        assert answer.status_code == 200
        deadline = time.time() + 30
        while time.time() < deadline:
            now = set(site.worker_pids())
            if now and not now & before:
                break
            time.sleep(0.2)
        assert now and not now & before, (before, now)
        assert "over 1 MB): replacing it" in site.log_text()
    finally:
        site.stop()


@pytest.mark.django_db
def test_django_logs_mask_the_secrets_in_paths(client):
    """Django's own request log ("Not Found: /s/<token>/", "Bad Request: ...")
    goes through a masking filter on every handler, as the access logs do:
    what the configured console handler writes is read back."""
    import logging

    console = next(
        h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler and h.filters
    )
    buffer = io.StringIO()
    previous = console.setStream(buffer)
    try:
        client.get("/s/share-secret-123/")
        client.get("/accounts/password/reset/MQ/reset-secret-456/")
        client.get("/accounts/signup/confirm/MQ/confirm-secret-789/")
    finally:
        console.setStream(previous)
    written = buffer.getvalue()
    assert "Not Found: /s/[token]/" in written
    for secret in ("share-secret-123", "reset-secret-456", "confirm-secret-789"):
        assert secret not in written

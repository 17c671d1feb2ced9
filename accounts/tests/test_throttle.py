import datetime
import os
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import reverse

from accounts import throttle
from core.ratelimit import client_ip

pytestmark = pytest.mark.django_db

LIMITS = {"ACCOUNT_LIMIT": 3, "IP_LIMIT": 5, "WINDOW_SECONDS": 600}


def login(client, email, password, ip="10.0.0.1", lang="en"):
    return client.post(
        reverse("accounts:login"),
        {"username": email, "password": password},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE=lang,
    )


@override_settings(LOGIN_THROTTLE=LIMITS)
def test_account_is_locked_after_repeated_failures_even_for_right_password(client, user, password):
    for _ in range(3):
        response = login(client, user.email, "wrong")
        assert "not correct" in response.content.decode()
    response = login(client, user.email, password)
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again in 10 minutes." in response.content.decode()
    # The lock is per account: from another IP the account is still locked...
    response = login(client, user.email, password, ip="10.0.0.2")
    assert "Too many failed login attempts" in response.content.decode()


@override_settings(LOGIN_THROTTLE=LIMITS)
def test_account_lock_does_not_affect_other_accounts(client, user, other_user, password):
    for _ in range(3):
        login(client, user.email, "wrong", ip="10.0.0.9")
    response = login(client, other_user.email, password, ip="10.0.0.7")
    assert response.status_code == 302


@override_settings(LOGIN_THROTTLE=LIMITS)
def test_ip_is_locked_after_failures_across_many_accounts(client, make_user, password):
    victim = make_user("victim@example.com")
    for i in range(5):
        login(client, f"guess{i}@example.com", "wrong", ip="10.9.9.9")
    response = login(client, victim.email, password, ip="10.9.9.9")
    assert "Too many failed login attempts" in response.content.decode()
    # Another IP can still log into that account.
    assert login(client, victim.email, password, ip="10.1.1.1").status_code == 302


@override_settings(LOGIN_THROTTLE=LIMITS)
def test_lock_expires_after_the_window(client, user, password, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(throttle.time, "time", lambda: now[0])
    for _ in range(3):
        login(client, user.email, "wrong")
    assert "Too many" in login(client, user.email, password).content.decode()
    now[0] += 601
    assert login(client, user.email, password).status_code == 302


@override_settings(LOGIN_THROTTLE=LIMITS)
def test_success_resets_the_account_counter(client, user, password):
    login(client, user.email, "wrong")
    login(client, user.email, "wrong")
    assert login(client, user.email, password).status_code == 302
    client.post(reverse("accounts:logout"))
    login(client, user.email, "wrong")
    login(client, user.email, "wrong")
    # Only two failures since the success: not locked yet.
    assert login(client, user.email, password).status_code == 302


@override_settings(LOGIN_THROTTLE=LIMITS)
def test_lock_message_is_korean_by_default(client, user):
    for _ in range(4):
        response = login(client, user.email, "wrong", lang="ko")
    assert "로그인 시도가 너무 많았어요" in response.content.decode()


@override_settings(NUM_PROXIES=1)
def test_client_ip_behind_one_proxy_takes_the_proxy_added_address(rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "203.0.113.5"


def test_client_ip_ignores_forwarded_header_without_proxies(rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.1.1.1", REMOTE_ADDR="198.51.100.4")
    assert client_ip(request) == "198.51.100.4"


@override_settings(LOGIN_THROTTLE={"ACCOUNT_LIMIT": 1000, "IP_LIMIT": 1000, "WINDOW_SECONDS": 600})
def test_parallel_failures_are_all_counted():
    import threading

    from django.core.cache import cache

    def fail():
        for _ in range(25):
            throttle.login_failure_record(email="target@example.com", ip="10.0.0.1")

    threads = [threading.Thread(target=fail) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    key = throttle._key("account", "target@example.com")
    assert cache.get(f"{key}:count") == 200


def admin_login(client, email, password, ip="10.0.0.1"):
    return client.post(
        reverse("admin:login"),
        {"username": email, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="en",
    )


@override_settings(LOGIN_THROTTLE=LIMITS)
def test_admin_login_is_throttled_like_the_site_login(client, make_user, password):
    admin = make_user("admin@example.com", is_staff=True, is_superuser=True)
    for _ in range(3):
        response = admin_login(client, admin.email, "wrong")
        assert response.status_code == 200
    response = admin_login(client, admin.email, password)
    assert response.status_code == 200, "the right password must be refused while locked"
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_THROTTLE=LIMITS)
def test_admin_and_site_failures_count_toward_one_lockout(client, make_user, password):
    admin = make_user("admin@example.com", is_staff=True, is_superuser=True)
    admin_login(client, admin.email, "wrong")
    admin_login(client, admin.email, "wrong")
    login(client, admin.email, "wrong")
    # Three failures over two forms: the site form is locked as well.
    assert "Too many failed login attempts" in login(client, admin.email, password).content.decode()


@override_settings(LOGIN_THROTTLE=LIMITS)
def test_every_authenticate_call_is_throttled(rf, user, password):
    from django.contrib.auth import authenticate

    request = rf.post("/", REMOTE_ADDR="10.0.0.5")
    for _ in range(3):
        assert authenticate(request, username=user.email, password="wrong") is None
    assert authenticate(request, username=user.email, password=password) is None
    assert request.login_lockout.retry_after_seconds > 0
    # Another client, another account: unaffected.
    other = rf.post("/", REMOTE_ADDR="10.0.0.6")
    assert authenticate(other, username="nobody@example.com", password="x") is None
    assert not hasattr(other, "login_lockout")


@override_settings(NUM_PROXIES=1)
def test_forwarded_header_from_an_untrusted_peer_is_ignored(rf):
    # gunicorn reached directly: the client cannot pick its address.
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4", REMOTE_ADDR="198.51.100.4")
    assert client_ip(request) == "198.51.100.4"


@pytest.mark.skipif(
    bool(os.environ.get("MONGODB_URI")),
    reason="Django's DatabaseCache runs SQL; django-mongodb-backend has no such table "
    "(on MongoDB the shared cache is Redis, or the backend's own MongoDBCache)",
)
def test_database_cache_keeps_the_window_after_incr(settings):
    """The database cache's incr() rewrites the row with its default 300 s
    timeout: the counter must still expire with the window (15 minutes)."""
    from django.core.cache import caches
    from django.core.management import call_command
    from django.utils import timezone

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "mlh_test_cache",
        }
    }
    call_command("createcachetable", verbosity=0)
    try:
        cache = caches["default"]
        settings.LOGIN_THROTTLE = {"ACCOUNT_LIMIT": 5, "IP_LIMIT": 20, "WINDOW_SECONDS": 900}
        throttle.login_failure_record(email="a@example.com", ip="10.0.0.1")
        throttle.login_failure_record(email="a@example.com", ip="10.0.0.1")
        key = throttle._key("account", "a@example.com") + ":count"
        assert cache.get(key) == 2
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT expires FROM mlh_test_cache WHERE cache_key = %s",
                [cache.make_key(key)],
            )
            (expires,) = cursor.fetchone()
        if isinstance(expires, str):
            from django.utils.dateparse import parse_datetime

            expires = parse_datetime(expires)
        if timezone.is_naive(expires):
            expires = timezone.make_aware(expires, datetime.UTC)
        left = (expires - timezone.now()).total_seconds()
        assert left > 850, f"the counter expires in {left:.0f} s, not with the 900 s window"
    finally:
        caches["default"].clear()


@override_settings(LOGIN_THROTTLE={"ACCOUNT_LIMIT": 5, "IP_LIMIT": 100, "WINDOW_SECONDS": 600})
def test_parallel_guesses_do_not_get_past_the_lockout(rf, monkeypatch):
    """40 parallel wrong passwords against a limit of 5 get
    exactly 5 checked (each is counted before its password is checked)."""
    import threading

    from django.contrib.auth.backends import ModelBackend

    from accounts.backends import ThrottledModelBackend

    checked = []

    def slow_wrong_password(self, request, username=None, password=None, **kwargs):
        checked.append(username)
        time.sleep(0.05)  # a password hash takes time: the race's window
        return None

    monkeypatch.setattr(ModelBackend, "authenticate", slow_wrong_password)
    start = threading.Barrier(40)

    def guess(i):
        request = rf.post("/accounts/login/", REMOTE_ADDR=f"10.0.{i}.1")
        start.wait()
        try:
            ThrottledModelBackend().authenticate(request, username="t@example.com", password="x")
        except PermissionDenied:
            pass

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) == 5


@override_settings(LOGIN_THROTTLE={"ACCOUNT_LIMIT": 5, "IP_LIMIT": 3, "WINDOW_SECONDS": 600})
def test_right_passwords_do_not_use_up_the_ip_limit(client, make_user, password):
    """Counting first must not turn good logins into failures: the IP's place
    is given back when the password is right."""
    for i in range(5):
        person = make_user(f"p{i}@example.com")
        assert login(client, person.email, password, ip="10.4.4.4").status_code == 302
        client.logout()

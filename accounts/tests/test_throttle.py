import pytest
from django.test import override_settings
from django.urls import reverse

from accounts import throttle

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
    assert "로그인 시도가 너무 많습니다" in response.content.decode()


@override_settings(NUM_PROXIES=1)
def test_client_ip_behind_one_proxy_takes_the_proxy_added_address(rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5", REMOTE_ADDR="10.0.0.1")
    assert throttle.client_ip(request) == "203.0.113.5"


def test_client_ip_ignores_forwarded_header_without_proxies(rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.1.1.1", REMOTE_ADDR="198.51.100.4")
    assert throttle.client_ip(request) == "198.51.100.4"


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

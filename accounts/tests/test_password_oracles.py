"""Every place that checks a logged-in person's
password shares the login lockout, and every password change revokes the
person's API tokens, whoever makes it (the admin lists and revokes them)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

from accounts.services import api_token_create

pytestmark = pytest.mark.django_db

LIMITS = {"ACCOUNT_LIMIT": 3, "IP_LIMIT": 50, "WINDOW_SECONDS": 600}
LOCKED = "Too many failed login attempts"


def change_password(client, old):
    return client.post(
        reverse("accounts:password_change"),
        {
            "old_password": old,
            "new_password1": "new-long-pass-81",
            "new_password2": "new-long-pass-81",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )


@override_settings(LOGIN_THROTTLE=LIMITS)
def test_the_password_change_form_shares_the_login_lockout(client, user, password):
    client.force_login(user)
    for _ in range(3):
        response = change_password(client, "wrong")
        assert response.status_code == 200
        assert "The password is not correct." in response.content.decode()
    response = change_password(client, password)
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(password)
    # ... and the login form is locked too: one lockout.
    client.logout()
    response = client.post(
        reverse("accounts:login"),
        {"username": user.email, "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert LOCKED in response.content.decode()


@override_settings(LOGIN_THROTTLE=LIMITS)
def test_account_deletion_shares_the_login_lockout(client, user, password):
    client.force_login(user)
    for _ in range(3):
        response = client.post(reverse("accounts:delete"), {"password": "wrong"})
        assert response.status_code == 200
    response = client.post(
        reverse("accounts:delete"), {"password": password}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert get_user_model().objects.filter(pk=user.pk).exists()


@override_settings(LOGIN_THROTTLE=LIMITS)
def test_failed_logins_lock_the_password_change_form_too(client, user, password):
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": user.email, "password": "wrong"})
    client.force_login(user)
    assert LOCKED in change_password(client, password).content.decode()


def test_a_password_set_in_the_admin_revokes_api_tokens(client, superuser, user):
    api_token_create(user=user, name="script")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {
            "password1": "admin-set-pass-64",
            "password2": "admin-set-pass-64",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("admin-set-pass-64")
    assert not user.api_tokens.exists()


def test_any_password_save_revokes_tokens_but_a_profile_save_does_not(user):
    api_token_create(user=user, name="script")
    user.display_name = "Someone"
    user.save()
    assert user.api_tokens.count() == 1
    user.set_password("shell-set-pass-12")
    user.save()
    assert not user.api_tokens.exists()


def test_the_admin_lists_and_revokes_api_tokens(client, superuser, user):
    token, _secret = api_token_create(user=user, name="my script")
    client.force_login(superuser)
    listing = client.get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    assert token.prefix in listing and user.email in listing
    found = client.get(
        reverse("admin:accounts_apitoken_changelist"), {"q": user.email}
    ).content.decode()
    assert token.prefix in found and "my script" in found
    response = client.post(
        reverse("admin:accounts_apitoken_delete", args=[token.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not user.api_tokens.exists()
    # Nobody makes or edits a token in the admin (only a hash is stored).
    assert client.get(reverse("admin:accounts_apitoken_add")).status_code == 403


def test_a_moderator_sees_no_tokens(client, moderator, user):
    token, _secret = api_token_create(user=user, name="my script")
    client.force_login(moderator)
    assert client.get(reverse("admin:accounts_apitoken_changelist")).status_code == 403
    assert token.prefix not in client.get(reverse("admin:index")).content.decode()

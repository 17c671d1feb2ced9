import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from heroes.models import Prediction

pytestmark = pytest.mark.django_db


def sign_up(client, email, password="a-long-unusual-pass-93", ip="10.0.0.1", **extra):
    return client.post(
        reverse("accounts:signup"),
        {"email": email, "display_name": "New", "password1": password, "password2": password},
        REMOTE_ADDR=ip,
        **extra,
    )


def confirm_link(message):
    return re.search(r"https?://[^/\s]+(/accounts/signup/confirm/\S+)", message.body).group(1)


def test_sign_up_confirms_the_address_then_logs_in(client):
    response = sign_up(client, "New.Person@Example.com")
    assert response.status_code == 302 and response.url == reverse("accounts:signup_sent")
    user = get_user_model().objects.get(email="new.person@example.com")
    assert not user.is_active and user.check_password("a-long-unusual-pass-93")
    assert client.get(reverse("accounts:account")).status_code == 302  # not logged in yet
    (message,) = mail.outbox
    assert message.to == ["new.person@example.com"]
    link = confirm_link(message)
    # Opening the link changes nothing (mail scanners open links)...
    assert client.get(link).status_code == 200
    user.refresh_from_db()
    assert not user.is_active
    # ...pressing its button starts the account and logs in.
    response = client.post(link)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active
    assert client.get(reverse("accounts:account")).status_code == 200
    # The link works once.
    client.post(reverse("accounts:logout"))
    assert client.post(link).status_code == 400


def test_sign_up_keeps_next_through_the_confirmation(client):
    response = client.post(
        reverse("accounts:signup") + "?next=/upload/",
        {
            "email": "n@example.com",
            "password1": "a-long-unusual-pass-93",
            "password2": "a-long-unusual-pass-93",
            "next": "/upload/",
        },
    )
    assert response.status_code == 302
    response = client.post(confirm_link(mail.outbox[0]))
    assert response.url == "/upload/"


def test_sign_up_answers_the_same_for_a_taken_address(client, user, password):
    """No account enumeration: the answer for the admin's (or anyone's)
    address is the new-account answer; its owner is told by email."""
    taken = sign_up(client, "OWNER@example.com", ip="10.0.0.2")
    fresh = sign_up(client, "fresh@example.com", ip="10.0.0.3")
    assert (taken.status_code, taken.url) == (fresh.status_code, fresh.url)
    masked = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')  # differs on every page
    page_taken = masked.sub("", client.get(taken.url).content.decode())
    page_fresh = masked.sub("", client.get(fresh.url).content.decode())
    assert page_taken == page_fresh
    owner_mail = [m for m in mail.outbox if m.to == [user.email]]
    assert len(owner_mail) == 1 and "/accounts/login/" in owner_mail[0].body
    assert "/accounts/password/reset/" in owner_mail[0].body
    assert "/accounts/signup/confirm/" not in owner_mail[0].body
    user.refresh_from_db()
    assert user.check_password(password)  # nothing changed


def test_sign_up_form_still_rejects_weak_passwords(client):
    response = client.post(
        reverse("accounts:signup"),
        {"email": "weak@example.com", "password1": "12345678", "password2": "12345678"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "email" not in errors
    assert any("too common" in e or "entirely numeric" in e for e in errors["password2"])
    assert not get_user_model().objects.filter(email="weak@example.com").exists()


def test_an_unconfirmed_sign_up_does_not_lock_out_the_real_owner(client):
    sign_up(client, "victim@example.com", password="squatter-pass-1234")
    mail.outbox.clear()
    sign_up(client, "victim@example.com", password="the-owners-pass-5678", ip="10.0.0.9")
    client.post(confirm_link(mail.outbox[0]))
    user = get_user_model().objects.get(email="victim@example.com")
    assert user.is_active and user.check_password("the-owners-pass-5678")


def test_sign_up_is_limited_per_ip_and_per_address(client, settings):
    settings.ACTION_RATES = {"signup": {"ip": "3/hour", "email": "2/hour"}}
    statuses = [sign_up(client, f"p{i}@example.com", ip="10.1.1.1").status_code for i in range(4)]
    assert statuses == [302, 302, 302, 429]
    statuses = [sign_up(client, "same@example.com", ip=f"10.2.2.{i}").status_code for i in range(3)]
    assert statuses == [302, 302, 429]
    page = sign_up(client, "same@example.com", ip="10.3.3.3", HTTP_ACCEPT_LANGUAGE="en")
    assert "Too many requests" in page.content.decode()
    # Like the prediction quotas: when to come back, in seconds.
    assert 0 < int(page["Retry-After"]) <= 3600


def test_password_reset_is_limited_per_ip_and_per_address(client, user, settings):
    settings.ACTION_RATES = {"reset": {"ip": "5/hour", "email": "3/hour"}}
    statuses = [
        client.post(
            reverse("accounts:password_reset"), {"email": user.email}, REMOTE_ADDR=f"10.4.4.{i}"
        ).status_code
        for i in range(5)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3
    limited = client.post(
        reverse("accounts:password_reset"), {"email": user.email}, REMOTE_ADDR="10.4.4.9"
    )
    assert limited.status_code == 429 and 0 < int(limited["Retry-After"]) <= 3600
    # The same answer for an unknown address: the limit says nothing about accounts.
    statuses = [
        client.post(
            reverse("accounts:password_reset"),
            {"email": "nobody@example.com"},
            REMOTE_ADDR=f"10.5.5.{i}",
        ).status_code
        for i in range(4)
    ]
    assert statuses == [302, 302, 302, 429]


def test_sign_up_errors_are_in_korean_by_default(client):
    response = client.post(reverse("accounts:signup"), {"email": "not-an-email"})
    assert response.status_code == 200
    assert "이메일 주소를 입력" in response.content.decode()  # Django's or DRF's Korean wording


def test_login_with_email_any_case_and_logout(client, user, password):
    response = client.post(
        reverse("accounts:login"), {"username": "Owner@Example.com", "password": password}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:account")).status_code == 200
    client.post(reverse("accounts:logout"))
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_wrong_password_shows_clear_message(client, user):
    response = client.post(
        reverse("accounts:login"),
        {"username": user.email, "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "The email or password is not correct." in response.content.decode()


def test_change_password(client, user, password):
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": password,
            "new_password1": "another-long-pass-77",
            "new_password2": "another-long-pass-77",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-pass-77")


def test_password_reset_by_email_end_to_end(client, user):
    response = client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/\S+/)", message.body).group(1)

    # Django redirects the token URL to a session-held one before showing the form.
    response = client.get(link, follow=True)
    assert response.context["validlink"] is True
    set_password_url = response.redirect_chain[-1][0]
    response = client.post(
        set_password_url,
        {"new_password1": "reset-long-pass-55", "new_password2": "reset-long-pass-55"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("reset-long-pass-55")

    # The link works once.
    response = client.get(link, follow=True)
    assert response.context["validlink"] is False


def test_password_reset_for_unknown_email_sends_nothing_and_reveals_nothing(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_delete_account_removes_rows_and_photo_files(
    client,
    user,
    other_user,
    password,
    make_prediction,
    media_root,
    django_capture_on_commit_callbacks,
):
    mine = [make_prediction(user), make_prediction(user)]
    theirs = make_prediction(other_user)
    paths = [media_root / p.image.name for p in mine]
    assert all(p.exists() for p in paths)

    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("accounts:delete"), {"password": password})
    assert response.status_code == 302
    assert len(callbacks) == 1  # files go only after the rows are committed

    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not Prediction.objects.filter(owner_id=user.pk).exists()
    assert not any(p.exists() for p in paths)
    # Nobody else's data is touched.
    assert Prediction.objects.filter(pk=theirs.pk).exists()
    assert (media_root / theirs.image.name).exists()
    # And the session is gone.
    assert client.get(reverse("accounts:account")).status_code == 302


def test_delete_account_needs_the_password(client, user, make_prediction, media_root):
    prediction = make_prediction(user)
    client.force_login(user)
    response = client.post(reverse("accounts:delete"), {"password": "wrong"})
    assert response.status_code == 200
    assert get_user_model().objects.filter(pk=user.pk).exists()
    assert (media_root / prediction.image.name).exists()


def test_account_pages_need_login(client):
    for name in ["accounts:account", "accounts:delete", "accounts:password_change"]:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("accounts:login"))


def test_profile_display_name_can_change(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:account"), {"display_name": "히어로"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "히어로"


def _token_works(secret):
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return api.get(reverse("api:predictions")).status_code == 200


def test_a_password_change_revokes_api_tokens_and_says_so(client, user, password):
    from accounts.services import api_token_create

    _token, secret = api_token_create(user=user, name="script")
    assert _token_works(secret)
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": password,
            "new_password1": "another-long-pass-77",
            "new_password2": "another-long-pass-77",
        },
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "Your 1 API token was revoked" in response.content.decode()
    assert not _token_works(secret)


def test_a_password_reset_revokes_api_tokens_and_says_so(client, user):
    from accounts.services import api_token_create

    _token, secret = api_token_create(user=user, name="script")
    api_token_create(user=user, name="other")
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    link = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/\S+/\S+/)", mail.outbox[0].body
    ).group(1)
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(
        set_password_url,
        {"new_password1": "reset-long-pass-55", "new_password2": "reset-long-pass-55"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "Your 2 API tokens were revoked" in response.content.decode()
    assert not _token_works(secret)
    assert not user.api_tokens.exists()


def test_login_page_with_next_pointing_at_itself_while_logged_in(client, user):
    client.force_login(user)
    login_url = reverse("accounts:login")
    response = client.get(f"{login_url}?next={login_url}")
    assert response.status_code == 302 and response.url == reverse("home")
    response = client.get(f"{login_url}?next={login_url}%3Fnext%3D{login_url}")
    assert response.status_code == 302 and response.url == reverse("home")


def test_a_development_server_without_mail_shows_the_confirmation_link(client, settings):
    """`make run` (DEBUG, console mail): the person trying the site has no
    mailbox to open, so the page after sign-up offers the link too."""
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    response = sign_up(client, "dev@example.com", follow=True)
    link = re.search(
        r'href="(?:https?://[^/"]+)?(/accounts/signup/confirm/[^"]+)"', response.content.decode()
    )
    assert link, "no confirmation link on the page"
    response = client.post(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 302
    assert get_user_model().objects.get(email="dev@example.com").is_active


def test_a_real_mail_setup_never_shows_the_link_on_the_page(client, settings):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    response = sign_up(client, "prod@example.com", follow=True)
    assert "/accounts/signup/confirm/" not in response.content.decode()
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = sign_up(client, "other@example.com", follow=True)
    assert "/accounts/signup/confirm/" not in response.content.decode()


def test_the_confirm_page_says_why_it_asks_for_a_tap(client):
    """Not just a heading and a button."""
    sign_up(client, "why@example.com")
    html = client.get(confirm_link(mail.outbox[-1]), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "한 번만 더 누르면 계정이 시작돼요." in html
    assert "일부 메일 프로그램은 링크를 검사하려고 저절로 열어 보거든요." in html


def test_api_tokens_are_folded_away_until_they_have_news(client, user):
    """Kept, but behind "For developers", open only after a
    token was made (to show it once)."""
    client.force_login(user)
    html = client.get(reverse("accounts:account"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    details = re.search(r'<details class="card narrow developer"([^>]*)>', html)
    assert details and "open" not in details.group(1)
    assert "개발자용: API 토큰" in html
    assert html.index('class="card narrow danger-zone"') < details.start()
    html = client.post(
        reverse("accounts:token_create"), {"name": "script"}, HTTP_ACCEPT_LANGUAGE="ko"
    ).content.decode()
    assert re.search(r'<details class="card narrow developer" open>', html)
    assert 'id="new-token"' in html

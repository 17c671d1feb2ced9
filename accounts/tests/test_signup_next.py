"""Sign-up keeps ?next= (a share link's "try it" button leads to the upload
page): through the confirmation email, to the page after confirming."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.test_views import confirm_link

pytestmark = pytest.mark.django_db


def sign_up(client, next_url):
    return client.post(
        reverse("accounts:signup") + f"?next={next_url}",
        {
            "email": "new@example.com",
            "display_name": "New",
            "password1": "a-long-enough-pass-8712",
            "password2": "a-long-enough-pass-8712",
            "next": next_url,
        },
    )


def test_sign_up_goes_to_next(client):
    response = sign_up(client, "/upload/")
    assert response.status_code == 302 and response.url == reverse("accounts:signup_sent")
    response = client.post(confirm_link(mail.outbox[-1]))
    assert response.status_code == 302 and response.url == "/upload/"


def test_sign_up_ignores_an_offsite_next(client):
    sign_up(client, "https://evil.example.com/")
    assert "evil.example.com" not in mail.outbox[-1].body
    response = client.post(confirm_link(mail.outbox[-1]))
    assert response.status_code == 302 and response.url == reverse("home")


def test_next_travels_between_login_and_signup_pages(client):
    html = client.get(reverse("accounts:signup") + "?next=/upload/").content.decode()
    assert '<input type="hidden" name="next" value="/upload/">' in html
    assert reverse("accounts:login") + "?next=/upload/" in html
    html = client.get(reverse("accounts:login") + "?next=/upload/").content.decode()
    assert reverse("accounts:signup") + "?next=/upload/" in html


def test_share_page_invites_a_visitor_straight_to_the_upload_page(
    client, make_prediction, user, default_heroes
):
    from heroes.models import Hero

    prediction = make_prediction(
        user,
        ranking=[{"hero": "loki", "probability": 1.0, "similarity": 0.5, "index": 50.0}],
        top_hero=Hero.objects.get(key="loki"),
        match_strength=50.0,
        is_shared=True,
    )
    html = client.get(reverse("heroes:share", args=[prediction.share_token])).content.decode()
    # Trying needs no account: the button goes to the upload page, not to sign-up.
    assert f'class="button button-large" href="{reverse("upload")}"' in html
    assert reverse("accounts:signup") + "?next=" not in html

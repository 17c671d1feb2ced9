"""Trying without an account: the browser session owns the
result, nobody else can open it, signing up or logging in claims it once,
the sweep deletes it after MLH_ANONYMOUS_KEEP_HOURS, and quotas and a global
cap bound it. With the fake predictor; the browser path is in
test_browser_anonymous.py."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from heroes.models import Prediction, share_card_name
from history.anonymous import SESSION_KEY
from mylittlehero.tests.environment import media_files
from mylittlehero.tests.factories import photo_upload

pytestmark = pytest.mark.django_db


def _try(client, **extra):
    """One upload from a browser without an account; the response."""
    return client.post(reverse("upload"), {"photo": photo_upload()}, **extra)


def _tried(client):
    response = _try(client)
    assert response.status_code == 302, response.content[:400]
    return Prediction.objects.get(pk=response.url.strip("/").split("/")[-1])


def test_a_visitor_gets_the_full_result_without_an_account(client, fake_predictor, media_root):
    client.get(reverse("upload"))
    client.session.save()
    planted = client.session.session_key
    response = _try(client)
    # The session that owns the result is a new one (no fixed session id).
    assert client.session.session_key != planted
    assert response.status_code == 302
    prediction = Prediction.objects.get()
    assert response.url == reverse("history:detail", args=[prediction.pk])
    assert prediction.owner is None and prediction.is_anonymous
    assert prediction.anonymous_owner == client.session[SESSION_KEY]
    assert len(prediction.anonymous_owner) >= 40  # a secret, not a counter
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert prediction.top_hero.name_en in page
    assert "Not saved: sign up to keep it." in page and "Deleted after 24 hours." in page
    assert f'href="/accounts/signup/?next=/history/{prediction.pk}/"' in page
    assert f'href="/accounts/login/?next=/history/{prediction.pk}/"' in page
    korean = client.get(response.url).content.decode()
    assert "저장되지 않았어요" in korean
    photo = client.get(reverse("history:photo", args=[prediction.pk]))
    assert photo.status_code == 200
    assert client.get(reverse("history:thumb", args=[prediction.pk])).status_code == 200
    # Share link and card, like an account's result.
    share = client.post(reverse("history:share", args=[prediction.pk]))
    assert share.status_code == 302
    assert Client().get(prediction.share_path).status_code == 200
    # Another face: the same route as an account's.
    face = client.post(reverse("history:choose_face", args=[prediction.pk]), {"face": "0"})
    assert face.status_code == 302


def test_an_account_result_has_no_anonymous_notice(client, user, fake_predictor):
    client.force_login(user)
    response = client.post(reverse("upload"), {"photo": photo_upload()})
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Not saved" not in page


def test_nobody_else_can_open_an_anonymous_result(client, make_user, fake_predictor):
    prediction = _tried(client)
    urls = [
        reverse(name, args=[prediction.pk])
        for name in ("history:detail", "history:photo", "history:thumb", "history:delete")
    ]
    stranger = Client()  # no session at all: asked to log in
    for url in urls:
        assert stranger.get(url).status_code == 302
    other_visitor = Client()  # a browser with anonymous results of its own
    _tried(other_visitor)
    for url in urls:
        assert other_visitor.get(url).status_code == 404, url
    assert other_visitor.post(reverse("history:delete", args=[prediction.pk])).status_code == 404
    person = Client()
    person.force_login(make_user("someone@example.com"))
    for url in urls:
        assert person.get(url).status_code == 404, url
    assert Prediction.objects.filter(pk=prediction.pk, owner__isnull=True).exists()


def test_the_visitor_can_delete_their_result(
    client, fake_predictor, media_root, django_capture_on_commit_callbacks
):
    prediction = _tried(client)
    photo = media_root / prediction.image.name
    assert photo.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("history:delete", args=[prediction.pk]))
    assert response.status_code == 302 and response.url == reverse("home")
    assert not Prediction.objects.exists()
    assert not photo.exists()


def test_the_http_api_stays_token_only(client, fake_predictor):
    prediction = _tried(client)
    api = APIClient()
    api.cookies = client.cookies  # the visitor's session cookie
    assert api.get(reverse("api:predictions")).status_code == 401
    assert api.get(reverse("api:prediction", args=[prediction.pk])).status_code == 401
    response = api.post(reverse("api:predictions"), {"photo": photo_upload()})
    assert response.status_code == 401
    assert Prediction.objects.count() == 1


def test_logging_in_claims_the_results_once(client, user, password, make_user, fake_predictor):
    first, second = _tried(client), _tried(client)
    old_session = client.session.session_key
    response = client.post(
        reverse("accounts:login") + f"?next=/history/{first.pk}/",
        {"username": user.email, "password": password, "next": f"/history/{first.pk}/"},
    )
    assert response.status_code == 302 and response.url == f"/history/{first.pk}/"
    assert client.session.session_key != old_session  # the key changed at login
    assert SESSION_KEY not in client.session
    assert set(Prediction.objects.filter(owner=user)) == {first, second}
    assert not Prediction.objects.filter(owner__isnull=True).exists()
    assert set(Prediction.objects.values_list("anonymous_owner", flat=True)) == {""}
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Not saved" not in page
    history = client.get(reverse("history:list")).content.decode()
    for prediction in (first, second):
        assert history.count(f'href="/history/{prediction.pk}/"') == 1
    # Logging out and in as someone else in the same browser moves nothing.
    client.post(reverse("accounts:logout"))
    other = make_user("other@example.com")
    client.post(reverse("accounts:login"), {"username": other.email, "password": password})
    assert Prediction.objects.filter(owner=user).count() == 2
    assert not Prediction.objects.filter(owner=other).exists()


def test_signing_up_claims_the_results(client, fake_predictor):
    prediction = _tried(client)
    detail = f"/history/{prediction.pk}/"
    response = client.post(
        reverse("accounts:signup") + f"?next={detail}",
        {
            "email": "new@example.com",
            "password1": "a-long-unusual-pass-93",
            "password2": "a-long-unusual-pass-93",
            "next": detail,
        },
    )
    assert response.status_code == 302
    link = re.search(r"https?://[^/\s]+(/accounts/signup/confirm/\S+)", mail.outbox[0].body)
    response = client.post(link.group(1))
    assert response.status_code == 302 and response.url == detail
    prediction.refresh_from_db()
    assert prediction.owner.email == "new@example.com"
    assert client.get(detail).status_code == 200
    history = client.get(reverse("history:list")).content.decode()
    assert history.count(f'href="{detail}"') == 1


def test_a_result_is_claimed_by_one_account_only(client, make_user, fake_predictor):
    from heroes.services import predictions_claim

    prediction = _tried(client)
    key = client.session[SESSION_KEY]
    first, second = make_user("a@example.com"), make_user("b@example.com")
    assert predictions_claim(anonymous_owner=key, user=first) == 1
    assert predictions_claim(anonymous_owner=key, user=second) == 0
    prediction.refresh_from_db()
    assert prediction.owner == first


def test_the_sweep_deletes_unclaimed_results_with_photos_cards_and_links(
    client, user, fake_predictor, media_root, settings, django_capture_on_commit_callbacks
):
    settings.MLH_ANONYMOUS_KEEP_HOURS = 24
    old = _tried(client)
    client.post(reverse("history:share", args=[old.pk]))
    old.refresh_from_db()
    share_path = old.share_path
    assert Client().get(old.share_card_path).status_code == 200  # rendered and kept
    card = media_root / share_card_name(old.share_token, "ko")
    assert card.exists()
    photo = media_root / old.image.name
    assert photo.exists()
    recent = _tried(client)
    owned = _tried(Client())
    Prediction.objects.filter(pk=owned.pk).update(owner=user, anonymous_owner="")
    day_ago = timezone.now() - datetime.timedelta(hours=25)
    Prediction.objects.filter(pk__in=[old.pk, owned.pk]).update(created_at=day_ago)

    call_command("purge_uploads", "--anonymous", "--dry-run", stdout=open("/dev/null", "w"))
    assert Prediction.objects.filter(pk=old.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_uploads", "--anonymous", stdout=open("/dev/null", "w"))

    assert not Prediction.objects.filter(pk=old.pk).exists()
    assert not photo.exists() and not card.exists()
    assert Client().get(share_path).status_code == 404
    assert client.get(reverse("history:detail", args=[old.pk])).status_code == 404
    # Younger than the limit, or an account's: kept.
    assert Prediction.objects.filter(pk__in=[recent.pk, owned.pk]).count() == 2


def test_anonymous_uploads_have_their_own_ip_quota(client, user, fake_predictor, settings):
    settings.MLH_ANONYMOUS_RATE_IP = "2/hour"
    settings.MLH_PREDICTION_RATE_IP = "100/hour"
    assert _try(client).status_code == 302
    assert _try(Client()).status_code == 302  # another browser, the same address
    refused = _try(Client(), HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429 and "Retry-After" in refused
    assert Prediction.objects.count() == 2
    # People with an account at the same address are not held by it.
    person = Client()
    person.force_login(user)
    assert person.post(reverse("upload"), {"photo": photo_upload()}).status_code == 302


def test_refused_photos_have_a_higher_anonymous_quota(client, fake_predictor, settings):
    settings.MLH_ANONYMOUS_RATE_IP = "2/hour"
    settings.MLH_ANONYMOUS_REFUSED_RATE_IP = "3/hour"
    settings.MLH_PREDICTION_REFUSED_RATE_IP = "100/hour"
    grey = {"photo": photo_upload(color=(128, 128, 128))}  # no face for the fake
    statuses = [
        client.post(reverse("upload"), {"photo": photo_upload(color=(128, 128, 128))}).status_code
        for _ in range(3)
    ]
    # Three refusals: more than the results quota of 2, within the refused one.
    assert statuses == [400, 400, 400]
    assert client.post(reverse("upload"), grey).status_code == 429
    assert Prediction.objects.count() == 0


def test_the_global_cap_says_busy_and_keeps_accounts_working(
    client, user, fake_predictor, settings, media_root
):
    settings.MLH_ANONYMOUS_MAX = 1
    _tried(Client())
    calls = len(fake_predictor.calls)
    before = media_files(media_root, "predictions")
    response = _try(client, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    page = response.content.decode()
    assert "Too many people are trying without an account right now" in page
    assert Prediction.objects.count() == 1
    assert len(fake_predictor.calls) == calls  # refused before any work
    assert media_files(media_root, "predictions") == before
    person = Client()
    person.force_login(user)
    assert person.post(reverse("upload"), {"photo": photo_upload()}).status_code == 302


def test_the_page_script_gets_json(client, fake_predictor):
    response = _try(client, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    prediction = Prediction.objects.get()
    assert response.json() == {"redirect": reverse("history:detail", args=[prediction.pk])}
    grey = {"photo": photo_upload(color=(128, 128, 128))}
    refused = client.post(
        reverse("upload"), grey, HTTP_ACCEPT="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 400
    assert "We could not find a face" in refused.json()["error"]

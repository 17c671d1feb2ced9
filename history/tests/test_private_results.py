"""Private results (docs/private-mode.md) on the server: the ranking a
browser posts is stored as a result marked private, owned like any other
(the session without an account), shown with the hero's emblem unless its
owner keeps a small face picture, and left out of re-prediction."""

import io
import json

import pytest
from django.contrib.messages import INFO
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from heroes.models import Prediction
from heroes.private_ranking import MAX_BODY_BYTES
from heroes.reprediction import predictions_repredict_selected
from heroes.services import prediction_create
from mylittlehero.tests.factories import photo_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def payload(private_payload):
    return private_payload


def post_ranking(client, payload, **extra):
    return client.post(
        reverse("private_result"),
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
        **extra,
    )


def face_jpeg(side=160, colour=(180, 140, 120)):
    buffer = io.BytesIO()
    Image.new("RGB", (side, side), colour).save(buffer, "JPEG", quality=85)
    buffer.seek(0)
    buffer.name = "face.jpg"
    return buffer


def created(response):
    assert response.status_code == 200, response.content
    pk = response.json()["redirect"].rstrip("/").split("/")[-1]
    return Prediction.objects.get(pk=pk)


def test_a_visitor_s_ranking_is_stored_private_and_owned_by_the_session(client, payload):
    prediction = created(post_ranking(client, payload))
    assert prediction.is_private and prediction.owner is None and prediction.anonymous_owner
    assert not prediction.image and prediction.faces == []
    assert prediction.top_hero.key == payload["ranking"][0]["hero"]
    assert prediction.match_strength == 80.0
    assert [row["hero"] for row in prediction.ranking] == [r["hero"] for r in payload["ranking"]]
    assert prediction.model_version == payload["model_version"]

    page = client.get(reverse("history:detail", args=[prediction.pk]), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="private-face"' in html and "Your photo stayed on your device" in html
    assert f"/history/{prediction.pk}/photo/" not in html  # nothing to show: no photo
    assert 'id="private-emblem"' in html and 'id="keep-face-form"' in html
    assert "face-picker" not in html
    assert client.get(reverse("history:photo", args=[prediction.pk])).status_code == 404
    assert client.get(reverse("history:thumb", args=[prediction.pk])).status_code == 404

    stranger = Client()
    assert post_ranking(stranger, payload).status_code == 200  # a session of its own
    assert stranger.get(reverse("history:detail", args=[prediction.pk])).status_code == 404


def test_an_account_s_private_result_is_in_its_history_with_the_emblem(client, user, payload):
    client.force_login(user)
    prediction = created(post_ranking(client, payload))
    assert prediction.owner == user and prediction.anonymous_owner == ""
    html = client.get(reverse("history:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="/history/{prediction.pk}/"' in html
    assert "Analysed on your device" in html
    assert f"/history/{prediction.pk}/thumb.jpg" not in html
    assert 'class="result-emblem"' in html


def test_logging_in_claims_a_private_result(client, user, password, payload):
    prediction = created(post_ranking(client, payload))
    client.post(reverse("accounts:login"), {"username": user.email, "password": password})
    prediction.refresh_from_db()
    assert prediction.owner == user and prediction.is_private


def _wrong_version(p):
    p["model_version"] = "heroes-somebody-else"


def _missing_hero(p):
    p["ranking"].pop()


def _bad_sum(p):
    p["ranking"][0]["probability"] += 0.05


def _photo_inside(p):
    p["photo"] = "/9j/" + "A" * MAX_BODY_BYTES  # a base64 JPEG would be far over


@pytest.mark.parametrize("spoil", [_wrong_version, _missing_hero, _bad_sum, _photo_inside])
def test_a_ranking_the_site_would_not_produce_is_refused_and_nothing_is_kept(
    client, payload, spoil
):
    spoil(payload)
    response = post_ranking(client, payload, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_private_ranking"
    assert "nothing was kept" in response.json()["error"]
    assert not Prediction.objects.exists()


def test_the_ranking_route_takes_no_photo_sized_body(client, settings):
    from core.middleware import body_limit_for

    url = reverse("private_result")
    assert body_limit_for(url) == settings.MLH_MAX_BODY_BYTES < body_limit_for(reverse("upload"))
    big = client.post(
        url,
        data=b"x" * (settings.MLH_MAX_BODY_BYTES + 1),
        content_type="multipart/form-data; boundary=x",
    )
    assert big.status_code == 413
    assert not Prediction.objects.exists()


def test_not_json_and_get_are_refused(client):
    response = client.post(reverse("private_result"), data="hero=thor", content_type="text/plain")
    assert response.status_code == 400 and response.json()["code"] == "bad_private_ranking"
    assert client.get(reverse("private_result")).status_code == 405
    assert not Prediction.objects.exists()


def test_the_ranking_post_needs_the_csrf_token(payload):
    browser = Client(enforce_csrf_checks=True)
    assert post_ranking(browser, payload).status_code == 403
    browser.get(reverse("upload"))
    token = browser.cookies["csrftoken"].value
    assert post_ranking(browser, payload, HTTP_X_CSRFTOKEN=token).status_code == 200


def test_private_results_count_toward_the_same_quota(client, payload, settings):
    settings.MLH_ANONYMOUS_RATE_IP = "2/h"
    assert post_ranking(client, payload).status_code == 200
    assert post_ranking(client, payload).status_code == 200
    refused = post_ranking(client, payload)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert Prediction.objects.count() == 2


def test_the_owner_may_keep_one_small_face_picture(
    client, payload, media_root, django_capture_on_commit_callbacks
):
    prediction = created(post_ranking(client, payload))
    url = reverse("history:keep_face", args=[prediction.pk])
    stranger = Client()
    assert stranger.post(url, {"face": face_jpeg()}).status_code == 302  # to log in
    reply = client.post(url, {"face": face_jpeg()}, HTTP_ACCEPT="application/json")
    assert reply.status_code == 200 and reply.json()["kept"]
    prediction.refresh_from_db()
    assert prediction.image and (prediction.image_width, prediction.image_height) == (160, 160)
    assert (media_root / prediction.image.name).exists()
    thumb = client.get(reverse("history:thumb", args=[prediction.pk]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    html = client.get(reverse("history:detail", args=[prediction.pk])).content.decode()
    assert f"/history/{prediction.pk}/thumb.jpg" in html and 'id="keep-face-form"' not in html

    again = client.post(url, {"face": face_jpeg()}, HTTP_ACCEPT="application/json")
    assert again.status_code == 400 and again.json()["code"] == "bad_private_thumbnail"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("history:delete", args=[prediction.pk]))
    assert not (media_root / prediction.image.name).exists()


@pytest.mark.parametrize(
    "upload, code",
    [
        (lambda: face_jpeg(side=600), "bad_private_thumbnail"),
        (lambda: io.BytesIO(b"not a picture at all"), "not_an_image"),
    ],
)
def test_a_face_picture_that_is_not_small_is_refused(client, payload, upload, code):
    prediction = created(post_ranking(client, payload))
    reply = client.post(
        reverse("history:keep_face", args=[prediction.pk]),
        {"face": upload()},
        HTTP_ACCEPT="application/json",
    )
    assert reply.status_code == 400 and reply.json()["code"] == code
    prediction.refresh_from_db()
    assert not prediction.image


def test_an_uploaded_result_takes_no_face_picture(client, user, fake_predictor):
    client.force_login(user)
    prediction = prediction_create(user=user, upload=photo_upload())
    name = prediction.image.name
    response = client.post(
        reverse("history:keep_face", args=[prediction.pk]), {"face": face_jpeg()}
    )
    assert response.status_code == 302
    prediction.refresh_from_db()
    assert prediction.image.name == name


def test_the_share_card_shows_the_emblem_without_a_kept_picture(client, payload):
    prediction = created(post_ranking(client, payload))
    client.post(reverse("history:share", args=[prediction.pk]))
    prediction.refresh_from_db()
    card = client.get(reverse("heroes:share_card", args=[prediction.share_token]))
    assert card.status_code == 200
    assert Image.open(
        io.BytesIO(b"".join(card.streaming_content) if card.streaming else card.content)
    ).size == (1200, 630)
    html = client.get(reverse("history:detail", args=[prediction.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "the hero's emblem in place of your face" in html.content.decode()


def test_re_prediction_skips_private_results_and_says_how_many(
    client, user, superuser, payload, fake_predictor, capsys, settings
):
    client.force_login(user)
    private = created(post_ranking(client, payload))
    uploaded = prediction_create(user=user, upload=photo_upload())
    fake_predictor.version = "fake-2"

    call_command("repredict", "--dry-run")
    out = capsys.readouterr().out
    assert "skipping 1 private results" in out and "would re-predict 1 photos" in out
    settings.MLH_BROKER_URL = "redis://127.0.0.1:9/0"  # a dry run connects to nothing
    call_command("repredict", "--queue", "--dry-run")
    out = capsys.readouterr().out
    assert "skipping 1 private results" in out and "would queue 1 photos" in out
    settings.MLH_BROKER_URL = ""
    call_command("repredict")
    out = capsys.readouterr().out
    assert "skipping 1 private results" in out and "processed 1" in out
    uploaded.refresh_from_db()
    private.refresh_from_db()
    assert uploaded.model_version == "fake-2"
    assert private.model_version == payload["model_version"] and private.previous_results == []

    with translation.override("en"):
        replies = predictions_repredict_selected(
            predictions=Prediction.objects.filter(pk__in=[private.pk, uploaded.pk]),
            user=superuser,
        )
    assert any(level == INFO and "1 private result skipped" in str(text) for level, text in replies)


def test_the_api_lists_a_private_result_and_has_no_photo_for_it(client, user, payload):
    from rest_framework.test import APIClient

    from accounts.services import api_token_create

    client.force_login(user)
    prediction = created(post_ranking(client, payload))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user, name='t')[1]}")
    listed = api.get(reverse("api:predictions"))
    assert listed.status_code == 200
    assert str(prediction.pk) in listed.content.decode()
    photo = api.get(reverse("api:prediction_photo", args=[prediction.pk]))
    assert photo.status_code == 404

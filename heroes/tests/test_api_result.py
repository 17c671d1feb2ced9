"""The API leads with the top hero and its match strength; photo_url works
with the token; a face number the photo lacks has its own error code."""

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from accounts.services import api_token_create
from heroes.models import Hero, Prediction
from heroes.strength import nearly_tied_text, strength_sentence
from mylittlehero.tests.factories import photo_upload

pytestmark = pytest.mark.django_db


def token_client(user):
    _token, secret = api_token_create(user=user, name="test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_result_carries_match_strength_band_summary_and_per_hero_index(user, fake_predictor):
    api = token_client(user)
    body = api.post(
        reverse("api:predictions"),
        {"photo": photo_upload()},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    ).json()
    stored = Prediction.objects.get()
    assert 0 <= body["match_strength"] <= 100
    assert body["nearly_tied"] is stored.nearly_tied
    assert body["ranking"][0]["index"] == pytest.approx(body["match_strength"])
    assert all(set(row) == {"hero", "probability", "index"} for row in body["ranking"])
    # stored unrounded, served rounded once: probabilities to 6 decimals, percentiles to 2
    assert body["top_probability"] == round(stored.top_probability, 6)
    assert body["match_strength"] == round(stored.match_strength, 2)
    assert [row["probability"] for row in body["ranking"]] == [
        round(row["probability"], 6) for row in stored.ranking
    ]
    assert [row["index"] for row in body["ranking"]] == [
        round(row["index"], 2) for row in stored.ranking
    ]
    assert body["match_strength_band"] in {"very_strong", "strong", "clear", "mild", "faint"}
    top = stored.top_hero
    with translation.override("en"):
        if stored.nearly_tied:
            second = Hero.objects.get(key=stored.ranking[1]["hero"])
            lead = nearly_tied_text(top.name_en, second.name_en)
        else:
            lead = f"You look like {top.name_en}"
        sentence = strength_sentence(top.name_en, stored.match_strength)
    assert body["summary"] == f"{lead}. {sentence}"
    # every key the API had before is still there
    for key in (
        "id",
        "created_at",
        "top_hero",
        "top_probability",
        "ranking",
        "faces",
        "face_index",
        "model_version",
        "photo_url",
        "is_shared",
        "share_url",
    ):
        assert key in body


def test_older_result_without_match_strength_is_served_with_nulls(
    user, make_prediction, default_heroes
):
    prediction = make_prediction(
        user,
        ranking=[
            {"hero": "loki", "probability": 0.6, "similarity": 0.4},
            {"hero": "hulk", "probability": 0.4, "similarity": 0.3},
        ],
    )
    body = token_client(user).get(reverse("api:prediction", args=[prediction.pk])).json()
    assert body["match_strength"] is None and body["match_strength_band"] is None
    assert body["ranking"][0]["index"] is None
    # an older row's "similarity" is stored still, and not served
    assert "similarity" not in body["ranking"][0]


def test_photo_url_is_fetchable_with_the_same_token_and_only_by_the_owner(
    user, other_user, fake_predictor
):
    api = token_client(user)
    body = api.post(
        reverse("api:predictions"), {"photo": photo_upload()}, format="multipart"
    ).json()
    response = api.get(body["photo_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert data[:3] == b"\xff\xd8\xff"
    # an explicit image Accept header works too
    assert api.get(body["photo_url"], HTTP_ACCEPT="image/jpeg").status_code == 200
    stranger = token_client(other_user).get(body["photo_url"])
    assert stranger.status_code == 404
    assert APIClient().get(body["photo_url"]).status_code == 401


def test_face_index_beyond_the_faces_found_has_its_own_code(user, fake_predictor):
    api = token_client(user)
    with translation.override("en"):
        response = api.post(
            reverse("api:predictions"),
            {"photo": photo_upload(), "face_index": 3},
            format="multipart",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "no_such_face"
    assert "face with that number" in response.json()["error"]["message"]
    assert not Prediction.objects.exists()

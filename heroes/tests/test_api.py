"""The JSON API with the fake engine: flows, errors, tokens, rate limits."""

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import api_token_create
from heroes.migrations._more_heroes import ALL_DEFAULT_HERO_KEYS
from heroes.models import Prediction
from mylittlehero.tests.factories import photo_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(user):
    _token, secret = api_token_create(user=user, name="test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def create(api, lang=None, **data):
    headers = {"HTTP_ACCEPT_LANGUAGE": lang} if lang else {}
    return api.post(
        reverse("api:predictions"), {"photo": photo_upload(), **data}, format="multipart", **headers
    )


def test_create_list_get_share_revoke_delete(
    api, user, fake_predictor, media_root, django_capture_on_commit_callbacks
):
    response = create(api)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["top_hero"] == body["ranking"][0]["hero"]
    assert len(body["ranking"]) == len(ALL_DEFAULT_HERO_KEYS) and body["model_version"] == "fake-1"
    assert body["share_url"] is None and body["photo_url"].endswith(
        f"/api/predictions/{body['id']}/photo/"
    )

    listing = api.get(reverse("api:predictions")).json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == body["id"]
    assert api.get(reverse("api:prediction", args=[body["id"]])).json()["id"] == body["id"]

    shared = api.post(reverse("api:prediction_share", args=[body["id"]])).json()
    assert shared["is_shared"] and "/s/" in shared["share_url"]
    assert APIClient().get(shared["share_url"]).status_code == 200
    revoked = api.delete(reverse("api:prediction_share", args=[body["id"]])).json()
    assert revoked["share_url"] is None
    assert APIClient().get(shared["share_url"]).status_code == 404

    path = media_root / Prediction.objects.get().image.name
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(reverse("api:prediction", args=[body["id"]])).status_code == 204
    assert not Prediction.objects.exists() and not path.exists()


def test_errors_have_stable_codes_and_localised_messages(api, fake_predictor):
    response = api.post(
        reverse("api:predictions"),
        {"photo": photo_upload(color=(128, 128, 128))},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="ko",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "no_face"
    assert "얼굴을 찾지 못했어요" in response.json()["error"]["message"]

    response = api.post(
        reverse("api:predictions"),
        {"photo": photo_upload(content=b"not an image")},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.json()["error"] == {
        "code": "not_an_image",
        "message": "That file is not a photo we can read. Use a JPEG, PNG, WebP, HEIC or GIF.",
    }
    response = api.post(reverse("api:predictions"), {}, format="multipart")
    assert response.status_code == 400
    assert (
        response.json()["error"]["code"] == "invalid"
        and "photo" in response.json()["error"]["fields"]
    )
    assert Prediction.objects.count() == 0


def test_too_large_is_413(api, fake_predictor, settings):
    settings.MLH_MAX_UPLOAD_BYTES = 500
    response = create(api)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_engine_unavailable_is_503(api, fake_predictor):
    fake_predictor.unavailable = True
    response = create(api)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "model_unavailable"


def test_other_peoples_results_are_404(api, other_user, fake_predictor):
    from heroes.services import prediction_create

    theirs = prediction_create(user=other_user, upload=photo_upload())
    for method in ("get", "delete"):
        response = getattr(api, method)(reverse("api:prediction", args=[theirs.pk]))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert api.post(reverse("api:prediction_share", args=[theirs.pk])).status_code == 404
    assert api.get(reverse("api:prediction", args=["not-an-id"])).status_code == 404
    assert Prediction.objects.filter(pk=theirs.pk, is_shared=False).exists()


def test_anonymous_and_revoked_tokens_are_refused(user, fake_predictor):
    client = APIClient()
    response = client.get(reverse("api:predictions"))
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "not_authenticated"
    token, secret = api_token_create(user=user, name="x")
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert client.get(reverse("api:predictions")).status_code == 200
    token.delete()
    response = client.get(reverse("api:predictions"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_session_api_requires_csrf(user, fake_predictor):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(reverse("api:predictions")).status_code == 200
    response = client.post(
        reverse("api:predictions"), {"photo": photo_upload()}, format="multipart"
    )
    assert response.status_code == 403
    assert Prediction.objects.count() == 0


def test_heroes_list_is_public():
    heroes = APIClient().get(reverse("api:heroes")).json()
    assert [hero["key"] for hero in heroes][:2] == ["black-widow", "captain-america"]
    assert heroes[0]["portrait_url"].endswith("/heroes/black-widow/portrait/")


@override_settings(MLH_PREDICTION_RATE_USER="2/minute", MLH_PREDICTION_RATE_IP="100/minute")
def test_rate_limit_per_user_is_shared_by_api_and_upload_page(api, client, user, fake_predictor):
    assert create(api).status_code == 201
    client.force_login(user)
    assert client.post(reverse("upload"), {"photo": photo_upload()}).status_code == 302
    response = create(api)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60
    page = client.post(reverse("upload"), {"photo": photo_upload()}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 429
    assert "at most 2 per minute" in page.content.decode()
    assert Prediction.objects.count() == 2


@override_settings(MLH_PREDICTION_RATE_USER="3/hour", MLH_PREDICTION_RATE_IP="")
def test_rate_limit_message_says_the_limit_and_the_reset_in_minutes(api, fake_predictor):
    for _ in range(3):
        assert create(api).status_code == 201
    response = create(api, lang="en")
    message = response.json()["error"]["message"]
    assert "at most 3 per hour" in message, message
    assert "seconds" not in message
    minutes = int(message.split("try again in ")[1].split(" minute")[0])
    assert 1 <= minutes <= 60
    assert abs(minutes * 60 - int(response["Retry-After"])) < 60
    korean = create(api, lang="ko").json()["error"]["message"]
    assert "시간당 최대 3장" in korean and f"{minutes}분" in korean, korean


@override_settings(
    MLH_PREDICTION_RATE_USER="2/hour",
    MLH_PREDICTION_RATE_IP="",
    MLH_PREDICTION_REFUSED_RATE_USER="6/hour",
)
def test_refused_photos_do_not_use_up_the_results_quota(api, client, user, fake_predictor):
    blank = lambda: photo_upload(name="blank.jpg", color=(90, 90, 90))  # noqa: E731 - no face
    for _ in range(3):
        response = api.post(reverse("api:predictions"), {"photo": blank()}, format="multipart")
        assert response.json()["error"]["code"] == "no_face"
    client.force_login(user)
    page = client.post(reverse("upload"), {"photo": blank()})
    assert page.status_code == 400
    not_an_image = photo_upload(name="x.jpg", content=b"not an image at all")
    response = api.post(reverse("api:predictions"), {"photo": not_an_image}, format="multipart")
    assert response.json()["error"]["code"] == "not_an_image"
    # Five refusals, and both real results are still there.
    assert [create(api).status_code for _ in range(3)] == [201, 201, 429]
    assert create(api).json()["error"]["code"] == "rate_limited"


@override_settings(
    MLH_PREDICTION_RATE_USER="50/hour",
    MLH_PREDICTION_RATE_IP="",
    MLH_PREDICTION_REFUSED_RATE_USER="3/hour",
)
def test_refused_photos_have_their_own_cap(api, fake_predictor):
    blank = lambda: photo_upload(name="blank.jpg", color=(90, 90, 90))  # noqa: E731 - no face
    for _ in range(3):
        api.post(reverse("api:predictions"), {"photo": blank()}, format="multipart")
    response = create(api, lang="en")
    assert response.status_code == 429
    assert "could not be used (at most 3 per hour)" in response.json()["error"]["message"]
    assert Prediction.objects.count() == 0


@override_settings(MLH_PREDICTION_RATE_USER="100/minute", MLH_PREDICTION_RATE_IP="2/minute")
def test_rate_limit_per_ip_spans_accounts(make_user, fake_predictor):
    clients = []
    for i in range(3):
        _token, secret = api_token_create(user=make_user(f"ip{i}@example.com"), name="t")
        client = APIClient(REMOTE_ADDR="203.0.113.9")
        client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
        clients.append(client)
    assert [create(c).status_code for c in clients] == [201, 201, 429]
    other = APIClient(REMOTE_ADDR="203.0.113.10")
    _token, secret = api_token_create(user=make_user("elsewhere@example.com"), name="t")
    other.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert create(other).status_code == 201


def test_tokens_are_made_and_revoked_on_the_account_page(client, user, other_user):
    client.force_login(user)
    page = client.post(reverse("accounts:token_create"), {"name": "my script"}).content.decode()
    assert "it will not be shown again" in page or "다시는 보여 드리지 않아요" in page
    token = user.api_tokens.get()
    assert token.prefix in page and token.key_hash not in page
    client.force_login(other_user)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    client.force_login(user)
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert not user.api_tokens.exists()


def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    docs = client.get(reverse("api:docs")).content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()


def test_too_many_fields_is_a_json_error(api):
    fields = "&".join(f"f{i}=x" for i in range(1200))
    response = api.post(
        reverse("api:predictions"), fields, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "too_many_fields"


def test_unknown_api_urls_answer_json(api, client):
    for response in (api.get("/api/no-such-thing/"), client.get("/api/predictions/1/x/")):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert "<html" in client.get("/no-such-page/").content.decode().lower()

"""Every URL and API path that takes an id answers 404 for a malformed one,
on SQLite (integer keys) and on MongoDB (ObjectId keys): core/lookups.py."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import api_token_create
from core.lookups import pk_or_none, row_or_404
from heroes.models import Prediction

pytestmark = pytest.mark.django_db

MALFORMED = [
    "abc",
    "-1",
    "0x10",
    "1.5",
    " ",
    "99999999999999999999999999",  # beyond a 64-bit integer
    "5f1d7f0a0a0a0a0a0a0a0a0",  # 23 hex digits: not an ObjectId
    "5f1d7f0a0a0a0a0a0a0a0a0a",  # an ObjectId (malformed on SQLite, unknown on MongoDB)
    "1",  # an integer (unknown on SQLite, malformed on MongoDB)
]

PAGES = [
    ("get", "history:detail"),
    ("get", "history:photo"),
    ("get", "history:delete"),
    ("post", "history:delete"),
    ("post", "history:choose_face"),
    ("post", "history:share"),
    ("get", "heroes:reference_image"),
    ("post", "accounts:token_revoke"),
]
API = [
    ("get", "api:prediction"),
    ("delete", "api:prediction"),
    ("post", "api:prediction_share"),
    ("delete", "api:prediction_share"),
]


@pytest.mark.parametrize("bad_id", MALFORMED)
def test_pages_answer_404_for_malformed_or_unknown_ids(client, make_user, bad_id):
    staff = make_user("staff@example.com", is_staff=True)  # reference images are staff-only
    client.force_login(staff)
    for method, name in PAGES:
        response = getattr(client, method)(reverse(name, args=[bad_id]))
        assert response.status_code == 404, (method, name, bad_id)


@pytest.mark.parametrize("bad_id", MALFORMED)
def test_api_answers_404_not_found_for_malformed_or_unknown_ids(user, bad_id):
    api = APIClient()
    _token, secret = api_token_create(user=user, name="t")
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    for method, name in API:
        response = getattr(api, method)(reverse(name, args=[bad_id]))
        assert response.status_code == 404, (method, name, bad_id)
        assert response.json()["error"] == {"code": "not_found", "message": "그런 결과는 없어요."}


def test_row_or_404_finds_the_row_by_its_id_in_text(user, make_prediction):
    prediction = make_prediction(user)
    assert row_or_404(Prediction.objects.all(), str(prediction.pk)) == prediction
    assert pk_or_none(Prediction, str(prediction.pk)) == prediction.pk
    assert pk_or_none(Prediction, "not-an-id") is None
    with pytest.raises(Exception) as raised:
        row_or_404(Prediction.objects.exclude(pk=prediction.pk), str(prediction.pk), "gone")
    assert raised.type.__name__ == "Http404" and str(raised.value) == "gone"


def test_an_id_bson_refuses_reads_as_not_found():
    """django-mongodb-backend turns a bad ObjectId into Django's
    ValidationError; bson's own InvalidId (not a ValueError) is "not found" too."""
    from types import SimpleNamespace

    from bson.errors import InvalidId

    def to_python(raw):
        raise InvalidId(f"{raw!r} is not a valid ObjectId")

    model = SimpleNamespace(_meta=SimpleNamespace(pk=SimpleNamespace(to_python=to_python)))
    assert pk_or_none(model, "zz") is None


@pytest.mark.parametrize("raw", ["", "abc", "1.5", None, "-1", "3"])
def test_a_malformed_or_missing_face_number_is_not_found(raw):
    from django.http import Http404

    from core.lookups import index_or_404

    with pytest.raises(Http404):
        index_or_404(raw, "No such face.", below=3)


def test_a_face_number_in_range_is_kept():
    from core.lookups import index_or_404

    assert index_or_404("2", below=3) == 2
    assert index_or_404(7) == 7  # no range: any integer

"""The upload page's Cancel takes the photo back whatever reaches the server
first: the send or the cancel (history/attempts.py), with the fake predictor.
The browser side is history/tests/test_browser_anonymous.py."""

import types
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from core import ratelimit
from heroes.models import Prediction
from history.attempts import CANCEL_RATE
from mylittlehero.tests.environment import media_files
from mylittlehero.tests.factories import photo_upload

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def send(client, attempt):
    return client.post(reverse("upload"), {"photo": photo_upload(), "attempt": attempt}, **JSON)


def cancel(attempt, client=None):
    # A client of its own by default: the attempt id is the proof, not the
    # session (an anonymous visitor's first send starts their session in a
    # reply that a cancelled send never reads).
    return (client or Client()).post(reverse("upload_cancel"), {"attempt": attempt})


def test_a_send_that_arrived_before_its_cancel_is_deleted_with_its_photo(
    client, fake_predictor, media_root, django_capture_on_commit_callbacks
):
    attempt = str(uuid.uuid4())
    response = send(client, attempt)
    assert response.status_code == 200 and "redirect" in response.json()
    prediction = Prediction.objects.get()
    photo = media_root / prediction.image.name
    assert photo.exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert cancel(attempt).status_code == 204

    assert not Prediction.objects.exists()
    assert not photo.exists()
    assert client.get(response.json()["redirect"]).status_code == 404


def test_a_send_that_arrives_after_its_cancel_is_not_kept(client, fake_predictor, media_root):
    attempt = str(uuid.uuid4())
    assert cancel(attempt).status_code == 204
    before = set(media_files(media_root, "predictions"))

    response = send(client, attempt)

    assert response.status_code == 409
    assert "사진은 남기지 않았" in response.json()["error"]
    assert fake_predictor.calls == []  # refused before the engine ran
    assert not Prediction.objects.exists()
    assert set(media_files(media_root, "predictions")) == before


def test_a_cancel_that_arrives_while_the_engine_works_is_honoured(
    client, fake_predictor, media_root, monkeypatch, django_capture_on_commit_callbacks
):
    attempt = str(uuid.uuid4())
    analyse = fake_predictor.analyse

    def analyse_then_cancelled(*args, **kwargs):
        result = analyse(*args, **kwargs)
        assert cancel(attempt).status_code == 204  # the send is not stored yet
        return result

    monkeypatch.setattr(fake_predictor, "analyse", analyse_then_cancelled)
    before = set(media_files(media_root, "predictions"))
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, attempt)

    assert response.status_code == 409
    assert len(fake_predictor.calls) == 1
    assert not Prediction.objects.exists()
    assert set(media_files(media_root, "predictions")) == before


def test_a_cancel_takes_back_only_its_own_send(client, fake_predictor):
    kept, cancelled = str(uuid.uuid4()), str(uuid.uuid4())
    send(client, kept)
    send(client, cancelled)
    assert Prediction.objects.count() == 2

    assert cancel(cancelled).status_code == 204
    assert cancel(str(uuid.uuid4())).status_code == 204  # an id that sent nothing

    assert Prediction.objects.count() == 1


def test_a_send_without_an_attempt_id_works_as_before(client, fake_predictor):
    # The form without JavaScript sends none; a malformed one counts as none.
    response = client.post(reverse("upload"), {"photo": photo_upload(), "attempt": "1; DROP"})
    assert response.status_code == 302
    assert Prediction.objects.count() == 1


@pytest.mark.parametrize("attempt", ["", "not-a-uuid", str(uuid.uuid1()), "0" * 36])
def test_a_cancel_needs_a_random_attempt_id(attempt):
    assert cancel(attempt).status_code == 400


def test_a_cancel_needs_the_csrf_token_and_a_post(client, fake_predictor):
    attempt = str(uuid.uuid4())
    send(client, attempt)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("upload_cancel"), {"attempt": attempt}).status_code == 403
    assert Client().get(reverse("upload_cancel"), {"attempt": attempt}).status_code == 405
    assert Prediction.objects.count() == 1


def test_cancels_are_limited_per_client(monkeypatch):
    # Mid-window: an hour's boundary cannot fall inside the test.
    clock = types.SimpleNamespace(time=lambda: 1_800_000_000 + 1800.0)
    monkeypatch.setattr(ratelimit, "time", clock)
    limit = int(CANCEL_RATE.split("/")[0])
    visitor = Client()
    for _ in range(limit):
        assert cancel(str(uuid.uuid4()), visitor).status_code == 204
    response = cancel(str(uuid.uuid4()), visitor)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0

"""Faults: the model, the database or the storage failing, and a process
killed mid-upload. Pages stay up, answers are 503 with a message, nothing
half-written stays behind."""

import os
import time

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import api_token_create
from heroes.models import Prediction
from mylittlehero.tests.environment import media_files
from mylittlehero.tests.factories import ASTRONAUT, photo_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def broken_model(tmp_path, engine_config):
    """The real engine, pointed at a corrupt model folder."""
    from heroes.ml.engine import reset_engine

    (tmp_path / "model.json").write_text("{ this is not json")
    (tmp_path / "classifier.keras").write_bytes(b"garbage")
    engine_config(model_dir=tmp_path)
    reset_engine()
    yield
    reset_engine()


@pytest.mark.model
def test_corrupt_model_pages_load_predictions_503_nothing_stored(
    client, user, broken_model, media_root
):
    client.force_login(user)
    for name in ["home", "heroes:list", "history:list", "upload", "accounts:account"]:
        assert client.get(reverse(name)).status_code == 200, name
    before = media_files(media_root)
    photo = ASTRONAUT.read_bytes()
    response = client.post(
        reverse("upload"), {"photo": photo_upload(content=photo)}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 503
    assert "The hero engine is not available right now" in response.content.decode()
    _token, secret = api_token_create(user=user, name="t")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    response = api.post(
        reverse("api:predictions"), {"photo": photo_upload(content=photo)}, format="multipart"
    )
    assert response.status_code == 503 and response.json()["error"]["code"] == "model_unavailable"
    health = client.get(reverse("healthz"))
    assert health.status_code == 503
    assert Prediction.objects.count() == 0 and media_files(media_root) == before


def test_database_failing_while_saving_gives_503_and_removes_the_file(
    client, user, fake_predictor, media_root, monkeypatch
):
    def fail(*args, **kwargs):
        raise OperationalError("database is locked")

    before = media_files(media_root)
    monkeypatch.setattr(Prediction, "save", fail)
    client.force_login(user)
    response = client.post(reverse("upload"), {"photo": photo_upload()}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert "We could not save your result just now" in response.content.decode()
    assert media_files(media_root) == before


def test_storage_failing_gives_503_and_no_row(client, user, fake_predictor, settings, tmp_path):
    blocker = tmp_path / "media"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker
    client.force_login(user)
    response = client.post(reverse("upload"), {"photo": photo_upload()}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert "We could not store your photo just now" in response.content.decode()
    assert Prediction.objects.count() == 0
    _token, secret = api_token_create(user=user, name="t")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    response = api.post(reverse("api:predictions"), {"photo": photo_upload()}, format="multipart")
    assert response.status_code == 503 and response.json()["error"]["code"] == "storage_unavailable"
    assert Prediction.objects.count() == 0


class Killed(BaseException):
    """Stands in for SIGKILL: nothing after it runs, no except clause catches it."""


def test_a_kill_between_photo_and_row_leaves_an_orphan_that_the_sweep_removes(
    client, user, fake_predictor, settings, tmp_path, monkeypatch, capsys
):
    from heroes.services import prediction_create

    # A media folder of its own: other tests' rolled-back rows leave files
    # in the shared one.
    media_root = tmp_path / "media"
    settings.MEDIA_ROOT = media_root

    keep = prediction_create(user=user, upload=photo_upload("keep.jpg"))

    def killed(*args, **kwargs):
        raise Killed()

    monkeypatch.setattr(Prediction, "save", killed)
    with pytest.raises(Killed):
        prediction_create(user=user, upload=photo_upload("lost.jpg"))
    monkeypatch.undo()
    files = media_files(media_root)
    kept = media_root / keep.image.name
    orphans = [f for f in files if f != kept and "predictions" in f.parts]
    assert len(orphans) == 1 and Prediction.objects.count() == 1  # the row never existed

    call_command("purge_uploads", "--orphans")
    assert "deleted 0 orphaned photos" in capsys.readouterr().out  # too recent: may be in flight
    old = time.time() - 2 * 3600
    os.utime(orphans[0], (old, old))
    call_command("purge_uploads", "--orphans", "--dry-run")
    assert "would delete 1 orphaned photos" in capsys.readouterr().out
    call_command("purge_uploads", "--orphans")
    assert not orphans[0].exists() and kept.exists()

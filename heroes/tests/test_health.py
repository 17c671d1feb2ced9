import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_up(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["storage"]["ok"]
    assert body["checks"]["model"]["version"].startswith("heroes-")


def test_healthz_down_when_the_model_is_missing(client, monkeypatch, tmp_path):
    monkeypatch.setenv("MLH_MODEL_DIR", str(tmp_path))
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["model"]["ok"] is False


def test_healthz_down_when_storage_is_not_writable(client, settings, tmp_path):
    # A media "folder" that is a regular file: no one, root included, can write under it.
    blocker = tmp_path / "media"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["ok"] is False


def test_healthz_down_when_the_database_fails(client, monkeypatch):
    from heroes import health

    def broken():
        raise RuntimeError("database is locked")

    monkeypatch.setattr(health, "_database", broken)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert "database is locked" in response.json()["checks"]["database"]["error"]

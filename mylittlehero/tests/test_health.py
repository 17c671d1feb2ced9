"""/healthz (public liveness) and /healthz/ready (operators' readiness)."""

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

TOKEN = "health-token-for-tests"


def ready(client):
    return client.get(reverse("readiness"), HTTP_X_HEALTH_TOKEN=TOKEN)


def test_public_healthz_is_cheap_and_tells_nothing(client, settings, tmp_path, monkeypatch):
    from mylittlehero import health

    writes = []
    monkeypatch.setattr(health, "_storage_probe", lambda: writes.append(1) or {"ok": True})
    for _ in range(5):
        response = client.get(reverse("healthz"))
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
    assert writes == []  # no storage object written for an anonymous probe


def test_public_healthz_is_down_when_the_database_fails(client, monkeypatch):
    from mylittlehero import health

    def broken():
        raise RuntimeError("database is locked")

    monkeypatch.setattr(health, "_database", broken)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_readiness_is_for_operators_only(client, user, make_user):
    assert client.get(reverse("readiness")).status_code == 404
    assert client.get(reverse("readiness"), HTTP_X_HEALTH_TOKEN="guess").status_code == 404
    client.force_login(user)
    assert client.get(reverse("readiness")).status_code == 404
    client.force_login(make_user("staff@example.com", is_staff=True))
    assert client.get(reverse("readiness")).status_code == 200


@override_settings(MLH_HEALTH_TOKEN=TOKEN)
def test_readiness_up(client):
    response = ready(client)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["storage"]["ok"]
    assert body["checks"]["model"]["version"].startswith("heroes-")


@override_settings(MLH_HEALTH_TOKEN=TOKEN)
def test_readiness_writes_to_storage_at_most_once_a_minute(client, monkeypatch):
    from mylittlehero import health

    writes = []
    monkeypatch.setattr(health, "_storage_probe", lambda: writes.append(1) or {"ok": True})
    for _ in range(5):
        assert ready(client).json()["checks"]["storage"]["ok"]
    assert writes == [1]


@override_settings(MLH_HEALTH_TOKEN=TOKEN)
def test_readiness_down_when_the_model_is_missing(client, engine_config, tmp_path):
    engine_config(model_dir=tmp_path)
    response = ready(client)
    assert response.status_code == 503
    assert response.json()["checks"]["model"]["ok"] is False


@override_settings(MLH_HEALTH_TOKEN=TOKEN)
def test_readiness_down_when_storage_is_not_writable(client, settings, tmp_path):
    # A media "folder" that is a regular file: no one, root included, can write under it.
    blocker = tmp_path / "media"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker
    response = ready(client)
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["ok"] is False


@override_settings(MLH_HEALTH_TOKEN=TOKEN)
def test_readiness_down_when_the_database_fails(client, monkeypatch):
    from mylittlehero import health

    def broken():
        raise RuntimeError("database is locked")

    monkeypatch.setattr(health, "_database", broken)
    response = ready(client)
    assert response.status_code == 503
    assert "database is locked" in response.json()["checks"]["database"]["error"]

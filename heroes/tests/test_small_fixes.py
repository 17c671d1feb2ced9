"""Small ones: admin aliases and times, repredict without
TensorFlow when there is nothing to do, the development server's warm-up
(the favicon: mylittlehero/tests/test_views.py)."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from heroes.models import Hero

pytestmark = pytest.mark.django_db


def test_aliases_are_edited_one_per_line(client, superuser, default_heroes):
    client.force_login(superuser)
    hero = Hero.objects.get(key="loki")
    url = reverse("admin:heroes_hero_change", args=[hero.pk])
    html = client.get(url).content.decode()
    assert '<textarea name="aliases"' in html
    assert "[&quot;" not in html  # not raw JSON
    data = {
        "key": hero.key,
        "name_ko": hero.name_ko,
        "name_en": hero.name_en,
        "description_ko": hero.description_ko,
        "description_en": hero.description_en,
        "order": hero.order,
        "is_active": "on",
        "aliases": "loki\n  god of mischief \nloki, laufeyson",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    hero.refresh_from_db()
    assert hero.aliases == ["loki", "god of mischief", "laufeyson"]


def test_prediction_titles_and_dates_are_in_the_site_time_zone(
    user, make_prediction, client, superuser
):
    moment = datetime.datetime(2026, 1, 1, 23, 30, tzinfo=datetime.UTC)  # 08:30 next day in Seoul
    prediction = make_prediction(user, created_at=moment)
    assert str(prediction).endswith("2026-01-02 08:30")
    client.force_login(superuser)
    html = client.get(reverse("admin:heroes_prediction_changelist")).content.decode()
    assert "2026-01-02 08:30" in html
    assert "heroes/admin.css" in html


def _forbid_engine(monkeypatch):
    # heroes.ml.api binds get_engine when it is imported: import it first
    # (so a later import cannot keep the refusing stand-in) and patch both.
    import heroes.ml.api
    import heroes.ml.engine

    def refuse(*args, **kwargs):
        raise AssertionError("the engine (TensorFlow) was loaded")

    monkeypatch.setattr(heroes.ml.engine, "get_engine", refuse)
    monkeypatch.setattr(heroes.ml.api, "get_engine", refuse)


def test_repredict_dry_run_and_nothing_to_do_never_load_the_engine(
    settings, monkeypatch, capsys, user, make_prediction
):
    from heroes.ml.api import model_version

    _forbid_engine(monkeypatch)
    version = model_version()
    make_prediction(user).__class__.objects.update(model_version=version)
    call_command("repredict")
    assert "nothing to re-predict" in capsys.readouterr().out
    make_prediction(user)  # made by another model: stale
    call_command("repredict", "--dry-run")
    assert "would re-predict 1 photos" in capsys.readouterr().out


def test_devserver_warms_the_configured_engine_in_the_background(settings, monkeypatch):
    import threading

    import heroes.ml.api
    from heroes.management.commands.devserver import warm_engine

    loaded = threading.Event()

    class Engine:
        def warm_up(self):
            loaded.set()

    previous = heroes.ml.api.use_engine(Engine())
    monkeypatch.setenv("MLH_WARM_ON_START", "1")
    thread = warm_engine()
    thread.join(5)
    assert loaded.is_set() and thread.daemon
    monkeypatch.setenv("MLH_WARM_ON_START", "0")
    assert warm_engine() is None
    heroes.ml.api.use_engine(previous)


def test_devserver_is_runserver_with_static_files():
    from django.contrib.staticfiles.management.commands.runserver import Command as Static

    from heroes.management.commands.devserver import Command

    assert issubclass(Command, Static)


def test_a_hero_without_emblem_or_portrait_gets_a_placeholder(client, default_heroes):
    Hero.objects.create(
        key="new-hero-without-art", name_ko="새 히어로", name_en="New Hero", order=999
    )
    html = client.get(reverse("home")).content.decode()
    assert "heroes/hero-placeholder.svg" in html
    assert "heroes/emblems/loki.png" in html
    assert client.get(reverse("heroes:list")).status_code == 200
    response = client.get(reverse("heroes:portrait", args=["new-hero-without-art"]))
    assert response.status_code == 302 and response.url.endswith("heroes/hero-placeholder.svg")

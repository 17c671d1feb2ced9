"""A hero's key is fixed once results or the model use it
(read-only in the admin, refused by Hero's validation); renaming it would
make stored rankings point at no hero."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from heroes.models import Hero
from heroes.services import prediction_create
from mylittlehero.tests.factories import photo_upload

pytestmark = pytest.mark.django_db


def hero_form(hero, key):
    return {
        "key": key,
        "name_ko": hero.name_ko,
        "name_en": hero.name_en,
        "description_ko": hero.description_ko,
        "description_en": hero.description_en,
        "order": hero.order,
        "is_active": "on",
        "aliases": "",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
    }


def test_the_key_of_a_hero_in_results_cannot_change(client, superuser, user, fake_predictor):
    prediction = prediction_create(user=user, upload=photo_upload())
    top = prediction.top_hero
    runner_up = Hero.objects.get(key=prediction.ranking[1]["hero"])
    client.force_login(superuser)
    for hero in (top, runner_up):
        url = reverse("admin:heroes_hero_change", args=[hero.pk])
        assert 'name="key"' not in client.get(url).content.decode()  # shown read-only
        response = client.post(url, hero_form(hero, hero.key + "-renamed"))
        assert response.status_code == 302, response.content.decode()[:2000]
        hero.refresh_from_db()
        assert not hero.key.endswith("-renamed")
    # The model's own validation refuses it too (a shell, a script, a form).
    top.key = "someone-else"
    with pytest.raises(ValidationError) as error:
        top.full_clean()
    assert "key" in error.value.message_dict
    # And the result still shows its hero first.
    prediction.refresh_from_db()
    assert prediction.top_hero.key == prediction.ranking[0]["hero"]


def test_the_key_of_a_hero_the_model_knows_cannot_change(fake_predictor):
    hero = Hero.objects.get(key="loki")
    fake_predictor.hero_profiles = {"loki": {"share": 0.05, "median_strength": 60, "close": []}}
    hero.key = "loki-2"
    with pytest.raises(ValidationError):
        hero.full_clean()


def test_an_unused_key_can_still_be_corrected(client, superuser, fake_predictor):
    hero = Hero.objects.create(key="new-heor", name_ko="새 영웅", name_en="New hero", order=99)
    client.force_login(superuser)
    url = reverse("admin:heroes_hero_change", args=[hero.pk])
    assert 'name="key"' in client.get(url).content.decode()
    assert client.post(url, hero_form(hero, "new-hero")).status_code == 302
    hero.refresh_from_db()
    assert hero.key == "new-hero"

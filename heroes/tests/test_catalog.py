"""The default hero catalog the data migrations create (0002's eight, 0008's fourteen)."""

import csv
import re

import pytest
from django.apps import apps
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils.html import escape

from heroes.migrations._default_heroes import DEFAULT_HEROES
from heroes.migrations._more_heroes import (
    ALL_DEFAULT_HERO_KEYS,
    MORE_HEROES,
    create_more_heroes,
    remove_more_heroes,
)
from heroes.ml.training import label_map, normalise_label
from heroes.models import Hero

pytestmark = pytest.mark.django_db

HANGUL = re.compile(r"[가-힣]")
ORIGINAL_EIGHT = [
    "black-widow",
    "captain-america",
    "doctor-strange",
    "hulk",
    "iron-man",
    "loki",
    "spider-man",
    "thanos",
]
NEW_FOURTEEN = [
    "scarlet-witch",
    "captain-marvel",
    "gamora",
    "rescue",
    "mighty-thor",
    "jean-grey",
    "mystique",
    "jessica-jones",
    "thor",
    "star-lord",
    "hawkeye",
    "falcon",
    "wolverine",
    "venom",
]


def test_migrations_leave_22_complete_active_heroes():
    heroes = list(Hero.objects.filter(is_active=True))
    assert len(heroes) == 22
    assert [hero.key for hero in heroes] == ORIGINAL_EIGHT + NEW_FOURTEEN
    assert ALL_DEFAULT_HERO_KEYS == ORIGINAL_EIGHT + NEW_FOURTEEN
    for hero in heroes:
        assert HANGUL.search(hero.name_ko), hero.key
        assert hero.name_en and not HANGUL.search(hero.name_en), hero.key
        assert HANGUL.search(hero.description_ko) and len(hero.description_ko) >= 30, hero.key
        assert len(hero.description_en) >= 40 and not HANGUL.search(hero.description_en), hero.key
        assert hero.aliases, hero.key
        assert finders.find(hero.emblem_static_path), f"no emblem for {hero.key}"


def test_the_original_eight_keep_their_rows_and_order():
    orders = dict(Hero.objects.values_list("key", "order"))
    assert [orders[hero["key"]] for hero in DEFAULT_HEROES] == [10, 20, 30, 40, 50, 60, 70, 80]
    assert [orders[key] for key in NEW_FOURTEEN] == list(range(90, 90 + 14 * 10, 10))
    iron_man = Hero.objects.get(key="iron-man")
    assert iron_man.name_ko == "아이언맨" and "genius inventor" in iron_man.description_en


def test_names_and_aliases_are_unambiguous():
    heroes = list(Hero.objects.all())
    for field in ("name_ko", "name_en"):
        names = [getattr(hero, field) for hero in heroes]
        assert len(set(names)) == len(names), field
    # Every key and alias maps a training folder name to exactly one hero.
    owners = {}
    for hero in heroes:
        for name in [hero.key, *hero.aliases]:
            owners.setdefault(normalise_label(name), set()).add(hero.key)
    clashes = {name: keys for name, keys in owners.items() if len(keys) > 1}
    assert not clashes
    mapping = label_map([(hero.key, hero.aliases) for hero in heroes])
    assert mapping[normalise_label("Wanda Maximoff")] == "scarlet-witch"
    assert mapping[normalise_label("thor")] == "thor"
    assert mapping[normalise_label("Jane Foster")] == "mighty-thor"


def test_0008_functions_remove_and_recreate_only_the_fourteen():
    remove_more_heroes(apps, None)
    assert sorted(Hero.objects.values_list("key", flat=True)) == sorted(ORIGINAL_EIGHT)
    create_more_heroes(apps, None)
    create_more_heroes(apps, None)  # idempotent: get_or_create
    assert Hero.objects.count() == 22
    gamora = Hero.objects.get(key="gamora")
    assert gamora.order == 110 and gamora.name_ko == "가모라"
    assert len(MORE_HEROES) == 14


def test_every_hero_actors_class_is_in_the_catalog(shared_datasets):
    """../shared/datasets/hero-actors/heroes.csv: each hero key exists, 9 of
    the 22 are women, and no actor's name is used as an alias."""
    with open(shared_datasets / "hero-actors" / "heroes.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    catalog = {hero.key: hero for hero in Hero.objects.filter(is_active=True)}
    assert {row["hero"] for row in rows} <= set(catalog)
    women = {row["hero"] for row in rows if row["gender"] == "female"}
    assert len(women) == 9 and women <= set(catalog)
    aliases = {normalise_label(a) for hero in catalog.values() for a in hero.aliases}
    actors = {normalise_label(row["actor"]) for row in rows}
    assert not aliases & actors
    for row in rows:
        expected = "yes" if row["hero"] in ORIGINAL_EIGHT else "no"
        assert row["in_default_catalog_today"] == expected, row["hero"]


@pytest.mark.parametrize("key", NEW_FOURTEEN)
def test_new_hero_pages_render(client, key):
    hero = Hero.objects.get(key=key)
    html = client.get(reverse("heroes:list")).content.decode()
    assert hero.name_ko in html and reverse("heroes:detail", args=[key]) in html
    response = client.get(reverse("heroes:detail", args=[key]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert escape(hero.name_en) in page and escape(hero.description_en) in page
    page = client.get(
        reverse("heroes:detail", args=[key]), HTTP_ACCEPT_LANGUAGE="ko"
    ).content.decode()
    assert escape(hero.name_ko) in page and escape(hero.description_ko) in page
    portrait = client.get(reverse("heroes:portrait", args=[key]))
    assert portrait.status_code == 302 and portrait.url.endswith(f"heroes/emblems/{key}.png")

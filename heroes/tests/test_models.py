"""The catalog's and a prediction's own helpers (heroes/models.py)."""

import pytest
from django.utils import translation

from heroes.models import Hero, Prediction

pytestmark = pytest.mark.django_db


def test_active_heroes_leave_out_the_inactive_ones():
    Hero.objects.filter(key="loki").update(is_active=False)
    active = set(Hero.objects.active().values_list("key", flat=True))
    assert "loki" not in active and "iron-man" in active
    assert len(active) == Hero.objects.count() - 1


def test_a_heros_name_by_language_is_chosen_in_one_place():
    hero = Hero.objects.get(key="iron-man")
    assert hero.name_for("en") == hero.name_for("en-us") == hero.name_en
    assert hero.name_for("ko") == hero.name_for(None) == hero.name_ko
    with translation.override("en"):
        assert hero.name == hero.name_en
    with translation.override("ko"):
        assert hero.name == hero.name_ko


def test_share_paths_follow_the_token(user):
    prediction = Prediction(owner=user, share_token="abc_-123")
    assert prediction.share_path == "/s/abc_-123/"
    assert prediction.share_card_path == "/s/abc_-123/card.png"

"""The check of a ranking computed in the browser (heroes/private_ranking.py):
what a private result may be stored from, and everything it refuses."""

import json

import pytest

from heroes.models import Hero
from heroes.private_ranking import MAX_BODY_BYTES, RankingRejected, private_ranking_clean

pytestmark = pytest.mark.django_db


@pytest.fixture
def payload(private_payload):
    return private_payload


def test_a_well_formed_ranking_is_accepted(payload):
    clean = private_ranking_clean(payload, body_bytes=len(json.dumps(payload)))
    assert clean.top_hero.key == payload["ranking"][0]["hero"]
    assert clean.top_probability == payload["ranking"][0]["probability"]
    assert clean.match_strength == 80.0
    assert clean.model_version == payload["model_version"]
    assert [row["hero"] for row in clean.ranking] == [row["hero"] for row in payload["ranking"]]
    assert clean.face_box == (0.35, 0.12, 0.16, 0.21)
    assert len(json.dumps(payload)) < MAX_BODY_BYTES / 2  # room for a ranking of more heroes


def test_a_similarity_is_neither_required_nor_kept(payload):
    assert all(
        set(row) == {"hero", "probability", "index"}
        for row in private_ranking_clean(payload).ranking
    )
    for row in payload["ranking"]:
        del row["similarity"]
    assert private_ranking_clean(payload).top_hero.key == payload["ranking"][0]["hero"]


def test_the_numbers_are_kept_as_given_rounded_only_where_shown(payload):
    payload["ranking"][0]["index"] = 80.123456789
    clean = private_ranking_clean(payload)
    assert clean.match_strength == clean.ranking[0]["index"] == 80.123456789


def test_indexes_may_all_be_absent(payload):
    for row in payload["ranking"]:
        row["index"] = None
    assert private_ranking_clean(payload).match_strength is None


def _drop_hero(p):
    p["ranking"].pop()


def _duplicate_hero(p):
    p["ranking"][-1]["hero"] = p["ranking"][0]["hero"]


def _unknown_hero(p):
    p["ranking"][-1]["hero"] = "not-a-hero"


def _bad_sum(p):
    p["ranking"][0]["probability"] += 0.01


def _not_best_first(p):
    rows = p["ranking"]
    rows[0], rows[1] = rows[1], rows[0]


def _nan(p):
    p["ranking"][0]["probability"] = float("nan")


def _string(p):
    p["ranking"][0]["probability"] = "0.9"


def _boolean(p):
    p["ranking"][0]["index"] = True


def _some_indexes(p):
    p["ranking"][3]["index"] = None


def _box_outside(p):
    p["face_box"] = [0.9, 0.1, 0.2, 0.2]


def _box_short(p):
    p["face_box"] = [0.1, 0.1, 0.2]


def _old_version(p):
    p["model_version"] = "heroes-20200101-00000000"


def _tied_missing(p):
    del p["nearly_tied"]


@pytest.mark.parametrize(
    "spoil",
    [
        _drop_hero,
        _duplicate_hero,
        _unknown_hero,
        _bad_sum,
        _not_best_first,
        _nan,
        _string,
        _boolean,
        _some_indexes,
        _box_outside,
        _box_short,
        _old_version,
        _tied_missing,
    ],
)
def test_a_ranking_the_site_would_not_make_is_refused(payload, spoil):
    spoil(payload)
    with pytest.raises(RankingRejected):
        private_ranking_clean(payload)


def test_a_large_body_is_refused_before_it_is_read(payload):
    with pytest.raises(RankingRejected, match="larger"):
        private_ranking_clean(payload, body_bytes=MAX_BODY_BYTES + 1)


def test_an_inactive_hero_must_be_left_out(payload):
    last = payload["ranking"][-1]
    Hero.objects.filter(key=last["hero"]).update(is_active=False)
    with pytest.raises(RankingRejected, match="every active hero"):
        private_ranking_clean(payload)
    payload["ranking"].pop()
    first = payload["ranking"][0]
    first["probability"] = round(first["probability"] + last["probability"], 6)
    clean = private_ranking_clean(payload)
    assert last["hero"] not in [row["hero"] for row in clean.ranking]

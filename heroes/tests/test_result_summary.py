"""heroes.selectors.result_summary(ies): the one place a result is read for
display (pages, share card, API), rounded once, the catalog read once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import api_token_create
from heroes.models import Hero
from heroes.selectors import result_summaries, result_summary, result_summary_of

pytestmark = pytest.mark.django_db

KEYS = ["loki", "captain-america", "thor", "hulk", "black-widow"]


def ranking(index=73.256):
    return [
        {
            "hero": key,
            "probability": [0.412345, 0.401, 0.1, 0.05, 0.036655][i],
            "similarity": 0.5 - 0.01 * i,
            "index": None if index is None else index - 10 * i,
        }
        for i, key in enumerate(KEYS)
    ]


@pytest.fixture
def stored(user, make_prediction, default_heroes):
    def make(**fields):
        fields.setdefault("ranking", ranking())
        return make_prediction(
            user,
            top_hero=Hero.objects.get(key=fields["ranking"][0]["hero"]),
            top_probability=fields["ranking"][0]["probability"],
            match_strength=fields.pop("match_strength", 72.6),
            **fields,
        )

    return make


def test_the_summary_holds_what_people_see_rounded_once(stored):
    summary = result_summary(stored())
    assert [row["hero"].key for row in summary.rows] == KEYS
    assert summary.top["rank"] == 1 and summary.top["hero"].key == "loki"
    assert [row["rank"] for row in summary.runners_up] == [2, 3, 4]
    top = summary.top
    assert top["percent"] == 41.2 and top["probability"] == 0.412345  # stored value kept
    assert top["index"] == 73 and top["band"].value == 73 and top["band"].code == "strong"
    assert summary.band.value == 73 and summary.band.code == "strong"
    assert summary.tied_with is None and not summary.nearly_tied
    assert "similarity" not in top  # stored on older rows, shown nowhere


def test_older_results_have_no_index_nor_band(stored):
    summary = result_summary(stored(ranking=ranking(index=None), match_strength=None))
    assert summary.top["index"] is None and summary.top["band"] is None
    assert summary.band is None


def test_nearly_tied_names_the_close_second(stored):
    summary = result_summary(stored(nearly_tied=True))
    assert summary.nearly_tied and summary.tied_with.key == "captain-america"


def test_a_removed_hero_leaves_the_ranking_and_the_tie(stored):
    prediction = stored(nearly_tied=True)
    Hero.objects.filter(key="captain-america").delete()
    prediction.refresh_from_db()
    summary = result_summary(prediction)
    assert "captain-america" not in [row["hero"].key for row in summary.rows]
    assert summary.tied_with is None and not summary.nearly_tied


def test_many_summaries_read_the_catalog_once(stored, django_assert_num_queries):
    predictions = [stored(nearly_tied=True) for _ in range(6)]
    with django_assert_num_queries(1):
        summaries = result_summaries(predictions)
    assert [each.tied_with.key for each in summaries] == ["captain-america"] * 6


def test_the_api_list_takes_the_same_queries_for_one_result_or_many(
    user, stored, django_assert_max_num_queries
):
    _token, secret = api_token_create(user=user, name="test")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    stored(nearly_tied=True)
    with CaptureQueriesContext(connection) as one:
        assert len(api.get(reverse("api:predictions")).json()["results"]) == 1
    for _ in range(9):
        stored(nearly_tied=True)
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = api.get(reverse("api:predictions"), HTTP_ACCEPT_LANGUAGE="en").json()
    assert len(body["results"]) == 10
    assert all(
        row["summary"].startswith("Loki and Captain America, almost equally")
        for row in body["results"]
    )


def test_a_result_not_stored_is_summarised_the_same_way(stored):
    """The home page's sample (static/sample/sample.json) has the stored shape."""
    prediction = stored(nearly_tied=True)
    unstored = result_summary_of(ranking=ranking(), match_strength=72.6, nearly_tied=True)
    assert unstored == result_summary(prediction)

"""Hero pages worth a visit: who the hero is, how the people
who get this hero score (the active model's reference population, through
engine.hero_profiles()), the heroes most often close to it, the way to try;
read well with and without the statistics."""

import re

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("default_heroes")]


def hero_page(client, key="thor", language="ko"):
    response = client.get(reverse("heroes:detail", args=[key]), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_with_the_population_statistics(client, fake_predictor):
    fake_predictor.hero_profiles = {
        "thor": {
            "share": 0.062,
            "median_strength": 57.4,
            "close": ["loki", "nobody", "thor", "hulk"],
        },
    }
    html = hero_page(client)
    assert "토르는 어떤 히어로일까요?" in html
    assert "토르를 닮은 사람들" in html
    assert "보통 사람 100명 중 6명쯤이 토르를 가장 닮았어요." in html
    assert "이 사람들은 보통 ‘꽤 닮았어요’ 결과를 받아요. 닮음 지수는 57 안팎이에요." in html
    close = re.search(r'<ul class="hero-close" id="hero-close">(.*?)</ul>', html, re.S).group(1)
    # unknown keys and the hero itself are left out, the order is kept
    assert re.findall(r'href="/heroes/([^/]+)/"', close) == ["loki", "hulk"]
    assert 'id="hero-no-profile"' not in html
    english = hero_page(client, language="en")
    assert "About 6 in 100 ordinary people look most like Thor." in english
    assert "Typical result for them: A clear likeness (resemblance score 57" in english


def test_a_rare_hero_reads_as_rare_not_as_zero(client, fake_predictor):
    fake_predictor.hero_profiles = {"thor": {"share": 0.003, "median_strength": 8.0, "close": []}}
    html = hero_page(client)
    assert "1명도 안 돼요. 그만큼 드문 닮은꼴이에요." in html
    assert "100명 중 0명" not in html


def test_without_statistics_the_page_still_says_something_true(client, fake_predictor):
    assert fake_predictor.hero_profiles == {}
    html = hero_page(client)
    assert 'id="hero-no-profile"' in html
    assert "내 사진은 토르와 함께 히어로 22명 모두와 비교돼요." in html
    assert 'id="hero-share"' not in html and 'id="hero-close"' not in html
    # who the hero is, and the way to try, in both cases
    assert re.search(r'id="hero-who">[^<]{20,}<', html)
    # anyone can try first, without an account
    assert f'<a class="button button-large" href="{reverse("upload")}">' in html


def test_the_way_to_try_and_the_neighbours(client, fake_predictor, user):
    client.force_login(user)
    html = hero_page(client)
    assert "나도 토르를 닮았을까요?" in html
    assert f'<a class="button button-large" href="{reverse("upload")}">' in html
    assert 'rel="prev"' in html or 'rel="next"' in html

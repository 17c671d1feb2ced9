"""Korean particles follow the hero's name: 로키를, 캡틴 아메리카를, 헐크를."""

import pytest
from django.utils import translation

from heroes.korean import ends_with_consonant, particle, with_particle
from heroes.migrations._default_heroes import DEFAULT_HEROES
from heroes.templatetags.heroes_tags import josa

# What a Korean speaker writes after each default hero's name.
pytestmark = pytest.mark.nodb

EXPECTED = {
    "블랙 위도우": ("를", "는", "가", "와"),
    "캡틴 아메리카": ("를", "는", "가", "와"),
    "닥터 스트레인지": ("를", "는", "가", "와"),
    "헐크": ("를", "는", "가", "와"),
    "아이언맨": ("을", "은", "이", "과"),
    "로키": ("를", "는", "가", "와"),
    "스파이더맨": ("을", "은", "이", "과"),
    "타노스": ("를", "는", "가", "와"),
}
# Names of heroes joining the catalog, and names that end in a Latin letter or digit.
MORE = {
    "토르": "를",
    "마이티 토르": "를",
    "스칼렛 위치": "를",
    "캡틴 마블": "을",
    "가모라": "를",
    "레스큐": "를",
    "진 그레이": "를",
    "미스틱": "을",
    "제시카 존스": "를",
    "스타로드": "를",
    "호크아이": "를",
    "팔콘": "을",
    "울버린": "을",
    "베놈": "을",
    "Iron Man": "을",
    "Hulk": "를",
    "Thor": "을",
    "Spider-Man 2099": "를",
    "Agent 13": "을",
    "X-23": "을",
    "Vision": "을",
    "Nebula": "를",
    "R2": "를",
    "Model 7": "을",
    "Loki (TVA)": "를",
}


def test_every_default_hero_name_gets_the_right_particles():
    names = {hero["name_ko"] for hero in DEFAULT_HEROES}
    assert names <= set(EXPECTED), "a new default hero needs its expected particles here"
    for name in names:
        got = tuple(particle(name, pair) for pair in ("을/를", "은/는", "이/가", "과/와"))
        assert got == EXPECTED[name], name


@pytest.mark.parametrize(("name", "expected"), sorted(MORE.items()))
def test_names_ending_in_hangul_latin_letters_or_digits(name, expected):
    assert particle(name, "을/를") == expected


def test_short_forms_and_companions():
    assert with_particle("로키", "를") == "로키를"
    assert with_particle("아이언맨", "(이)랑") == "아이언맨이랑"
    assert with_particle("헐크", "(이)랑") == "헐크랑"
    assert particle("헐크", "이에요/예요") == "예요"


def test_unknown_ending_writes_both_forms():
    assert ends_with_consonant("!!") is None
    assert particle("", "을/를") == "을(를)"


def test_template_filter_only_adds_particles_in_korean():
    with translation.override("ko"):
        assert josa("캡틴 아메리카", "을/를") == "캡틴 아메리카를"
    with translation.override("en"):
        assert josa("Captain America", "을/를") == "Captain America"

"""The share card leads with the match strength; long names wrap between words."""

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from heroes import cards
from heroes.cards import fonts, rendering

pytestmark = pytest.mark.nodb


@pytest.fixture
def face():
    rng = np.random.default_rng(0)
    return Image.fromarray(rng.integers(0, 255, (200, 200, 3), dtype=np.uint8))


@pytest.fixture
def portrait():
    return Image.new("RGBA", (300, 300), (200, 30, 40, 255))


def band(png, top, bottom):
    image = Image.open(io.BytesIO(png)).convert("L")
    return np.asarray(image)[top:bottom]


def test_strength_line_is_drawn_only_when_known(face, portrait):
    kwargs = {
        "face": face,
        "portrait": portrait,
        "hero_name": "로키",
        "score": 0.4,
        "language": "ko",
    }
    with_strength = cards.render_share_card(strength=73.0, **kwargs)
    without = cards.render_share_card(strength=None, **kwargs)
    other = cards.render_share_card(strength=12.0, **kwargs)
    # the strength line sits under the name, above the bottom bar
    assert (band(with_strength, 555, 600) > 100).sum() > 500
    assert 2 * (band(without, 555, 600) > 100).sum() < (band(with_strength, 555, 600) > 100).sum()
    assert not np.array_equal(band(with_strength, 555, 600), band(other, 555, 600))


def test_strength_text_in_both_languages():
    assert rendering._strength_line(cards.TEXTS["ko"], 73.4) == "많이 닮았어요 · 닮음 지수 73/100"
    assert (
        rendering._strength_line(cards.TEXTS["en"], 95)
        == "A striking likeness · Resemblance score 95/100"
    )
    assert rendering._strength_line(cards.TEXTS["en"], None) is None


def test_wrapping_never_cuts_a_korean_word():
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    font = fonts.font(42, True, True)
    text = "아주 아주 긴 이름의 닥터 스트레인지 슈프림 멀티버스 수호자"
    lines = rendering._wrap_words(draw, text, font, 300)
    assert len(lines) > 1
    assert " ".join(lines).split() == text.split()


def test_a_very_long_name_still_renders(face, portrait):
    png = cards.render_share_card(
        face=face,
        portrait=portrait,
        hero_name="아주 아주 긴 이름의 닥터 스트레인지 슈프림 멀티버스 수호자 " * 2,
        score=0.3,
        strength=50,
        language="ko",
    )
    assert Image.open(io.BytesIO(png)).size == (1200, 630)


@pytest.mark.usefixtures("hangul_font")
def test_nearly_tied_line_under_the_tagline(face, portrait):
    kwargs = {
        "face": face,
        "portrait": portrait,
        "hero_name": "캡틴 아메리카",
        "score": 0.3,
        "strength": 60,
    }
    tied = cards.render_share_card(tied_with="닥터 스트레인지", **kwargs)
    plain = cards.render_share_card(**kwargs)
    assert (band(tied, 90, 118) > 120).sum() > 300
    assert (band(plain, 90, 118) > 120).sum() < (band(tied, 90, 118) > 120).sum() / 3
    texts = rendering.card_texts(
        hero_name="캡틴 아메리카",
        strength=60,
        language="ko",
        site_name="MyLittleHero",
        tagline=None,
        fallback_name="Captain America",
        tied_with="닥터 스트레인지",
        tied_with_fallback="Doctor Strange",
    )
    # a feature, not a hedge: both names, "two heroes, almost equally"
    assert texts.hero_name == "캡틴 아메리카 & 닥터 스트레인지"
    assert texts.tie == "두 히어로를 거의 똑같이 닮았어요"
    assert cards.TEXTS["en"]["tie"] == "Two heroes, almost equally"


@pytest.mark.parametrize("strength", [0.0, 4.0, 14.4, 31.0])
def test_the_weakest_card_has_words_and_no_number(strength):
    for language in ("ko", "en"):
        line = rendering._strength_line(cards.TEXTS[language], strength)
        assert line and not any(ch.isdigit() for ch in line)
    assert rendering._strength_line(cards.TEXTS["ko"], 0.0) == "숨은 닮은꼴이에요"
    assert rendering._strength_line(cards.TEXTS["en"], 31.0) == "A subtle likeness"

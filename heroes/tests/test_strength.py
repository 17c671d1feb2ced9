"""Match strength in words: bands, the sentence, nearly tied, headlines."""

import pytest
from django.utils import translation

from heroes.strength import (
    headline,
    nearly_tied_text,
    percentile_text,
    shared_headline,
    strength_band,
    strength_sentence,
)

pytestmark = pytest.mark.nodb


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (100, "very_strong"),
        (89.6, "very_strong"),
        (89.4, "strong"),
        (70, "strong"),
        (69, "clear"),
        (40, "clear"),
        (39, "mild"),
        (15, "mild"),
        (14, "faint"),
        (0, "faint"),
        (-3, "faint"),
        (140, "very_strong"),
    ],
)
def test_bands(value, code):
    band = strength_band(value)
    assert band.code == code
    assert 0 <= band.value <= 100


def test_none_stays_none():
    assert strength_band(None) is None
    assert strength_sentence("Thor", None) is None


def test_sentence_in_english_and_natural_korean():
    with translation.override("en"):
        assert strength_sentence("Thor", 73.2) == (
            "Your resemblance score with Thor is higher than 73 of 100 people's with their "
            "own closest hero."
        )
        assert strength_band(73).label == "A strong likeness"
    with translation.override("ko"):
        assert strength_sentence("토르", 73.2) == (
            "토르와의 닮음 지수가 보통 사람 100명 중 73명보다 높아요."
        )
        assert strength_sentence("아이언맨", 55).startswith("아이언맨과의 닮음 지수가")
        assert strength_band(95).label == "쏙 빼닮았어요"


@pytest.mark.parametrize("value", [0, 0.4, 3, 9.6, 14, 22, 39.4])
def test_a_low_value_reads_well(value):
    """Below the middle no number and no "higher than 3 of 100 people":
    the words and what is just as true, this hero is the closest."""
    band = strength_band(value)
    assert not band.shows_number
    with translation.override("ko"):
        sentence = strength_sentence("토르", value)
        assert sentence == "모든 히어로 가운데 토르가 내 얼굴과 가장 닮았어요."
        assert strength_band(value).label in {"은근히 닮았어요", "숨은 닮은꼴이에요"}
    with translation.override("en"):
        sentence = strength_sentence("Thor", value)
        assert sentence == "Of all the heroes, Thor is the one closest to your face."
    assert not any(ch.isdigit() for ch in sentence)


@pytest.mark.parametrize(("value", "shown"), [(40, True), (39.6, True), (39.4, False), (100, True)])
def test_the_number_is_shown_from_the_middle_up(value, shown):
    assert strength_band(value).shows_number is shown


@pytest.mark.parametrize(("value", "text"), [(0, "<1"), (0.49, "<1"), (0.6, "1"), (72.6, "73")])
def test_ranking_numbers_are_never_a_bare_zero(value, text):
    assert percentile_text(value) == text
    assert percentile_text(None) == ""


def test_every_band_has_words_in_both_languages_and_they_match_the_card():
    from heroes.cards import TEXTS

    for value in range(0, 101):
        band = strength_band(value)
        for language in ("ko", "en"):
            with translation.override(language):
                label = strength_band(value).label
            assert label == TEXTS[language][band.code]
    with translation.override("ko"):
        labels = {strength_band(v).label for v in range(101)}
    assert not any(label.endswith("음") for label in labels)  # sentences, not bare nouns


def test_nearly_tied_reads_as_a_feature():
    with translation.override("ko"):
        assert (
            nearly_tied_text("캡틴 아메리카", "닥터 스트레인지")
            == "캡틴 아메리카와 닥터 스트레인지, 거의 똑같이 닮았어요"
        )
        assert nearly_tied_text("토르", "로키") == "토르와 로키, 거의 똑같이 닮았어요"
        assert headline("로키") == "로키를 닮았어요"
        assert headline("아이언맨") == "아이언맨을 닮았어요"
        assert shared_headline("캡틴 아메리카") == "캡틴 아메리카를 닮은 사람"
    with translation.override("en"):
        assert (
            nearly_tied_text("Captain America", "Doctor Strange")
            == "Captain America and Doctor Strange, almost equally"
        )
        assert headline("Loki") == "You look like Loki"


def test_the_top_of_the_scale_never_says_higher_than_100_of_100():
    with translation.override("ko"):
        assert "100명 중 99명보다 높아요" in strength_sentence("팔콘", 100)
        assert "100명 중 99명보다 높아요" in strength_sentence("팔콘", 99.2)

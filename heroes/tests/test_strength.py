"""Match strength in words: bands, the sentence, nearly tied, headlines."""

import pytest
from django.utils import translation

from heroes.strength import (
    headline,
    nearly_tied_text,
    shared_headline,
    strength_band,
    strength_sentence,
)


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
            "Your resemblance to Thor is stronger than 73 of 100 people's resemblance "
            "to their own closest hero."
        )
        assert strength_band(73).label == "Strong resemblance"
    with translation.override("ko"):
        sentence = strength_sentence("토르", 73.2)
        assert sentence.startswith("토르와 닮은 정도가 보통 사람 100명 중 73명보다 강해요.")
        assert strength_sentence("아이언맨", 10).startswith("아이언맨과 닮은 정도가")
        assert strength_band(95).label == "아주 많이 닮음"


def test_nearly_tied_and_headlines_use_particles():
    with translation.override("ko"):
        assert (
            nearly_tied_text("캡틴 아메리카", "닥터 스트레인지")
            == "캡틴 아메리카 · 닥터 스트레인지와 거의 동점"
        )
        assert headline("로키") == "로키를 닮았어요"
        assert headline("아이언맨") == "아이언맨을 닮았어요"
        assert shared_headline("캡틴 아메리카") == "캡틴 아메리카를 닮은 사람"
    with translation.override("en"):
        assert (
            nearly_tied_text("Captain America", "Doctor Strange")
            == "Captain America, nearly tied with Doctor Strange"
        )
        assert headline("Loki") == "You look like Loki"

"""Match strength in words: the 0-100 percentile stored on a prediction
(``Prediction.match_strength``) and on each ranking entry (``index``) put
into a few bands a person understands.

The number is a percentile on a reference population of ordinary faces:
73 means "stronger than 73 of 100 people's match with their closest hero".
For ordinary people the median is about 50, the 10th percentile about 5
and the 90th about 97, so the bands below split that range roughly into
the top tenth, the next fifth, the middle, the lower part and the bottom.
"""

from dataclasses import dataclass

from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from heroes.korean import with_particle


@dataclass(frozen=True)
class Band:
    code: str  # stable, for the API and CSS: very_strong, strong, clear, mild, faint
    label: str  # for people, in the current language
    value: int  # 0-100, rounded


# (lowest value in the band, code, label), strongest first.
BANDS = [
    (90, "very_strong", pgettext_lazy("match strength", "Very strong resemblance")),
    (70, "strong", pgettext_lazy("match strength", "Strong resemblance")),
    (40, "clear", pgettext_lazy("match strength", "Clear resemblance")),
    (15, "mild", pgettext_lazy("match strength", "Mild resemblance")),
    (0, "faint", pgettext_lazy("match strength", "Faint resemblance")),
]

PROBABILITY_EXPLAINED = _(
    "Probability: how likely each hero is to be your closest match among all of them "
    "(calibrated on test photos)."
)


def band_code(value: float) -> str:
    """very_strong, strong, clear, mild or faint for a 0-100 value."""
    for lowest, code, _label in BANDS:
        if value >= lowest:
            return code
    return BANDS[-1][1]


def strength_band(value) -> Band | None:
    """The band for a 0-100 match strength; None for None (older results)."""
    if value is None:
        return None
    value = min(max(float(value), 0.0), 100.0)
    rounded = int(round(value))
    code = band_code(rounded)
    label = next(label for _lowest, each, label in BANDS if each == code)
    return Band(code, str(label), rounded)


def _is_korean():
    return (get_language() or "ko").startswith("ko")


def strength_sentence(hero_name: str, value) -> str | None:
    """ "Your match with Thor is stronger than 73 of 100 people's match with
    their closest hero", in the current language; None without a value."""
    band = strength_band(value)
    if band is None:
        return None
    hero = with_particle(hero_name, "과/와") if _is_korean() else hero_name
    return gettext(
        "Your resemblance to %(hero_with)s is stronger than %(value)d of 100 people's "
        "resemblance to their own closest hero."
    ) % {"hero_with": hero, "value": band.value}


def nearly_tied_text(top_name: str, second_name: str) -> str:
    """ "Captain America, nearly tied with Doctor Strange"."""
    second = with_particle(second_name, "과/와") if _is_korean() else second_name
    return gettext("%(top)s, nearly tied with %(second_with)s") % {
        "top": top_name,
        "second_with": second,
    }


def headline(hero_name: str) -> str:
    """ "You look like Loki" with the right particle ("로키를 닮았어요")."""
    hero = with_particle(hero_name, "을/를") if _is_korean() else hero_name
    return gettext("You look like %(hero_obj)s") % {"hero_obj": hero}


def shared_headline(hero_name: str) -> str:
    """ "Someone who looks like Captain America" (share page, og:title)."""
    hero = with_particle(hero_name, "을/를") if _is_korean() else hero_name
    return gettext("Someone who looks like %(hero_obj)s") % {"hero_obj": hero}

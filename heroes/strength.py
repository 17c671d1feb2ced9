"""Match strength in words: the 0-100 percentile stored on a prediction
(``Prediction.match_strength``) and on each ranking entry (stored under the
key ``index``) put
into a few bands a person understands.

The number is a percentile on a reference population of ordinary faces:
73 means "higher than 73 of 100 people's score with their closest hero".
The site calls it one thing everywhere: 닮음 지수 / "resemblance score"
(``TERM``).

Every value has to read well, the lowest too: a result leads with words
(the band), and the number is shown beside them only from ``NUMBER_FROM``
up, where it helps. Below that the words and a sentence about the hero
say what is true without a put-down ("Of all the heroes, Thor is the one
closest to you"); no bare 0 and no empty bar. The ranking's numbers stay
(the table is the detail), with anything under 1 shown as "<1".
"""

from dataclasses import dataclass

from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from heroes.korean import with_particle

# The one name of the 0-100 number, on every page, card and in the API summary.
TERM = pgettext_lazy("match strength", "Resemblance score")

# The number is shown beside the words from this value up (the middle of
# the scale and above); lower results lead with the words alone.
NUMBER_FROM = 40


@dataclass(frozen=True)
class Band:
    code: str  # stable, for the API and CSS: very_strong, strong, clear, mild, faint
    label: str  # for people, in the current language
    value: int  # 0-100, rounded

    @property
    def shows_number(self) -> bool:
        """Whether the number is worth showing beside the words."""
        return self.value >= NUMBER_FROM


# (lowest value in the band, code, label), strongest first.
BANDS = [
    (90, "very_strong", pgettext_lazy("match strength", "A striking likeness")),
    (70, "strong", pgettext_lazy("match strength", "A strong likeness")),
    (40, "clear", pgettext_lazy("match strength", "A clear likeness")),
    (15, "mild", pgettext_lazy("match strength", "A subtle likeness")),
    (0, "faint", pgettext_lazy("match strength", "A hidden likeness")),
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


def percentile_text(value) -> str:
    """A ranking entry's number as shown: "73", or "<1" rather than a bare 0."""
    if value is None:
        return ""
    rounded = int(round(min(max(float(value), 0.0), 100.0)))
    return "<1" if rounded < 1 else str(rounded)


def _is_korean():
    return (get_language() or "ko").startswith("ko")


def strength_sentence(hero_name: str, value) -> str | None:
    """One sentence about the top hero, in the current language; None
    without a value. From the middle of the scale up it says what the number
    means ("higher than 73 of 100 people's"); below, where that would read
    as a put-down, it says what is just as true: this hero is the closest."""
    band = strength_band(value)
    if band is None:
        return None
    if band.shows_number:
        hero = with_particle(hero_name, "과/와") if _is_korean() else hero_name
        # "higher than 100 of 100 people" cannot be: the top says 99
        return gettext(
            "Your resemblance score with %(hero_with)s is higher than %(value)d of 100 "
            "people's with their own closest hero."
        ) % {"hero_with": hero, "value": min(band.value, 99)}
    hero = with_particle(hero_name, "이/가") if _is_korean() else hero_name
    return gettext("Of all the heroes, %(hero_subject)s is the one closest to your face.") % {
        "hero_subject": hero
    }


def nearly_tied_text(top_name: str, second_name: str) -> str:
    """ "Captain America and Doctor Strange, almost equally": two heroes
    the face is as close to, said as the feature it is."""
    top = with_particle(top_name, "과/와") if _is_korean() else top_name
    return gettext("%(top_with)s and %(second)s, almost equally") % {
        "top_with": top,
        "second": second_name,
    }


def headline(hero_name: str) -> str:
    """ "You look like Loki" with the right particle ("로키를 닮았어요")."""
    hero = with_particle(hero_name, "을/를") if _is_korean() else hero_name
    return gettext("You look like %(hero_obj)s") % {"hero_obj": hero}


def shared_headline(hero_name: str) -> str:
    """ "Someone who looks like Captain America" (share page, og:title)."""
    hero = with_particle(hero_name, "을/를") if _is_korean() else hero_name
    return gettext("Someone who looks like %(hero_obj)s") % {"hero_obj": hero}

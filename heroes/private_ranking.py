"""Private mode (docs/private-mode.md): the ranking a browser
computed itself, checked before anything stores it.

The browser sends only the ranking (hero keys, probabilities and
percentiles, the ``index`` key), the model version, whether the top two are nearly tied and the
face's box relative to the photo; never the photo nor the embedding. This
module checks that shape and gives back the fields a result is stored with.
It stores nothing: heroes.services.prediction_create_private does.
"""

import math
from dataclasses import dataclass

from heroes.ml import api as engine_api
from heroes.models import Hero

# A ranking of a few dozen heroes is a few kilobytes; anything much larger
# is not a ranking (and may be a photo).
MAX_BODY_BYTES = 16 * 1024
# The browser rounds probabilities to 6 digits: their sum can miss 1 by
# about heroes x 5e-7.
SUM_TOLERANCE = 1e-4


class RankingRejected(ValueError):
    """The posted ranking is not one this site would have produced."""

    code = "bad_private_ranking"


class ThumbnailRefused(ValueError):
    """A face thumbnail for a private result that is not one to keep."""

    code = "bad_private_thumbnail"


@dataclass(frozen=True)
class PrivateRanking:
    ranking: list  # [{"hero", "probability", "index"}], best first (index: a percentile)
    top_hero: Hero
    top_probability: float
    match_strength: float | None
    nearly_tied: bool
    model_version: str
    face_box: tuple  # x, y, width, height, each a share of the photo's side


def _number(value, low, high, what):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RankingRejected(f"{what} is not a number")
    value = float(value)
    if not math.isfinite(value) or not low <= value <= high:
        raise RankingRejected(f"{what} is outside {low}..{high}")
    return value


def private_ranking_clean(payload, *, body_bytes=0):
    """Check a posted ranking (the decoded JSON object) and return a
    ``PrivateRanking``; raises ``RankingRejected`` with the reason.

    Checked: the body is small; the model version is the active model's;
    every active hero of the catalog appears exactly once and nothing else;
    probabilities are in 0..1, sum to 1 and come best first; similarities in
    -1..1; indexes in 0..100 or all absent; the face box lies in the photo."""
    if body_bytes > MAX_BODY_BYTES:
        raise RankingRejected(f"larger than {MAX_BODY_BYTES} bytes")
    if not isinstance(payload, dict):
        raise RankingRejected("not a JSON object")
    version = payload.get("model_version")
    if not isinstance(version, str) or version != engine_api.model_version():
        raise RankingRejected("not the active model's version")

    heroes = {hero.key: hero for hero in Hero.objects.active()}
    ranking = _clean_ranking(payload.get("ranking"), heroes)
    face_box = _clean_face_box(payload.get("face_box"))
    tied = payload.get("nearly_tied")
    if not isinstance(tied, bool):
        raise RankingRejected("nearly_tied must be true or false")

    top = ranking[0]
    return PrivateRanking(
        ranking=ranking,
        top_hero=heroes[top["hero"]],
        top_probability=top["probability"],
        match_strength=top["index"],
        nearly_tied=tied and len(ranking) > 1,
        model_version=version,
        face_box=face_box,
    )


def _clean_ranking(rows, heroes):
    """Every active hero once, numbers in range, probabilities summing to 1,
    best first; the rows as they are stored (``hero``, ``probability``,
    ``index``), numbers as given: they are rounded where they are shown. A
    ``similarity`` the browser sends is neither required nor kept."""
    if not isinstance(rows, list) or not rows:
        raise RankingRejected("no ranking")
    keys = [row.get("hero") if isinstance(row, dict) else None for row in rows]
    if len(keys) != len(set(keys)) or set(keys) != set(heroes):
        raise RankingRejected("the ranking must hold every active hero exactly once")
    ranking = []
    for row in rows:
        percentile = row.get("index")
        ranking.append(
            {
                "hero": row["hero"],
                "probability": _number(row.get("probability"), 0.0, 1.0, "a probability"),
                "index": None
                if percentile is None
                else _number(percentile, 0.0, 100.0, "an index"),
            }
        )
    if len({row["index"] is None for row in ranking}) > 1:
        raise RankingRejected("indexes must be given for every hero or for none")
    probabilities = [row["probability"] for row in ranking]
    if abs(sum(probabilities) - 1.0) > SUM_TOLERANCE:
        raise RankingRejected("the probabilities do not sum to 1")
    if any(a < b for a, b in zip(probabilities, probabilities[1:])):
        raise RankingRejected("the ranking is not best first")
    return ranking


def _clean_face_box(box):
    """(x, y, width, height) as fractions of the photo, inside it."""
    if not isinstance(box, list) or len(box) != 4:
        raise RankingRejected("the face box needs x, y, width and height")
    x, y, width, height = (_number(v, 0.0, 1.0, "the face box") for v in box)
    if width <= 0 or height <= 0 or x + width > 1.0001 or y + height > 1.0001:
        raise RankingRejected("the face box is not inside the photo")
    return (x, y, width, height)

"""Reads for predictions. Every read of a person's data is scoped to its owner."""

import random
from dataclasses import dataclass
from pathlib import Path

from heroes.models import Hero, HeroImage, Prediction
from heroes.strength import Band, strength_band


def prediction_list_for_user(*, user):
    return Prediction.objects.filter(owner=user).select_related("top_hero").order_by("-created_at")


def prediction_queryset_for_user(*, user, allow_staff=False, anonymous_owner=""):
    """The predictions ``user`` may see (every one for staff when allowed).

    A visitor without an account sees only the unclaimed results made in
    their browser session (``anonymous_owner``, the secret kept there);
    without one, none."""
    queryset = Prediction.objects.select_related("top_hero")
    if not user.is_authenticated:
        if not anonymous_owner:
            return queryset.none()
        return queryset.filter(owner__isnull=True, anonymous_owner=anonymous_owner)
    # Staff see other people's results only with the permission to view them
    # (moderators have it; a bare is_staff account does not).
    if not (allow_staff and user.is_staff and user.has_perm("heroes.view_prediction")):
        queryset = queryset.filter(owner=user)
    return queryset


def prediction_get_shared(*, token):
    """A publicly shared prediction by its share token, else None."""
    if not token:
        return None
    return (
        Prediction.objects.select_related("top_hero")
        .filter(share_token=token, is_shared=True)
        .first()
    )


def hero_list_active():
    return Hero.objects.active().order_by("order", "key")


def heroes_by_key(keys):
    return {hero.key: hero for hero in Hero.objects.filter(key__in=list(keys))}


@dataclass(frozen=True)
class ResultSummary:
    """A result as pages, share cards and the API show it, built in one place
    (``result_summaries``). Numbers are rounded here, once, for display; the
    stored values stay as the engine gave them.

    ``rows``: the ranking joined with the catalog (heroes removed since are
    left out), each ``rank``, ``hero``, ``probability``, ``percent`` (0-100,
    one decimal), ``index`` (the stored key's name: this person's
    resemblance to the hero as a percentile, 0-100, a whole number; None
    before it existed) and ``band`` (that percentile in words, a Band or
    None). ``band``: the match strength in
    words. ``tied_with``: the close second (ranking[1]'s hero) when the top
    two are nearly tied, else None."""

    rows: list
    band: Band | None
    tied_with: Hero | None

    @property
    def top(self):
        return self.rows[0] if self.rows else None

    @property
    def runners_up(self):
        return self.rows[1:4]

    @property
    def nearly_tied(self) -> bool:
        return self.tied_with is not None


def result_summaries(predictions):
    """The ResultSummary of each prediction, in order, with one query for the
    catalog whatever their number."""
    predictions = list(predictions)
    heroes = heroes_by_key({row["hero"] for each in predictions for row in each.ranking})
    return [
        _summary(each.ranking or [], each.match_strength, each.nearly_tied, heroes)
        for each in predictions
    ]


def result_summary(prediction):
    return result_summaries([prediction])[0]


def result_summary_of(*, ranking, match_strength, nearly_tied=False):
    """The ResultSummary of a result that is not stored, in the stored shape
    (the home page's sample, static/sample/sample.json)."""
    heroes = heroes_by_key(row["hero"] for row in ranking)
    return _summary(ranking, match_strength, nearly_tied, heroes)


def _summary(ranking, match_strength, nearly_tied, heroes):
    tied_with = None
    if nearly_tied and len(ranking) > 1:
        tied_with = heroes.get(ranking[1]["hero"])
    return ResultSummary(
        rows=_ranking_rows(ranking, heroes),
        band=strength_band(match_strength),
        tied_with=tied_with,
    )


def _ranking_rows(ranking, heroes):
    rows = []
    for rank, row in enumerate(ranking, start=1):
        hero = heroes.get(row["hero"])
        if hero is None:  # removed from the catalog since
            continue
        band = strength_band(row.get("index"))
        rows.append(
            {
                "rank": rank,
                "hero": hero,
                "probability": row["probability"],
                "percent": round(100 * row["probability"], 1),
                "index": None if band is None else band.value,
                "band": band,
            }
        )
    return rows


def hero_images_for_training(*, heroes, seed=0):
    """(train items, valid items) of the heroes' reference images, each item
    (path, or the bytes on remote storage; hero key). Heroes without a valid
    split lend 20% of their training images (chosen with ``seed``)."""
    train, valid = [], []
    rng = random.Random(seed)
    for hero in heroes:
        images = list(HeroImage.objects.filter(hero=hero).order_by("pk"))
        own_valid = [img for img in images if img.split == HeroImage.VALID]
        own_train = [img for img in images if img.split == HeroImage.TRAIN]
        if not own_valid and len(own_train) >= 5:
            rng.shuffle(own_train)
            cut = max(1, len(own_train) // 5)
            own_valid, own_train = own_train[:cut], own_train[cut:]
        train += [(_image_source(img), hero.key) for img in own_train]
        valid += [(_image_source(img), hero.key) for img in own_valid]
    return train, valid


def _image_source(image):
    try:
        return Path(image.image.path)
    except NotImplementedError:  # remote storage: read the bytes
        with image.image.open("rb") as handle:
            return handle.read()

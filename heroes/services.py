"""Writes for the hero catalog and predictions."""

import io
import logging
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.module_loading import import_string

from heroes.ml.classifier import ModelUnavailable
from heroes.models import Hero, Prediction, new_share_token
from heroes.storage import rows_delete_with_files

logger = logging.getLogger("heroes.predictions")

JPEG_QUALITY = 90


def get_predictor():
    """The engine entry point named by settings.MLH_PREDICTOR (a fake in tests)."""
    return import_string(settings.MLH_PREDICTOR)


def _catalog_ranking(result):
    """The engine's ranking restricted to active heroes of the catalog,
    probabilities renormalised over them. Returns (rows, heroes by key)."""
    heroes = {hero.key: hero for hero in Hero.objects.filter(is_active=True)}
    rows = [score for score in result.ranking if score.hero in heroes]
    if not rows:
        raise ModelUnavailable("none of the model's heroes is an active hero of the catalog")
    total = sum(score.probability for score in rows) or 1.0
    ranking = [
        {
            "hero": score.hero,
            "probability": round(score.probability / total, 6),
            "similarity": round(score.similarity, 6),
        }
        for score in rows
    ]
    return ranking, heroes


def _jpeg_bytes(image):
    """Re-encode: orientation already applied by intake, no EXIF (no GPS) kept."""
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def _apply_result(prediction, result):
    ranking, heroes = _catalog_ranking(result)
    prediction.faces = [face.as_dict() for face in result.faces]
    prediction.face_index = result.face_index
    prediction.ranking = ranking
    prediction.top_hero = heroes[ranking[0]["hero"]]
    prediction.top_probability = ranking[0]["probability"]
    prediction.model_version = result.model_version


def _log(outcome, *, user, started, result=None, error=None):
    extra = {
        "outcome": outcome,
        "user_id": str(user.pk),
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }
    if result is not None:
        extra["model_version"] = result.model_version
        extra["stages_ms"] = {k: round(v, 1) for k, v in result.timings.items()}
    if error is not None:
        extra["error"] = getattr(error, "code", type(error).__name__)
    logger.info("prediction %s", outcome, extra={"prediction": extra})


def prediction_create(*, user, upload, face_index=None):
    """Analyse an uploaded photo and store it with its result.

    Raises heroes.ml.intake.ImageRejected (bad file, no face...) or
    heroes.ml.classifier.ModelUnavailable; nothing is stored then.
    """
    started = time.perf_counter()
    try:
        result = get_predictor()(upload, face_index=face_index)
    except Exception as exc:
        _log("refused", user=user, started=started, error=exc)
        raise
    prediction = Prediction(owner=user)
    _apply_result(prediction, result)
    prediction.image.save("photo.jpg", ContentFile(_jpeg_bytes(result.image.image)), save=False)
    try:
        prediction.save()
    except Exception:
        prediction.image.storage.delete(prediction.image.name)
        raise
    _log("stored", user=user, started=started, result=result)
    return prediction


def prediction_choose_face(*, prediction, face_index):
    """Rank the heroes again for another face of the same stored photo."""
    with prediction.image.open("rb") as handle:
        data = handle.read()
    result = get_predictor()(data, face_index=face_index)
    _apply_result(prediction, result)
    prediction.save(
        update_fields=["faces", "face_index", "ranking", "top_hero", "top_probability", "model_version"]
    )
    return prediction


def prediction_share(*, prediction):
    """Make the result public at its share link."""
    if not prediction.is_shared:
        prediction.is_shared = True
        prediction.save(update_fields=["is_shared"])
    return prediction


def prediction_unshare(*, prediction):
    """Revoke the share link: the old link stops working for good."""
    prediction.is_shared = False
    prediction.share_token = new_share_token()
    prediction.save(update_fields=["is_shared", "share_token"])
    return prediction


def prediction_delete(*, prediction):
    """Delete one prediction and its stored photo."""
    rows_delete_with_files([prediction])


def prediction_delete_all_for_user(*, user):
    """Delete all of a person's predictions and their photos; returns the count."""
    predictions = list(user.predictions.all())
    rows_delete_with_files(predictions)
    return len(predictions)


@transaction.atomic
def predictions_purge(*, older_than, dry_run=False):
    """Delete predictions (and photos) created before ``older_than``."""
    predictions = list(Prediction.objects.filter(created_at__lt=older_than))
    if not dry_run:
        rows_delete_with_files(predictions)
    return predictions

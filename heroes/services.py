"""Writes for the hero catalog and predictions."""

import io
import logging
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils import timezone

from core.storage import rows_delete_with_files, stored_files_delete
from core.transactions import atomic
from heroes.ml import api as engine_api
from heroes.ml.api import ModelUnavailable
from heroes.models import Hero, Prediction, new_share_token, share_card_files, share_card_name
from heroes.private_ranking import ThumbnailRefused

logger = logging.getLogger("heroes.predictions")

JPEG_QUALITY = 90


def _catalog_ranking(result):
    """The engine's ranking restricted to active heroes of the catalog,
    probabilities renormalised over them. Returns (rows, heroes by key).

    Each row is stored as ``{"hero", "probability", "index"}`` with the
    engine's numbers unrounded: pages, cards and the API round them once,
    where they show them. The engine's cosine ``similarity`` ranks nothing
    and is not kept."""
    heroes = {hero.key: hero for hero in Hero.objects.active()}
    rows = [score for score in result.ranking if score.hero in heroes]
    if not rows:
        raise ModelUnavailable("none of the model's heroes is an active hero of the catalog")
    total = sum(score.probability for score in rows) or 1.0
    ranking = [
        {
            "hero": score.hero,
            "probability": score.probability / total,
            "index": score.percentile,
        }
        for score in rows
    ]
    return ranking, heroes


def stored_photo_bytes(upload):
    """The photo as it is kept: upright, at most 1024 px, re-encoded as JPEG
    without EXIF. Raises ImageRejected for a file that is not a usable photo."""
    loaded = engine_api.load_image(upload, max_bytes=settings.MLH_MAX_UPLOAD_BYTES)
    return _jpeg_bytes(loaded.image)


def _jpeg_bytes(image):
    """Re-encode: orientation already applied by intake; no metadata kept (no
    EXIF or GPS, no comment, XMP, IPTC or ICC profile)."""
    buffer = io.BytesIO()
    clean = image.convert("RGB")
    clean.info = {}  # Pillow writes a comment or profile found here
    clean.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


class ServiceUnavailable(RuntimeError):
    """The database or the photo storage failed; nothing was kept."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


PREVIOUS_RESULTS_KEPT = 5
RESULT_FIELDS = [
    "faces",
    "face_index",
    "ranking",
    "top_hero",
    "top_probability",
    "match_strength",
    "nearly_tied",
    "model_version",
    "predicted_at",
    "previous_results",
]


def result_apply(prediction, result):
    """Put an engine result on a prediction, keeping the replaced one."""
    ranking, heroes = _catalog_ranking(result)
    if prediction.ranking:
        previous = {
            "model_version": prediction.model_version,
            "predicted_at": prediction.predicted_at.isoformat()
            if prediction.predicted_at
            else None,
            "face_index": prediction.face_index,
            "faces": prediction.faces,
            "ranking": prediction.ranking,
            "match_strength": prediction.match_strength,
        }
        prediction.previous_results = [previous, *(prediction.previous_results or [])][
            :PREVIOUS_RESULTS_KEPT
        ]
    prediction.predicted_at = timezone.now()
    prediction.faces = [face.as_dict() for face in result.faces]
    prediction.face_index = result.face_index
    prediction.ranking = ranking
    prediction.top_hero = heroes[ranking[0]["hero"]]
    prediction.top_probability = ranking[0]["probability"]
    prediction.match_strength = ranking[0]["index"]
    prediction.nearly_tied = bool(result.nearly_tied) and len(ranking) > 1
    prediction.model_version = result.model_version


def _log(outcome, *, user, started, result=None, error=None):
    extra = {
        "outcome": outcome,
        "user_id": str(user.pk) if user is not None else "anonymous",
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }
    if result is not None:
        extra["model_version"] = result.model_version
        extra["stages_ms"] = {k: round(v, 1) for k, v in result.timings.items()}
    if error is not None:
        extra["error"] = getattr(error, "code", type(error).__name__)
    logger.info("prediction %s", outcome, extra={"prediction": extra})


def _anonymous_room_check(anonymous_owner, started):
    """A result without an account needs its owner's secret, and room under
    ``MLH_ANONYMOUS_MAX`` unclaimed results (ServiceUnavailable("anonymous_busy"))."""
    if not anonymous_owner:
        raise ValueError("a result without an account needs an anonymous owner")
    cap = settings.MLH_ANONYMOUS_MAX
    if cap and Prediction.objects.filter(owner__isnull=True).count() >= cap:
        _log("refused", user=None, started=started, error=ServiceUnavailable("anonymous_busy"))
        raise ServiceUnavailable("anonymous_busy")


def prediction_create(*, user, upload, face_index=None, anonymous_owner=""):
    """Analyse an uploaded photo and store it with its result.

    ``user`` None: a visitor without an account; the result belongs to
    ``anonymous_owner`` (a secret kept in their browser session) until it is
    claimed (predictions_claim) or swept (heroes/sweeping.py). Refused with
    ServiceUnavailable("anonymous_busy") before any work while
    ``MLH_ANONYMOUS_MAX`` unclaimed results exist.

    Raises heroes.ml.api.ImageRejected (bad file, no face...) or
    heroes.ml.api.ModelUnavailable; nothing is stored then.
    """
    started = time.perf_counter()
    if user is None:
        _anonymous_room_check(anonymous_owner, started)
    try:
        photo = stored_photo_bytes(upload)
        # Ranked from exactly the bytes that are stored: re-predicting the
        # stored photo with the same model gives the same answer.
        result = engine_api.predict(
            photo, face_index=face_index, max_bytes=settings.MLH_MAX_UPLOAD_BYTES
        )
    except Exception as exc:
        _log("refused", user=user, started=started, error=exc)
        raise
    prediction = Prediction(owner=user, anonymous_owner="" if user else anonymous_owner)
    try:
        result_apply(prediction, result)
    except DatabaseError as exc:
        _log("failed", user=user, started=started, error=exc)
        raise ServiceUnavailable("database_unavailable") from exc
    try:
        prediction.image.save("photo.jpg", ContentFile(photo), save=False)
    except Exception as exc:  # noqa: BLE001 - disk full, read-only, S3 errors...
        _log("failed", user=user, started=started, error=exc)
        raise ServiceUnavailable("storage_unavailable") from exc
    # Known here; saves reading the file back to measure it.
    prediction.image_width, prediction.image_height = result.image.image.size
    try:
        prediction.save()
    except Exception as exc:
        # No row, no file: remove what was just written (a crash right here
        # leaves an orphan that `purge_uploads --orphans` sweeps).
        try:
            prediction.image.storage.delete(prediction.image.name)
        except Exception:  # noqa: BLE001
            logger.exception("could not remove %s after a failed save", prediction.image.name)
        _log("failed", user=user, started=started, error=exc)
        if isinstance(exc, DatabaseError):
            raise ServiceUnavailable("database_unavailable") from exc
        raise
    _log("stored", user=user, started=started, result=result)
    return prediction


# A private result's face thumbnail, made by the browser from the face it
# found: a small square JPEG (the page draws it at most 160 px wide).
PRIVATE_THUMBNAIL_MAX_BYTES = 64 * 1024
PRIVATE_THUMBNAIL_MAX_SIDE = 256


def prediction_create_private(*, user, ranking, anonymous_owner=""):
    """Store a result the person's browser computed (private mode): the
    checked ranking (a heroes.private_ranking.PrivateRanking), no photo.

    Owned like an upload's result: by ``user``, or without an account by the
    browser session's ``anonymous_owner`` (the same ``MLH_ANONYMOUS_MAX``
    cap applies). Raises ServiceUnavailable when it cannot be saved."""
    started = time.perf_counter()
    if user is None:
        _anonymous_room_check(anonymous_owner, started)
    prediction = Prediction(
        owner=user,
        anonymous_owner="" if user else anonymous_owner,
        is_private=True,
        faces=[],
        face_index=0,
        ranking=ranking.ranking,
        top_hero=ranking.top_hero,
        top_probability=ranking.top_probability,
        match_strength=ranking.match_strength,
        nearly_tied=ranking.nearly_tied,
        model_version=ranking.model_version,
        predicted_at=timezone.now(),
    )
    try:
        prediction.save()
    except DatabaseError as exc:
        _log("failed", user=user, started=started, error=exc)
        raise ServiceUnavailable("database_unavailable") from exc
    _log("stored_private", user=user, started=started)
    return prediction


def prediction_thumbnail_keep(*, prediction, upload):
    """Keep the small face picture the owner of a private result chose to
    keep (their browser made it; nothing else of the photo reaches us).

    Only for a private result without one. Raises ThumbnailRefused for a
    second one or one that is not a small image (ImageRejected for a file
    that is no image), ServiceUnavailable when it cannot be stored."""
    if not prediction.is_private or prediction.image:
        raise ThumbnailRefused("this result takes no thumbnail")
    if upload.size > PRIVATE_THUMBNAIL_MAX_BYTES:
        raise ThumbnailRefused("larger than a thumbnail")
    loaded = engine_api.load_image(upload, max_bytes=PRIVATE_THUMBNAIL_MAX_BYTES)
    if max(loaded.image.size) > PRIVATE_THUMBNAIL_MAX_SIDE:
        raise ThumbnailRefused("larger than a thumbnail")
    data = _jpeg_bytes(loaded.image)
    try:
        prediction.image.save("face.jpg", ContentFile(data), save=False)
    except Exception as exc:  # noqa: BLE001 - disk full, read-only, S3 errors...
        raise ServiceUnavailable("storage_unavailable") from exc
    prediction.image_width, prediction.image_height = loaded.image.size
    try:
        prediction.save(update_fields=["image", "image_width", "image_height"])
    except DatabaseError as exc:
        prediction.image.storage.delete(prediction.image.name)
        raise ServiceUnavailable("database_unavailable") from exc
    return prediction


def prediction_choose_face(*, prediction, face_index):
    """Rank the heroes again for another face of the same stored photo.

    Fails like an upload: ImageRejected (e.g. no_such_face) or
    ModelUnavailable from the engine, ServiceUnavailable when the stored
    photo cannot be read or the result cannot be saved. Logged like an upload
    (outcome ``rechosen``)."""
    started = time.perf_counter()
    user = prediction.owner
    try:
        with prediction.image.open("rb") as handle:
            data = handle.read()
    except Exception as exc:  # noqa: BLE001 - missing file, S3 errors...
        _log("failed", user=user, started=started, error=exc)
        raise ServiceUnavailable("storage_unavailable") from exc
    try:
        result = engine_api.predict(
            data, face_index=face_index, max_bytes=settings.MLH_MAX_UPLOAD_BYTES
        )
    except Exception as exc:
        _log("refused", user=user, started=started, error=exc)
        raise
    try:
        result_apply(prediction, result)
        prediction.save(update_fields=RESULT_FIELDS)
    except DatabaseError as exc:
        _log("failed", user=user, started=started, error=exc)
        raise ServiceUnavailable("database_unavailable") from exc
    _log("rechosen", user=user, started=started, result=result)
    return prediction


def prediction_share(*, prediction):
    """Make the result public at its share link."""
    if not prediction.is_shared:
        prediction.is_shared = True
        prediction.save(update_fields=["is_shared"])
    return prediction


def prediction_unshare(*, prediction):
    """Revoke the share link: the old link stops working for good, and its
    stored card images are deleted (once the change has committed)."""
    old_token = prediction.share_token
    with atomic():
        prediction.is_shared = False
        prediction.share_token = new_share_token()
        prediction.save(update_fields=["is_shared", "share_token"])
        files = share_card_files([old_token])
        transaction.on_commit(lambda: stored_files_delete(files))
    return prediction


def share_card_png(*, prediction, language, render):
    """The share card of a shared prediction, rendered once per share link
    and language and kept in storage (rendering costs about 200 ms of CPU).
    ``render()`` makes the PNG bytes when none is kept yet."""
    return _kept_card(share_card_name(prediction.share_token, language), render)


def share_card_webp(*, prediction, language, width, render):
    """The share page's WebP of the card, ``width`` px wide: encoded once per
    share link, language and width and kept beside the PNG (encoding costs
    about 100 ms of CPU), deleted with it. ``render()`` makes the WebP bytes
    when none is kept yet."""
    return _kept_card(share_card_name(prediction.share_token, language, width), render)


def _kept_card(name, render):
    """The bytes kept in storage under ``name``, else ``render()``'s, kept there."""
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    except (OSError, ValueError):  # not rendered yet (S3 raises its own errors too)
        pass
    except Exception:  # noqa: BLE001 - storage backends raise anything; render instead
        logger.warning("could not read the kept share card %s", name, exc_info=True)
    content = render()
    try:
        saved = default_storage.save(name, ContentFile(content))
        if saved != name:  # another request kept it first
            default_storage.delete(saved)
    except Exception:  # noqa: BLE001 - serving the card matters more than keeping it
        logger.warning("could not keep the share card %s", name, exc_info=True)
    return content


def predictions_claim(*, anonymous_owner, user):
    """Move the results a browser made without an account into ``user``'s
    history (at sign-up or login); the number moved.

    One transaction, one conditional update: only rows still without an
    owner move, so a result is claimed exactly once, by one account, even
    when two logins race with the same session's key."""
    if not anonymous_owner or user is None:
        return 0
    with atomic():
        return Prediction.objects.filter(
            owner__isnull=True, anonymous_owner=anonymous_owner
        ).update(owner=user, anonymous_owner="")


def prediction_delete(*, prediction):
    """Delete one prediction and its stored photo."""
    rows_delete_with_files([prediction])


def prediction_delete_all_for_user(*, user):
    """Delete all of a person's predictions and their photos; returns the count."""
    predictions = list(user.predictions.all())
    rows_delete_with_files(predictions)
    return len(predictions)

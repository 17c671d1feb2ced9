"""The one public entry point of the hero engine for the site.

Everything outside ``heroes/ml`` (views, the admin, the HTTP API, services,
management commands, health checks, gunicorn.conf.py, bench/) imports the
engine from here only::

    from heroes.ml import api as engine_api

    result = engine_api.predict(photo_bytes, max_bytes=settings.MLH_MAX_UPLOAD_BYTES)

and gets typed results back (``EngineResult``, ``HeroScore``,
``DetectedFace``) or one of the exceptions of ``heroes.ml.errors``
(re-exported here); callers never touch TensorFlow, the detector or the
classifier. Importing this module is cheap: the engine and TensorFlow load
on the first call (or ``load()``).

Names, the same everywhere: this door is imported as ``api`` or
``engine_api``; the module ``heroes.ml.engine`` (inside ``heroes/ml`` only)
as ``engine_module``; a ``HeroEngine`` object is a ``hero_engine``. None of
them is called ``engine``.

- ``predict``, ``predict_many``: rank every hero for photos;
- ``load``: load and warm up now;
- ``status()``: the one health value (version, files, loaded, error);
- ``model_version()``: the active model's version, or None;
- ``hero_profiles()``: what the reference population says of each hero;
- ``load_image``, ``IMAGE_SUFFIXES``: the intake the site stores photos with;
- ``use_engine``: the one seam for tests (a stand-in engine).

The model version has one meaning: the model on disk (models/CURRENT, or
MLH_MODEL_DIR) that ranks every photo from now on. A process that loaded an
older model loads the active one again on its next call, so after
``train_heroes --activate`` nothing needs a restart; each
``EngineResult.model_version`` is the version that actually ranked it.

The engine's configuration (model folder, pixel limit, TensorFlow threads)
is handed to it: ``configure`` (the site calls it from heroes/apps.py with
its settings; without a call, the engine's own defaults).

Training and evaluation have their own door, heroes/ml/training_api.py,
for the train_heroes and evaluate_heroes commands only.
"""

import copy

from heroes.ml import engine as _engine_module
from heroes.ml.config import EngineConfig, configure
from heroes.ml.engine import DetectedFace, EngineResult, HeroScore, get_engine
from heroes.ml.errors import (
    CorruptImage,
    FaceTooSmall,
    FileMissing,
    ImageRejected,
    ImageTooLarge,
    ModelUnavailable,
    NoFaceFound,
    NoSuchFace,
    NotAnImage,
    TooManyPixels,
)
from heroes.ml.intake import IMAGE_SUFFIXES, load_image

__all__ = [
    "IMAGE_SUFFIXES",
    "CorruptImage",
    "DetectedFace",
    "EngineConfig",
    "EngineResult",
    "FaceTooSmall",
    "FileMissing",
    "HeroScore",
    "ImageRejected",
    "ImageTooLarge",
    "ModelUnavailable",
    "NoFaceFound",
    "NoSuchFace",
    "NotAnImage",
    "TooManyPixels",
    "configure",
    "hero_profiles",
    "load",
    "load_image",
    "model_version",
    "predict",
    "predict_many",
    "status",
    "use_engine",
]

# An engine object used instead of the model on disk (tests); see use_engine.
_stand_in = None


def use_engine(stand_in):
    """Send every call of this module to ``stand_in`` instead of the model on
    disk; None goes back to the model on disk. Returns the previous stand-in.

    ``stand_in`` offers what ``HeroEngine`` offers to this module:
    ``analyse``, ``analyse_many``, ``warm_up`` and ``version`` (which raises
    ModelUnavailable when it cannot rank). For tests and the test servers
    (heroes/tests/fakes.py)."""
    global _stand_in
    previous, _stand_in = _stand_in, stand_in
    return previous


def _active_engine():
    return _stand_in if _stand_in is not None else get_engine()


def predict(source, *, face_index=None, max_bytes=None):
    """Rank every hero for the face in a photo.

    ``source``: a path, bytes, a file object (an uploaded file) or an image
    already loaded with ``load_image``. ``face_index``: which face, largest
    first (default 0). ``max_bytes``: the largest file accepted (the site
    passes settings.MLH_MAX_UPLOAD_BYTES; default 10 MB). Raises
    ``ImageRejected`` (its subclasses, with a stable ``code``: not_an_image,
    corrupt_image, too_large, too_many_pixels, no_face, face_too_small,
    no_such_face) or ``ModelUnavailable``.
    """
    return _active_engine().analyse(source, face_index=face_index, max_bytes=max_bytes)


def predict_many(sources, *, batch_size=32, face_indices=None, max_bytes=None):
    """Yield (source, EngineResult or ImageRejected) for many photos, batched.

    ``face_indices``: optional, one per source (None: the largest face).
    Raises ``ModelUnavailable``.
    """
    yield from _active_engine().analyse_many(
        sources, batch_size=batch_size, face_indices=face_indices, max_bytes=max_bytes
    )


def load():
    """Load and warm up the engine now (otherwise the first photo does it).
    Raises ``ModelUnavailable``."""
    hero_engine = _active_engine()
    if hero_engine is _stand_in:
        hero_engine.warm_up()
    return hero_engine


def status():
    """The engine's state, without loading anything: ``{"ok", "version",
    "files_present", "loaded" (in this process), "error" (only when there
    is one: why the last load in this process failed)}``. ``ok``: the model
    files are present, the card readable and no load failed. ``version`` is
    ``model_version()``: None when the card or the weights are missing."""
    if _stand_in is not None:
        try:
            version, error = _stand_in.version, None
        except ModelUnavailable as exc:
            version, error = None, str(exc)
        present, loaded = error is None, True
    else:
        present = _engine_module.model_files_present()
        version = _engine_module.active_model_version() if present else None
        error = _engine_module.engine_error()
        loaded = _engine_module.engine_loaded()
    report = {
        "ok": present and version is not None and error is None,
        "version": version,
        "files_present": present,
        "loaded": loaded,
    }
    if error:
        report["error"] = error[:300]
    return report


def model_version():
    """The version of the model that ranks photos from now on: the active
    model on disk (models/CURRENT or MLH_MODEL_DIR), read from its card
    without loading TensorFlow; None when its card or weights are missing.
    (With a stand-in engine: the stand-in's, None when it has no model.)"""
    return status()["version"]


def hero_profiles():
    """What the reference population says about each hero, from the active
    model's card, without TensorFlow: ``{hero_key: {"share": fraction of
    reference people whose top hero it is, "median_strength": the median
    match strength (0-100) of those people, "close": [hero keys most often
    ranked right after it, most frequent first]}}``; {} when the card has no
    such statistics. (With a stand-in engine: its ``hero_profiles``
    attribute, or {}.)"""
    if _stand_in is not None:
        return dict(getattr(_stand_in, "hero_profiles", None) or {})
    # A copy: the parsed card is kept for the next call (engine.active_card).
    return copy.deepcopy(_engine_module.active_card().get("hero_profiles") or {})

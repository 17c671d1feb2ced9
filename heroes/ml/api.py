"""The one public entry point of the hero engine.

Web views, the admin, management commands and the API call ``predict`` (or
``predict_many``) and get typed results back; they never touch TensorFlow,
the detector or the classifier directly. Importing this module is cheap:
the engine and TensorFlow load on the first call.
"""

from heroes.ml.classifier import ModelUnavailable
from heroes.ml.engine import (
    EngineResult,
    HeroScore,
    NoFaceFound,
    NoSuchFace,
    engine_loaded,
    get_engine,
    reset_engine,
)
from heroes.ml.intake import (
    CorruptImage,
    ImageRejected,
    ImageTooLarge,
    NotAnImage,
    TooManyPixels,
    load_image,
)

__all__ = [
    "CorruptImage",
    "EngineResult",
    "HeroScore",
    "ImageRejected",
    "ImageTooLarge",
    "ModelUnavailable",
    "NoFaceFound",
    "NoSuchFace",
    "NotAnImage",
    "TooManyPixels",
    "engine_loaded",
    "load_image",
    "model_version",
    "predict",
    "predict_many",
    "reset_engine",
]


def predict(source, *, face_index=None):
    """Rank every hero for the face in a photo.

    ``source``: a path, bytes, a file object (an uploaded file) or an image
    already loaded with ``load_image``. ``face_index``: which face, largest
    first (default 0). Raises ``ImageRejected`` (its subclasses, with a
    stable ``code``: not_an_image, corrupt_image, too_large,
    too_many_pixels, no_face, face_too_small, no_such_face) or ``ModelUnavailable``.
    """
    return get_engine().analyse(source, face_index=face_index)


def predict_many(sources, *, batch_size=32, face_indices=None):
    """Yield (source, EngineResult or ImageRejected) for many photos, batched.

    ``face_indices``: optional, one per source (None: the largest face).
    """
    yield from get_engine().analyse_many(
        sources, batch_size=batch_size, face_indices=face_indices
    )


def model_version():
    return get_engine().version

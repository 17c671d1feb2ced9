"""Every exception the hero engine raises, in one place.

``ImageRejected`` and its subclasses: the photo cannot be used; each has a
stable, machine-readable ``code`` that the site shows and the HTTP API
returns. ``ModelUnavailable``: the engine itself cannot run (model missing or
broken); the site answers 503. Code outside ``heroes/ml`` imports these from
``heroes.ml.api``.
"""


class ImageRejected(ValueError):
    """The file cannot be used. ``code`` is stable and machine-readable."""

    code = "invalid_image"

    def __init__(self, detail=""):
        super().__init__(detail or self.code)
        self.detail = detail


class NotAnImage(ImageRejected):
    code = "not_an_image"


class CorruptImage(ImageRejected):
    code = "corrupt_image"


class FileMissing(ImageRejected):
    code = "not_found"


class ImageTooLarge(ImageRejected):
    code = "too_large"


class TooManyPixels(ImageRejected):
    code = "too_many_pixels"


class NoFaceFound(ImageRejected):
    """No face in the photo (or not the face that was asked for)."""

    code = "no_face"


class FaceTooSmall(NoFaceFound):
    """Faces were found, but all of them are too small to compare."""

    code = "face_too_small"


class NoSuchFace(ImageRejected):
    """A face number was asked for that the photo does not have."""

    code = "no_such_face"

    def __init__(self, message, *, faces_found=0):
        super().__init__(message)
        self.faces_found = faces_found


class ModelUnavailable(RuntimeError):
    """The model files are missing or cannot be loaded."""

    code = "model_unavailable"


class TrainingDataMissing(ValueError):
    """Training cannot start: a hero has no training image, or a folder is missing."""

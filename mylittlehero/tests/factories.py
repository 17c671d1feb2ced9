"""Test data shared by every app's tests: images, uploads, people and stored
predictions. Plain functions; the fixtures that wrap them are in the root
conftest.py."""

import io
import itertools
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT / "heroes" / "tests" / "fixtures"
ASTRONAUT = FIXTURES / "astronaut.jpg"
PASSWORD = "correct-horse-battery-staple-42"

_emails = itertools.count(1)


def jpeg_bytes(size=(64, 48), color=(200, 120, 80)):
    """A small plain JPEG (no face: the fake engine refuses it)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def photo_upload(name="me.jpg", size=(320, 240), color=None, content=None):
    """A real JPEG as an uploaded file (noise so the fake finds a 'face')."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    if content is None:
        import numpy as np

        if color is None:
            rng = np.random.default_rng(len(name))
            array = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
            image = Image.fromarray(array)
        else:
            image = Image.new("RGB", size, color)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=90)
        content = buffer.getvalue()
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def user_make(email=None, *, password=PASSWORD, **extra):
    """An active person with a password (personN@example.com unless given)."""
    from accounts.models import User

    email = email or f"person{next(_emails)}@example.com"
    return User.objects.create_user(email=email, password=password, **extra)


def prediction_make(owner, **fields):
    """A stored prediction with a real JPEG file in storage (no model needed)."""
    from django.core.files.base import ContentFile

    from heroes.models import Prediction

    prediction = Prediction(owner=owner, model_version="test", **fields)
    prediction.image.save("upload.jpg", ContentFile(jpeg_bytes()), save=False)
    prediction.save()
    return prediction


def _exif_store_transforms():
    from PIL import Image

    T = Image.Transpose
    return {
        1: None,
        2: T.FLIP_LEFT_RIGHT,
        3: T.ROTATE_180,
        4: T.FLIP_TOP_BOTTOM,
        5: T.TRANSPOSE,
        6: T.ROTATE_90,
        7: T.TRANSVERSE,
        8: T.ROTATE_270,
    }


# For each EXIF orientation, how the stored pixels are turned from the
# upright picture (a camera writes them so; intake must undo it).
EXIF_STORE_TRANSFORMS = _exif_store_transforms()

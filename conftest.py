"""Test set-up shared by every app.

- MEDIA_ROOT points at a fresh temporary folder for the whole session, so
  tests never touch ./media.
- Passwords hash with a fast hasher (the real hasher list is tested on its
  own in accounts/tests/test_models.py).
- The cache (login throttle counters) is emptied before each test.
"""

import io
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.test import override_settings

REPO_ROOT = Path(__file__).resolve().parent
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _session_media_root():
    media_root = Path(tempfile.mkdtemp(prefix="mlh-test-media-"))
    overrides = override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=FAST_HASHERS)
    overrides.enable()
    try:
        yield media_root
    finally:
        overrides.disable()
        shutil.rmtree(media_root, ignore_errors=True)


@pytest.fixture
def media_root(_session_media_root):
    return _session_media_root


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    return "correct-horse-battery-staple-42"


@pytest.fixture
def make_user(db, password):
    from accounts.models import User

    counter = iter(range(1, 10_000))

    def make(email=None, **extra):
        email = email or f"person{next(counter)}@example.com"
        return User.objects.create_user(email=email, password=password, **extra)

    return make


@pytest.fixture
def user(make_user):
    return make_user("owner@example.com", display_name="Owner")


@pytest.fixture
def other_user(make_user):
    return make_user("stranger@example.com", display_name="Stranger")


def jpeg_bytes(size=(64, 48), color=(200, 120, 80)):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


@pytest.fixture
def make_prediction(db):
    """A stored prediction with a real JPEG file in storage (no model needed)."""
    from django.core.files.base import ContentFile

    from heroes.models import Prediction

    def make(owner, **fields):
        prediction = Prediction(owner=owner, model_version="test", **fields)
        prediction.image.save("upload.jpg", ContentFile(jpeg_bytes()), save=False)
        prediction.save()
        return prediction

    return make


# --- Real browser (Playwright driving Debian's Chromium) ---------------------

CHROMIUM = os.environ.get("MLH_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = REPO_ROOT / "test-artifacts"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 860}


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's Chromium, headless. Skips where it is absent, unless
    MLH_REQUIRE_BROWSER=1 (set by .ci/run) makes that a failure."""
    required = os.environ.get("MLH_REQUIRE_BROWSER") == "1"
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} not found: apt-get install chromium (see README)"
        if required:
            pytest.fail(message)
        pytest.skip(message)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if required:
            pytest.fail("playwright is not installed (pip install -r requirements-dev.txt)")
        pytest.skip("playwright is not installed (pip install -r requirements-dev.txt)")
    # Playwright's sync API runs an event loop; Django must not refuse ORM
    # calls made by the test itself around it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser, live_server):
    context = chromium_browser.new_context(viewport=DESKTOP, locale="ko-KR")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot at phone and desktop width under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name):
        for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(viewport)
            page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
        page.set_viewport_size(DESKTOP)

    return take


# --- Shared data sets and fixtures ----------------------------------------------

FIXTURES = REPO_ROOT / "heroes" / "tests" / "fixtures"


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
ASTRONAUT = FIXTURES / "astronaut.jpg"


def shared_datasets_dir():
    return Path(os.environ.get("MLH_SHARED_DATASETS", REPO_ROOT.parent / "shared" / "datasets"))


@pytest.fixture
def shared_datasets():
    """../shared/datasets, or a skip with the reason where it is absent."""
    path = shared_datasets_dir()
    if not (path / "faces-london").is_dir():
        pytest.skip(f"{path} is absent (the shared data sets are not in a fresh clone)")
    return path


@pytest.fixture(scope="session")
def engine():
    """The real hero engine with the committed default model."""
    pytest.importorskip("tensorflow")
    from heroes.ml.engine import get_engine

    return get_engine()


@pytest.fixture
def fake_predictor(settings):
    """Swap the engine for heroes/tests/fakes.py through settings.MLH_ENGINE."""
    from heroes.tests import fakes

    settings.MLH_ENGINE = "heroes.tests.fakes"
    fakes.calls.clear()
    fakes.MODEL_VERSION = "fake-1"
    fakes.UNAVAILABLE = False
    yield fakes
    fakes.MODEL_VERSION = "fake-1"
    fakes.UNAVAILABLE = False


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


@pytest.fixture
def default_heroes(db):
    """The 22 default heroes (0002's eight and 0008's fourteen). Tests that
    use a transactional database (live_server) need this: the flush after
    each such test empties the rows the data migrations created."""
    from django.apps import apps

    from heroes.migrations._default_heroes import create_default_heroes
    from heroes.migrations._more_heroes import create_more_heroes

    create_default_heroes(apps, None)
    create_more_heroes(apps, None)

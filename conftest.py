"""Test set-up shared by every app.

- MEDIA_ROOT points at a fresh temporary folder for the whole session, so
  tests never touch ./media.
- The cache (login throttle counters) is emptied before each test.

Only fixtures live here. The plain helpers they use, and that tests import,
are modules: mylittlehero/tests/factories.py (images, uploads, people,
predictions), environment.py (paths, child-process environment, media
files, skip-or-fail for what the machine lacks), migration_data.py and
secantus.py. No test imports this file.
"""

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.test import override_settings

from mylittlehero.tests.environment import REPO_ROOT, shared_datasets_dir, unavailable
from mylittlehero.tests.factories import PASSWORD, prediction_make, user_make
from mylittlehero.tests.migration_data import (
    database_snapshot,
    database_snapshot_restore,
    flushes_after,
    migration_data_restore,
    uses_database,
)


@pytest.fixture(scope="session", autouse=True)
def _session_media_root():
    media_root = Path(tempfile.mkdtemp(prefix="mlh-test-media-"))
    overrides = override_settings(MEDIA_ROOT=media_root)
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
def engine_config():
    """``heroes.ml.api.configure`` for one test (``engine_config(model_dir=...)``);
    the configuration the site gave the engine comes back after it."""
    from heroes.ml import api
    from heroes.ml.config import current

    saved = current()
    yield api.configure
    api.configure(saved)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def make_user(db, password):
    def make(email=None, **extra):
        return user_make(email, password=password, **extra)

    return make


@pytest.fixture
def user(make_user):
    return make_user("owner@example.com", display_name="Owner")


@pytest.fixture
def other_user(make_user):
    return make_user("stranger@example.com", display_name="Stranger")


@pytest.fixture
def superuser(make_user):
    return make_user("root@example.com", is_staff=True, is_superuser=True)


@pytest.fixture
def moderator(make_user):
    """A staff member in the data-migrated Moderators group."""
    from django.contrib.auth.models import Group

    user = make_user("mod@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def make_prediction(db):
    """A stored prediction with a real JPEG file in storage (no model needed)."""
    return prediction_make


# --- Real browser (Playwright driving Debian's Chromium) ---------------------

CHROMIUM = os.environ.get("MLH_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = REPO_ROOT / "test-artifacts"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 860}


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's Chromium, headless. Skips where it is absent, unless
    MLH_REQUIRE_BROWSER=1 (set by .ci/run) makes that a failure."""
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} not found: apt-get install chromium (see README)"
        unavailable(message, required_by="MLH_REQUIRE_BROWSER")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        message = "playwright is not installed (pip install -r requirements-dev.txt)"
        unavailable(message, required_by="MLH_REQUIRE_BROWSER")
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


# --- A Korean font for the share cards ------------------------------------------


@pytest.fixture
def hangul_font():
    """The font share cards draw Korean with. Without one a card switches to
    English (by design), so tests of Korean text on cards skip and say what to
    install, or fail where MLH_REQUIRE_FONTS=1 (set by .ci/run)."""
    from heroes.cards import find_font

    spec = find_font(bold=True, need_hangul=True)
    if spec is None:
        message = "no Hangul-capable font on this machine (apt-get install fonts-noto-cjk)"
        unavailable(message, required_by="MLH_REQUIRE_FONTS")
    return spec


# --- Shared data sets and fixtures ----------------------------------------------


@pytest.fixture
def shared_datasets():
    """../shared/datasets, or a skip with the reason where it is absent."""
    path = shared_datasets_dir()
    if not (path / "faces-london").is_dir():
        pytest.skip(f"{path} is absent (the shared data sets are not in a fresh clone)")
    return path


@pytest.fixture(scope="session")
def hero_engine():
    """The real hero engine with the committed default model."""
    pytest.importorskip("tensorflow")
    from heroes.ml import api

    return api.load()


@pytest.fixture
def fake_predictor():
    """Swap the engine for a fresh heroes.tests.fakes.FakeEngine (version
    "fake-1") through heroes.ml.api.use_engine, for this test only. Yields
    the fake: set ``.version`` or ``.unavailable``, read ``.calls``."""
    from heroes.ml import api
    from heroes.tests.fakes import FakeEngine

    fake = FakeEngine()
    previous = api.use_engine(fake)
    yield fake
    api.use_engine(previous)


@pytest.fixture
def private_payload(fake_predictor):
    """What private mode's browser posts (heroes/private_ranking.py): every
    active hero once, best first, probabilities summing to 1, percentiles
    from 80 down, for the fake engine's model version."""
    from heroes.models import Hero

    keys = list(Hero.objects.active().values_list("key", flat=True))
    weights = [len(keys) - i for i in range(len(keys))]
    total = sum(weights)
    return {
        "model_version": fake_predictor.version,
        "ranking": [
            {
                "hero": key,
                "probability": round(weight / total, 6),
                "similarity": round(0.9 - i / 100, 6),  # older pages sent it: accepted, dropped
                "index": 80.0 - i,
            }
            for i, (key, weight) in enumerate(zip(keys, weights))
        ],
        "nearly_tied": False,
        "face_box": [0.35, 0.12, 0.16, 0.21],
    }


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


# --- Rows made by data migrations, restored after a flush ---------------------
# (why: mylittlehero/tests/migration_data.py)

_database_flushed = False


@pytest.fixture(autouse=True)
def _migration_data(request):
    global _database_flushed
    if not uses_database(request):
        yield
        return
    snapshot = request.getfixturevalue("_mongodb_migrated_state")
    request.getfixturevalue("_django_db_helper")
    if _database_flushed:
        migration_data_restore()
        _database_flushed = False
    yield
    if snapshot is None:  # on MongoDB the flush itself restores the migrated state
        _database_flushed = _database_flushed or flushes_after(request)


@pytest.fixture(scope="session")
def _mongodb_migrated_state(django_db_setup, django_db_blocker):
    """On MongoDB: the documents `migrate` made, read before the first test;
    the flush that ends each test writes them back instead of re-creating
    them (why: mylittlehero/tests/migration_data.py). None elsewhere."""
    from django.db import connections
    from django.test.testcases import TransactionTestCase

    if connections["default"].vendor != "mongodb":
        yield None
        return
    with django_db_blocker.unblock():
        snapshot = {alias: database_snapshot(connections[alias]) for alias in connections}
    flush = TransactionTestCase._fixture_teardown

    def restore_migrated_state(test_case):
        for alias in test_case._databases_names(include_mirrors=False):
            database_snapshot_restore(connections[alias], snapshot[alias])

    TransactionTestCase._fixture_teardown = restore_migrated_state
    try:
        yield snapshot
    finally:
        TransactionTestCase._fixture_teardown = flush


# --- on_commit on MongoDB ------------------------------------------------------


@pytest.fixture
def django_capture_on_commit_callbacks(django_capture_on_commit_callbacks):
    """On SQLite, pytest-django's fixture. On MongoDB a test is not wrapped in a
    transaction: the code's own atomic() (core/transactions.py) commits and
    runs its on_commit callbacks itself. There this records the callbacks
    registered while a MongoDB transaction was open, i.e. deferred to its
    commit (callbacks run at once outside a transaction are not counted)."""
    from django.db import connection

    if connection.vendor != "mongodb":
        return django_capture_on_commit_callbacks
    return _capture_deferred_on_commit


@contextlib.contextmanager
def _capture_deferred_on_commit(*, using="default", execute=False):
    from django.db import connections

    if not execute:
        raise NotImplementedError("on MongoDB, on_commit callbacks always run at commit")
    connection = connections[using]
    callbacks = []
    register = connection.on_commit

    def recording_on_commit(func, robust=False):
        if connection.in_atomic_block_mongo:
            callbacks.append(func)
        return register(func, robust)

    connection.on_commit = recording_on_commit
    try:
        yield callbacks
    finally:
        del connection.on_commit

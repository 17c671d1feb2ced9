"""Private mode's committed browser files belong to the active model and are
what their names say (no browser, no TensorFlow): a model activated without
rebuilding them fails here."""

import gzip
import hashlib
import json

import pytest

from heroes.ml import api as engine_api
from heroes.tests.private_site import MANIFEST, REPO_ROOT, STATIC, browser_files_missing

# The first visit downloads all of it (compressed); every byte counts on a phone.
pytestmark = pytest.mark.nodb

DOWNLOAD_BUDGET = 12_000_000
RUNTIME = STATIC / "vendor" / "onnxruntime-web"
ENGINE_JS = STATIC / "js" / "private"


@pytest.fixture(scope="module")
def manifest():
    missing = browser_files_missing()
    if missing:
        pytest.fail(missing)
    return json.loads(MANIFEST.read_text())


def test_the_browser_files_are_the_active_models(manifest):
    assert manifest["model_version"] == engine_api.model_version(), (
        "the model changed: rebuild with scripts/build_browser_engine.py (docs/private-mode.md)"
    )
    card = json.loads(
        (
            REPO_ROOT / "heroes" / "ml" / "models" / manifest["model_version"] / "model.json"
        ).read_text()
    )
    assert manifest["classifier"]["heroes"] == card["heroes"]


def test_every_file_is_named_by_its_hash(manifest):
    folder = MANIFEST.parent
    for key, name in manifest["files"].items():
        data = (folder / name).read_bytes()
        assert name.split(".")[1] == hashlib.sha256(data).hexdigest()[:12], key
        assert manifest["sizes"][key] == len(data)
    built = {path.name for path in folder.iterdir()} - {"manifest.json"}
    assert built == set(manifest["files"].values()), "stale files left in static/private"
    rows, dim = manifest["gallery_shape"]
    assert manifest["sizes"]["gallery"] == rows * dim * 4
    assert rows == manifest["classifier"]["spans"][-1][1]


def test_the_runtime_is_the_pinned_one():
    lock = json.loads((REPO_ROOT / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/onnxruntime-web"]["version"]
    assert (RUNTIME / "NOTICE").read_text().startswith(f"onnxruntime-web {pinned} ")


def test_the_first_download_fits_the_budget(manifest):
    files = [MANIFEST, *(MANIFEST.parent / name for name in manifest["files"].values())]
    files += [path for path in RUNTIME.iterdir() if path.name != "NOTICE"]
    files += list(ENGINE_JS.glob("*.js"))
    total = sum(len(gzip.compress(path.read_bytes(), 9)) for path in files)
    assert total <= DOWNLOAD_BUDGET, f"{total / 1e6:.2f} MB compressed"

"""The Keras port of dlib's face-recognition ResNet must reproduce dlib.

Reference numbers: fixtures/dlib_reference.json, written by
scripts/make_dlib_reference.py (dlib is not needed here). Plain pytest, no
Django. London images come from $MLH_SHARED_DATASETS (default
<repo>/../shared/datasets); entries whose image is absent are skipped.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from heroes.ml.align import align_face
from mylittlehero.tests.environment import shared_datasets_dir

pytestmark = [pytest.mark.model, pytest.mark.nodb]

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REFERENCE = json.loads((FIXTURES / "dlib_reference.json").read_text())
FACES = REFERENCE["faces"]
# The face-api weights are 8-bit quantized; that alone moves descriptors by
# about 0.04 (measured: median 0.037, max 0.041 on this fixture). dlib's own
# "same person" threshold is 0.6.
MAX_DISTANCE = 0.06


def image_path(source: str) -> Path:
    return FIXTURES / "astronaut.jpg" if source == "astronaut" else shared_datasets_dir() / source


def load_chip(face: dict) -> np.ndarray:
    path = image_path(face["source"])
    if not path.exists():
        pytest.skip(f"{path} not available (shared datasets absent; set MLH_SHARED_DATASETS)")
    with Image.open(path) as im:
        return align_face(np.asarray(im.convert("RGB")), face["landmarks"])


@pytest.fixture(scope="module")
def embedder():
    pytest.importorskip("tensorflow")
    from heroes.ml.embedding import load_embedder

    return load_embedder()


@pytest.fixture(scope="module")
def london_pairs(embedder):
    """{person id: {"neutral": ours, "smiling": ours}} for available London photos."""
    pairs: dict[str, dict[str, np.ndarray]] = {}
    for face in FACES:
        parts = face["source"].split("/")
        if parts[0] != "faces-london" or not image_path(face["source"]).exists():
            continue
        with Image.open(image_path(face["source"])) as im:
            chip = align_face(np.asarray(im.convert("RGB")), face["landmarks"])
        pairs.setdefault(parts[2], {})[parts[1]] = embedder.embed(chip)[0]
    pairs = {k: v for k, v in pairs.items() if len(v) == 2}
    if len(pairs) < 3:
        pytest.skip(
            f"London set not available under {shared_datasets_dir()} (set MLH_SHARED_DATASETS)"
        )
    return pairs


def test_fixture_is_big_enough():
    assert sum(f["source"] == "astronaut" for f in FACES) == 1
    assert sum(f["source"].startswith("faces-london/") for f in FACES) >= 24
    for f in FACES:
        assert np.asarray(f["landmarks"]).shape == (5, 2)
        assert len(f["dlib_descriptor"]) == 128


@pytest.mark.parametrize("face", FACES, ids=[f["source"] for f in FACES])
def test_descriptor_matches_dlib(embedder, face):
    chip = load_chip(face)
    ours = embedder.embed(chip[None])[0]
    ref = np.asarray(face["dlib_descriptor"], np.float32)
    dist = float(np.linalg.norm(ours - ref))
    assert dist < MAX_DISTANCE, f"{face['source']}: distance to dlib {dist:.4f}"
    # Not re-normalized: the length matches dlib's (which is not 1).
    assert abs(np.linalg.norm(ours) - np.linalg.norm(ref)) < 0.03


def test_same_person_closer_than_other_people(london_pairs):
    ids = sorted(london_pairs)
    same = [np.linalg.norm(london_pairs[i]["neutral"] - london_pairs[i]["smiling"]) for i in ids]
    other = [
        np.linalg.norm(london_pairs[i][a] - london_pairs[j][b])
        for n, i in enumerate(ids)
        for j in ids[n + 1 :]
        for a in ("neutral", "smiling")
        for b in ("neutral", "smiling")
    ]
    assert np.mean(same) < 0.6 < np.mean(other), (np.mean(same), np.mean(other))
    assert np.mean(same) < 0.6 * np.mean(other)
    # Nearest neighbour of each neutral photo among all smiling photos is the same person.
    hits = sum(
        min(
            ids,
            key=lambda j: np.linalg.norm(london_pairs[i]["neutral"] - london_pairs[j]["smiling"]),
        )
        == i
        for i in ids
    )
    assert hits >= 0.9 * len(ids), f"{hits}/{len(ids)} identified"


def test_embed_batch_contract(embedder):
    chips = np.stack([load_chip(FACES[0])] * 3)
    chips[1] = chips[1][:, ::-1]  # mirrored face: a different input
    out = embedder.embed(chips)
    assert out.shape == (3, 128) and out.dtype == np.float32
    single = np.concatenate([embedder.embed(c[None]) for c in chips])
    np.testing.assert_allclose(out, single, atol=1e-4)
    np.testing.assert_allclose(
        embedder.embed(chips[0]), out[:1], atol=1e-4
    )  # one chip, no batch axis
    assert embedder.embed(np.zeros((0, 150, 150, 3), np.uint8)).shape == (0, 128)
    with pytest.raises(ValueError):
        embedder.embed(chips.astype(np.float32))
    with pytest.raises(ValueError):
        embedder.embed(np.zeros((1, 112, 112, 3), np.uint8))


def test_the_graph_forward_computes_what_the_keras_model_computes():
    """load_embedder runs the network as plain TensorFlow ops (faster to
    build); it must give the Keras port's descriptors."""
    from heroes.ml.embedding import DEFAULT_WEIGHTS, FaceEmbedder, load_embedder, load_model

    rng = np.random.default_rng(7)
    chips = rng.integers(0, 255, (3, 150, 150, 3), dtype=np.uint8)
    fast = load_embedder().embed(chips)
    keras_port = FaceEmbedder(load_model(DEFAULT_WEIGHTS)).embed(chips)
    assert np.abs(fast - keras_port).max() < 1e-4

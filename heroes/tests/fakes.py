"""A fake engine for view, service and command tests: the real image intake,
no TensorFlow. It offers what heroes/ml/api.py offers (predict, predict_many,
model_version) and is selected through the one seam, settings.MLH_ENGINE
(see the ``fake_predictor`` fixture in conftest.py).

- A nearly uniform image has no face (NoFaceFound).
- An image more than twice as wide as tall has two faces.
- The ranking is deterministic: it depends on the photo's pixels.
"""

import hashlib
import os
import time

import numpy as np

from heroes.migrations._more_heroes import ALL_DEFAULT_HERO_KEYS
from heroes.ml.engine import DetectedFace, EngineResult, HeroScore, NoFaceFound, NoSuchFace
from heroes.ml.intake import load_image

HEROES = list(ALL_DEFAULT_HERO_KEYS)
# A subprocess (the real-kill test) sets these through the environment.
MODEL_VERSION = os.environ.get("MLH_FAKE_VERSION", "fake-1")
DELAY = float(os.environ.get("MLH_FAKE_DELAY", "0"))
UNAVAILABLE = False
calls = []


def model_version():
    _check_available()
    return MODEL_VERSION


def _check_available():
    if UNAVAILABLE:
        from heroes.ml.classifier import ModelUnavailable

        raise ModelUnavailable("no model (test)")


def predict(source, *, face_index=None):
    _check_available()
    if DELAY:
        time.sleep(DELAY)
    loaded = load_image(source)
    array = np.asarray(loaded.image)
    calls.append(
        {
            "size": loaded.image.size,
            "face_index": face_index,
            "sha256": hashlib.sha256(source).hexdigest() if isinstance(source, bytes) else None,
        }
    )
    if array.std() < 8:
        raise NoFaceFound("no face found")
    width, height = loaded.image.size
    faces = [DetectedFace((width * 0.3, height * 0.2, width * 0.4, height * 0.5), 0.99, ())]
    if width > 2 * height:
        faces = [
            DetectedFace((width * 0.05, height * 0.2, width * 0.3, height * 0.6), 0.99, ()),
            DetectedFace((width * 0.6, height * 0.3, width * 0.2, height * 0.4), 0.98, ()),
        ]
    index = 0 if face_index is None else face_index
    if not 0 <= index < len(faces):
        raise NoSuchFace("no such face", faces_found=len(faces))
    seed = int(hashlib.sha256(array.tobytes() + MODEL_VERSION.encode()).hexdigest()[:8], 16) + index
    weights = np.random.default_rng(seed).random(len(HEROES)) + 0.05
    probabilities = weights / weights.sum()
    order = np.argsort(-probabilities)
    # A deterministic index per hero on the 0-100 match-strength scale.
    indices = np.clip(100 * probabilities / probabilities.max() * (0.3 + 0.6 * weights.max()), 0, 100)
    ranking = [
        HeroScore(HEROES[i], float(probabilities[i]), 0.5 - 0.05 * r, float(indices[i]))
        for r, i in enumerate(order)
    ]
    top, second = probabilities[order[0]], probabilities[order[1]]
    return EngineResult(
        faces=faces,
        face_index=index,
        ranking=ranking,
        model_version=MODEL_VERSION,
        timings={"total": 1.0},
        image=loaded,
        nearly_tied=bool(top - second < 0.02),
    )


def predict_many(sources, *, batch_size=32, face_indices=None):
    from heroes.ml.intake import ImageRejected

    sources = list(sources)
    face_indices = face_indices or [None] * len(sources)
    for source, face_index in zip(sources, face_indices):
        try:
            yield source, predict(source, face_index=face_index)
        except ImageRejected as exc:
            yield source, exc

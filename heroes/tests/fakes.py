"""A fake engine for view, service and command tests: the real image intake,
no TensorFlow. ``FakeEngine`` offers what ``HeroEngine`` offers to
heroes/ml/api.py (analyse, analyse_many, warm_up, version) and is installed
with ``heroes.ml.api.use_engine`` (the ``fake_predictor`` fixture in
conftest.py; ``install_from_environment`` for the test servers and
subprocesses, see fake_wsgi.py and fake_manage.py).

- A nearly uniform image has no face (NoFaceFound).
- An image more than twice as wide as tall has two faces.
- The ranking is deterministic: it depends on the photo's pixels.
"""

import hashlib
import os
import time

import numpy as np

from heroes.migrations._more_heroes import ALL_DEFAULT_HERO_KEYS
from heroes.ml import api
from heroes.ml.api import (
    DetectedFace,
    EngineResult,
    HeroScore,
    ImageRejected,
    ModelUnavailable,
    NoFaceFound,
    NoSuchFace,
    load_image,
)

HEROES = list(ALL_DEFAULT_HERO_KEYS)


class FakeEngine:
    """Stands in for the hero engine. ``version``: the model version it
    records (set it to play a newly activated model); ``unavailable``: True
    plays a missing model (ModelUnavailable); ``delay``: seconds per photo;
    ``calls``: one dict per photo analysed (size, face_index, sha256 of bytes)."""

    _fields = ("_version", "delay", "unavailable", "calls", "hero_profiles")

    def __init__(self, version="fake-1", *, delay=0.0):
        self._version = version
        self.delay = delay
        self.unavailable = False
        self.calls = []
        # What api.hero_profiles() answers with this engine (the card's
        # reference-population statistics per hero).
        self.hero_profiles = {}

    def __setattr__(self, name, value):
        # A misspelt or former name (MODEL_VERSION, UNAVAILABLE of the old
        # module fake) would change nothing and let a test pass for the
        # wrong reason: refuse it.
        if name not in self._fields and not hasattr(type(self), name):
            raise AttributeError(f"FakeEngine has no attribute {name!r}")
        super().__setattr__(name, value)

    @property
    def version(self):
        if self.unavailable:
            raise ModelUnavailable("no model (test)")
        return self._version

    @version.setter
    def version(self, value):
        self._version = value

    def warm_up(self):
        self.version  # noqa: B018 - raises when unavailable

    def analyse(self, source, *, face_index=None, max_bytes=None):
        version = self.version
        if self.delay:
            time.sleep(self.delay)
        loaded = load_image(source, **({"max_bytes": max_bytes} if max_bytes else {}))
        array = np.asarray(loaded.image)
        self.calls.append(
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
        seed = int(hashlib.sha256(array.tobytes() + version.encode()).hexdigest()[:8], 16) + index
        weights = np.random.default_rng(seed).random(len(HEROES)) + 0.05
        probabilities = weights / weights.sum()
        order = np.argsort(-probabilities)
        # A deterministic percentile per hero on the 0-100 match-strength scale.
        percentiles = np.clip(
            100 * probabilities / probabilities.max() * (0.3 + 0.6 * weights.max()), 0, 100
        )
        ranking = [
            HeroScore(HEROES[i], float(probabilities[i]), 0.5 - 0.05 * r, float(percentiles[i]))
            for r, i in enumerate(order)
        ]
        top, second = probabilities[order[0]], probabilities[order[1]]
        return EngineResult(
            faces=faces,
            face_index=index,
            ranking=ranking,
            model_version=version,
            timings={"total": 1.0},
            image=loaded,
            nearly_tied=bool(top - second < 0.02),
        )

    def analyse_many(self, sources, *, batch_size=32, face_indices=None, max_bytes=None):
        self.version  # noqa: B018 - raises when unavailable, before the first photo
        sources = list(sources)
        face_indices = face_indices or [None] * len(sources)
        for source, face_index in zip(sources, face_indices):
            try:
                yield source, self.analyse(source, face_index=face_index, max_bytes=max_bytes)
            except ImageRejected as exc:
                yield source, exc


def install_from_environment():
    """Install a FakeEngine in this process for a test server or subprocess:
    its version from MLH_FAKE_VERSION (default fake-1), its delay per photo
    from MLH_FAKE_DELAY (seconds). Returns it."""
    fake = FakeEngine(
        os.environ.get("MLH_FAKE_VERSION", "fake-1"),
        delay=float(os.environ.get("MLH_FAKE_DELAY", "0") or 0),
    )
    api.use_engine(fake)
    return fake

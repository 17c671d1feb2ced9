"""The hero engine: photo in, every hero ranked by facial resemblance out.

    intake (Pillow) -> detect (MTCNN) -> align (5 landmarks -> 150x150 chip)
      -> embed (dlib ResNet in Keras, 128-D; the chip and its mirror image,
         averaged) -> classify (Keras prototype head over the training
         faces, softmax with a calibrated temperature)

The engine loads lazily, once per process (and again when another model is
activated), behind a double-checked lock, and warms up before its first
real call. Nothing of TensorFlow is imported
until then. A missing or corrupt model raises ``ModelUnavailable`` (the web
layer answers 503).
"""

import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from heroes.ml import config
from heroes.ml.align import CHIP_SIZE, align_face
from heroes.ml.classifier import HeroClassifier
from heroes.ml.detect import FaceDetector
from heroes.ml.embedding import DEFAULT_WEIGHTS, load_embedder
from heroes.ml.errors import FaceTooSmall, ImageRejected, ModelUnavailable, NoFaceFound, NoSuchFace
from heroes.ml.intake import DEFAULT_MAX_BYTES, LoadedImage, load_image

MODELS_DIR = Path(__file__).resolve().parent / "models"
# Faces whose short side is under this many pixels (in the analysed image,
# long side at most 1024) are too small to compare: their 150 px chip would
# be mostly blur.
MIN_FACE_PX = 32


@dataclass(frozen=True)
class HeroScore:
    hero: str
    probability: float  # calibrated: how sure the model is that this hero is the closest
    similarity: float  # cosine to the hero's mean face
    # This face's resemblance to the hero on the match-strength scale, a
    # percentile (0-100): the hero's within-photo score placed on the
    # reference population's distribution of their closest hero's score.
    # None: the model has no population statistics. Its key in as_dict, in
    # stored results and in the API is "index".
    percentile: float | None = None

    def as_dict(self):
        return {
            "hero": self.hero,
            "probability": round(self.probability, 4),
            "similarity": round(self.similarity, 4),
            "index": None if self.percentile is None else round(self.percentile, 1),
        }


@dataclass(frozen=True)
class DetectedFace:
    box: tuple  # x, y, width, height in the analysed (upright) image
    confidence: float
    landmarks: tuple  # five (x, y) pairs

    def as_dict(self):
        return {
            "box": [round(float(v), 1) for v in self.box],
            "confidence": round(float(self.confidence), 4),
        }


@dataclass(frozen=True)
class EngineResult:
    faces: list  # every DetectedFace found, largest first
    face_index: int  # the face the ranking is for
    ranking: list  # HeroScore for every hero, best first
    model_version: str
    timings: dict  # milliseconds per stage
    image: LoadedImage = field(repr=False, default=None)
    # The top two heroes are too close to tell apart (the margin comes from
    # the model card).
    nearly_tied: bool = False

    @property
    def top(self):
        return self.ranking[0]

    @property
    def match_strength(self):
        """How strongly the face matches its top hero, 0-100 (None: unknown)."""
        return self.top.percentile


def model_dir():
    """The active model's folder: the configured one (MLH_MODEL_DIR), or
    models/<CURRENT>."""
    explicit = config.current().model_dir
    if explicit:
        return explicit
    current = (
        (MODELS_DIR / "CURRENT").read_text().strip() if (MODELS_DIR / "CURRENT").exists() else ""
    )
    return MODELS_DIR / (current or "default")


def active_model_version():
    """The version of the active model: the one on disk (``model_dir()``)
    that ranks every photo from now on, in this process too (``get_engine``
    loads it again when it changes). Read from its card, without TensorFlow;
    None when the card is missing or unreadable."""
    return active_card().get("version")


# The last card parsed: ((path, mtime, size, inode), card). A health check or
# a hero page reads the card on every call; parsing its ~70 KB each time is
# wasted when the file has not changed.
_parsed_card = (None, {})


def active_card():
    """The active model's card (model.json) as a dict, read without
    TensorFlow; {} when it is missing or unreadable. Parsed once per version
    of the file (its path, modification time, size and inode), so a newly
    activated model's card is read at once. The dict is shared: read it,
    never change it."""
    global _parsed_card
    path = model_dir() / "model.json"
    try:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino)
        cached_key, card = _parsed_card
        if key == cached_key:
            return card
        card = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    _parsed_card = (key, card)
    return card


def model_files_present():
    """The files the engine needs exist (without loading them)."""
    folder = model_dir()
    return all(
        path.is_file()
        for path in (folder / "model.json", folder / "classifier.keras", DEFAULT_WEIGHTS)
    )


def configure_tensorflow():
    """The configured thread counts, before TensorFlow runs anything."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    intra = config.current().tf_intra_threads
    inter = config.current().tf_inter_threads
    try:
        if intra:
            tf.config.threading.set_intra_op_parallelism_threads(intra)
        if inter:
            tf.config.threading.set_inter_op_parallelism_threads(inter)
    except RuntimeError:  # already initialised in this process
        pass


@dataclass
class _Prepared:
    """One photo up to its aligned chip: what analyse and analyse_many share."""

    loaded: LoadedImage
    faces: list
    index: int
    chip: np.ndarray
    started: float
    timings: dict


class HeroEngine:
    def __init__(self, folder=None, *, detector=None, embedder=None, with_classifier=True):
        configure_tensorflow()
        self.classifier = None
        self.folder = None
        if with_classifier:
            self.folder = Path(folder) if folder else model_dir()
            if not (self.folder / "model.json").exists():
                raise ModelUnavailable(f"no hero model at {self.folder}")
            self.classifier = HeroClassifier.load(self.folder)
        try:
            self.detector = detector or FaceDetector()
            self.embedder = embedder or load_embedder()
        except (OSError, ValueError) as exc:
            raise ModelUnavailable(f"cannot load the face models: {exc}") from exc
        # The byte limit comes from the caller (the site passes its upload
        # limit); the pixel limit is the engine's own.
        self.max_pixels = config.current().max_pixels

    @classmethod
    def for_training(cls):
        """Detector and embedder only; small faces too (20 px and up)."""
        return cls(with_classifier=False, detector=FaceDetector(min_face_fraction=0.0))

    @property
    def version(self):
        return self.classifier.version

    @property
    def heroes(self):
        return list(self.classifier.heroes)

    def warm_up(self):
        self.detector.warm_up()
        chip = np.full((CHIP_SIZE, CHIP_SIZE, 3), 128, np.uint8)
        embedding = self.embed_faces([chip])
        if self.classifier is not None:
            self.rank(embedding)

    # -- stages ------------------------------------------------------------------

    def embed_faces(self, chips):
        """Embeddings of aligned chips: the mean of each chip and its mirror."""
        chips = np.asarray(chips)
        both = np.concatenate([chips, chips[:, :, ::-1]])
        embeddings = self.embedder.embed(both)
        n = len(chips)
        return (embeddings[:n] + embeddings[n:]) / 2.0

    def rank(self, embeddings):
        """For each embedding: (every hero's HeroScore best first, nearly tied)."""
        probabilities, similarities, percentiles = self.classifier.analyse(embeddings)
        margin = self.classifier.tie_margin
        rankings = []
        for row, (p_row, s_row) in enumerate(zip(probabilities, similarities)):
            order = np.argsort(-p_row, kind="stable")
            ranking = [
                HeroScore(
                    self.classifier.heroes[i],
                    float(p_row[i]),
                    float(s_row[i]),
                    None if percentiles is None else float(percentiles[row, i]),
                )
                for i in order
            ]
            tied = len(order) > 1 and float(p_row[order[0]] - p_row[order[1]]) < margin
            rankings.append((ranking, tied))
        return rankings

    def _faces(self, loaded):
        """Faces big enough to compare, largest first; raises when there are none."""
        found = self.detector.detect(loaded.image)
        faces = [
            DetectedFace(
                box=tuple(float(v) for v in face.box),
                confidence=float(face.confidence),
                landmarks=tuple((float(x), float(y)) for x, y in face.landmarks),
            )
            for face in found
            if min(face.box[2], face.box[3]) >= MIN_FACE_PX
        ]
        if not faces:
            if found:
                raise FaceTooSmall("every face found is too small")
            raise NoFaceFound("no face found")
        return faces

    @staticmethod
    def _pick(faces, face_index):
        """The index of the face asked for (None: the largest, first)."""
        index = 0 if face_index is None else int(face_index)
        if not 0 <= index < len(faces):
            raise NoSuchFace(f"face {index} asked for, {len(faces)} found", faces_found=len(faces))
        return index

    def _prepare(self, source, face_index, max_bytes):
        """Load -> faces -> pick -> align, timed. Raises ImageRejected."""
        timings = {}
        started = time.perf_counter()
        if isinstance(source, LoadedImage):
            loaded = source
        else:
            loaded = load_image(
                source, max_bytes=max_bytes or DEFAULT_MAX_BYTES, max_pixels=self.max_pixels
            )
        timings["decode"] = (time.perf_counter() - started) * 1000

        mark = time.perf_counter()
        faces = self._faces(loaded)
        timings["detect"] = (time.perf_counter() - mark) * 1000
        index = self._pick(faces, face_index)

        mark = time.perf_counter()
        chip = align_face(loaded.array, np.asarray(faces[index].landmarks))
        timings["align"] = (time.perf_counter() - mark) * 1000
        return _Prepared(loaded, faces, index, chip, started, timings)

    def _finish(self, prepared):
        """Embed and rank the prepared photos together: one EngineResult each.
        ``embed`` and ``classify`` timings are those of the whole batch."""
        mark = time.perf_counter()
        embeddings = self.embed_faces([item.chip for item in prepared])
        embed_ms = (time.perf_counter() - mark) * 1000

        mark = time.perf_counter()
        rankings = self.rank(embeddings)
        classify_ms = (time.perf_counter() - mark) * 1000
        done = time.perf_counter()
        return [
            EngineResult(
                faces=item.faces,
                face_index=item.index,
                ranking=ranking,
                model_version=self.version,
                timings={
                    **item.timings,
                    "embed": embed_ms,
                    "classify": classify_ms,
                    "total": (done - item.started) * 1000,
                },
                image=item.loaded,
                nearly_tied=tied,
            )
            for item, (ranking, tied) in zip(prepared, rankings)
        ]

    # -- public --------------------------------------------------------------------

    def analyse(self, source, *, face_index=None, max_bytes=None):
        """Rank every hero for one photo (path, bytes, file or LoadedImage).

        ``max_bytes``: the largest file accepted (default: intake's 10 MB).
        Raises ImageRejected (its subclasses)."""
        return self._finish([self._prepare(source, face_index, max_bytes)])[0]

    def analyse_many(self, sources, *, batch_size=32, face_indices=None, max_bytes=None):
        """Analyse many photos, embedding and classifying their faces in batches.

        ``face_indices``: optional, one per source (None: the largest face).
        Yields (source, EngineResult or ImageRejected) in order.
        """
        sources = list(sources)
        face_indices = list(face_indices) if face_indices is not None else [None] * len(sources)
        for offset in range(0, len(sources), batch_size):
            outcomes = []
            for source, face_index in zip(
                sources[offset : offset + batch_size], face_indices[offset : offset + batch_size]
            ):
                try:
                    outcomes.append((source, self._prepare(source, face_index, max_bytes)))
                except ImageRejected as exc:
                    outcomes.append((source, exc))
            prepared = [item for _source, item in outcomes if isinstance(item, _Prepared)]
            results = iter(self._finish(prepared) if prepared else [])
            for source, item in outcomes:
                yield source, (next(results) if isinstance(item, _Prepared) else item)


_engine = None
_engine_error = None
_engine_lock = threading.Lock()


def get_engine():
    """The process-wide engine for the active model, loaded and warmed up on
    first use. When another model has been activated since it was loaded
    (``train_heroes --activate`` rewrote models/CURRENT), it is loaded again
    here: a running process never ranks with a model other than the active
    one, and every result records the version that ranked it."""
    global _engine, _engine_error
    folder = model_dir()
    hero_engine = _engine
    if hero_engine is None or hero_engine.folder != folder:
        with _engine_lock:
            hero_engine = _engine
            if hero_engine is None or hero_engine.folder != folder:
                try:
                    hero_engine = HeroEngine(folder)
                    hero_engine.warm_up()
                except ModelUnavailable as exc:
                    _engine_error = str(exc)
                    raise
                _engine, _engine_error = hero_engine, None
    return hero_engine


def engine_error():
    """Why the last load of the engine in this process failed, or None."""
    return _engine_error


def engine_loaded():
    """The active model is loaded in this process (no load needed on the next call)."""
    hero_engine = _engine
    return hero_engine is not None and hero_engine.folder == model_dir()


def reset_engine():
    """Forget the loaded engine (tests)."""
    global _engine, _engine_error
    with _engine_lock:
        _engine, _engine_error = None, None

"""Training and evaluation of the hero classifier (no ORM, no HTTP).

The management commands ``train_heroes`` and ``evaluate_heroes`` glue these
functions to the catalog and the terminal.
"""

from dataclasses import dataclass, field
import datetime
import hashlib
import json
import os
from pathlib import Path
import re

import numpy as np

from heroes.ml.classifier import HeroClassifier, build_head, neighbours_for, softmax, unit
from heroes.ml.intake import ImageRejected

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".heic", ".heif", ".tif", ".tiff"}


# -- labels -------------------------------------------------------------------------


def normalise_label(text):
    return re.sub(r"[^0-9a-z가-힣]+", "", (text or "").lower())


def label_map(heroes):
    """{normalised name: hero key} from [(key, [aliases...]), ...]."""
    mapping = {}
    for key, aliases in heroes:
        for name in [key, *(aliases or [])]:
            mapping.setdefault(normalise_label(name), key)
    return mapping


def hero_for_label(label, mapping):
    return mapping.get(normalise_label(label))


def image_folder(root, split):
    """[(path, class folder name)] for DIR/split/<class>/* images, sorted."""
    base = Path(root) / split
    if not base.is_dir():
        raise FileNotFoundError(f"{base} is not a folder")
    items = []
    for class_dir in sorted(p for p in base.iterdir() if p.is_dir()):
        for path in sorted(class_dir.rglob("*")):
            if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES:
                items.append((path, class_dir.name))
    return items


# -- faces --------------------------------------------------------------------------


@dataclass
class FaceSet:
    """Embeddings of the largest face of each image, with labels."""

    embeddings: np.ndarray  # (n, 128)
    labels: list  # hero keys
    paths: list
    face_sizes: list  # short side of the face box, pixels
    skipped: list = field(default_factory=list)  # (path, label, reason)
    total: int = 0

    def __len__(self):
        return len(self.labels)

    def save(self, path, *, key):
        np.savez_compressed(
            path,
            key=key,
            embeddings=self.embeddings,
            labels=np.array(self.labels),
            paths=np.array(self.paths),
            face_sizes=np.array(self.face_sizes),
            skipped=json.dumps(self.skipped),
            total=self.total,
        )

    @classmethod
    def load(cls, path, *, key):
        """The saved FaceSet if it was made from the same inputs (``key``), else None."""
        try:
            with np.load(path) as data:
                if str(data["key"]) != key:
                    return None
                return cls(
                    embeddings=data["embeddings"],
                    labels=[str(v) for v in data["labels"]],
                    paths=[str(v) for v in data["paths"]],
                    face_sizes=[float(v) for v in data["face_sizes"]],
                    skipped=[tuple(item) for item in json.loads(str(data["skipped"]))],
                    total=int(data["total"]),
                )
        except (OSError, KeyError, ValueError):
            return None


def items_key(items, *, min_face_px=0):
    """A fingerprint of what a FaceSet is made from: files, sizes, labels, settings."""
    digest = hashlib.sha256(f"min_face_px={min_face_px};".encode())
    for path, label in items:
        stat = os.stat(path) if isinstance(path, (str, os.PathLike)) else None
        digest.update(f"{path}|{label}|{stat.st_size if stat else len(path)}\n".encode())
    return digest.hexdigest()


def extract_faces(engine, items, *, progress=None, batch_size=64, min_face_px=0):
    """Detect, align and embed the largest face of each (path, hero key).

    Faces whose short side is under ``min_face_px`` count as not found.
    """
    from heroes.ml.align import align_face
    from heroes.ml.intake import load_image

    chips, labels, paths, sizes, skipped = [], [], [], [], []
    for number, (source, hero) in enumerate(items, start=1):
        path = str(source) if isinstance(source, (str, os.PathLike)) else f"<image {number}>"
        try:
            loaded = load_image(source)
            faces = [
                face
                for face in engine.detector.detect(loaded.image)
                if min(face.box[2], face.box[3]) >= min_face_px
            ]
        except ImageRejected as exc:
            skipped.append((str(path), hero, exc.code))
        else:
            if faces:
                face = faces[0]
                chips.append(align_face(loaded.array, face.landmarks))
                labels.append(hero)
                paths.append(str(path))
                sizes.append(float(min(face.box[2], face.box[3])))
            else:
                skipped.append((str(path), hero, "no_face"))
        if progress:
            progress(number, len(items))
    embeddings = []
    for start in range(0, len(chips), batch_size):
        embeddings.append(engine.embed_faces(np.stack(chips[start : start + batch_size])))
    embeddings = np.concatenate(embeddings) if embeddings else np.zeros((0, 128), np.float32)
    return FaceSet(embeddings, labels, paths, sizes, skipped, total=len(items))


def drop_duplicates(train, valid=None, *, tolerance=1e-3):
    """Remove repeated images: a face seen under two heroes is dropped from
    both (its label is unknowable), a face repeated in one hero is kept once,
    and a training face that also sits in the valid split is dropped from
    training. Identity is judged on the embedding (a re-encoded copy of the
    same picture gives the same face to within ``tolerance``)."""
    x = unit(train.embeddings)
    n = len(x)
    drop = set()
    reasons = {}
    for i in range(n):
        if i in drop:
            continue
        close = np.nonzero(np.linalg.norm(x[i + 1 :] - x[i], axis=1) < tolerance)[0] + i + 1
        if close.size == 0:
            continue
        group = [i, *close.tolist()]
        if len({train.labels[j] for j in group}) > 1:
            for j in group:
                drop.add(j)
                reasons[j] = "duplicate_across_heroes"
        else:
            for j in group[1:]:
                drop.add(j)
                reasons[j] = "duplicate"
    if valid is not None and len(valid):
        xv = unit(valid.embeddings)
        for i in range(n):
            if i not in drop and np.min(np.linalg.norm(xv - x[i], axis=1)) < tolerance:
                drop.add(i)
                reasons[i] = "also_in_valid"
    keep = [i for i in range(n) if i not in drop]
    cleaned = _subset(train, keep)
    cleaned.skipped = train.skipped + [
        (train.paths[i], train.labels[i], reasons[i]) for i in sorted(drop)
    ]
    return cleaned


def drop_label_outliers(faces, heroes, *, keep_fraction=0.8):
    """Keep, per hero, the ``keep_fraction`` of faces closest to that hero's
    mean face: masks, CGI, cartoons and other people in group shots sit far
    from it."""
    x = unit(faces.embeddings)
    labels = np.asarray(faces.labels)
    keep = []
    for hero in heroes:
        idx = np.nonzero(labels == hero)[0]
        if idx.size == 0:
            continue
        centre = unit(x[idx].mean(axis=0))
        scores = x[idx] @ centre
        cutoff = np.quantile(scores, 1 - keep_fraction)
        keep.extend(idx[scores >= cutoff].tolist())
    keep.sort()
    dropped = sorted(set(range(len(faces))) - set(keep))
    cleaned = _subset(faces, keep)
    cleaned.skipped = faces.skipped + [
        (faces.paths[i], faces.labels[i], "label_outlier") for i in dropped
    ]
    return cleaned


def _subset(faces, keep):
    return FaceSet(
        embeddings=faces.embeddings[keep],
        labels=[faces.labels[i] for i in keep],
        paths=[faces.paths[i] for i in keep],
        face_sizes=[faces.face_sizes[i] for i in keep],
        skipped=list(faces.skipped),
        total=faces.total,
    )


# -- training ---------------------------------------------------------------------------


def centroids_for(faces, heroes):
    x = unit(faces.embeddings)
    labels = np.asarray(faces.labels)
    return unit(np.stack([x[labels == hero].mean(axis=0) for hero in heroes]))


def train_head(faces, heroes):
    """The Keras prototype classifier from a FaceSet (see classifier.py)."""
    index = {hero: i for i, hero in enumerate(heroes)}
    labels = np.asarray([index[label] for label in faces.labels])
    counts = np.bincount(labels, minlength=len(heroes))
    if (counts == 0).any():
        missing = [heroes[i] for i in np.nonzero(counts == 0)[0]]
        raise ValueError(f"no training faces for: {', '.join(missing)}")
    mean = faces.embeddings.mean(axis=0)
    return build_head(faces.embeddings, labels, len(heroes), mean=mean)


def fit_temperature(logits, y):
    """The temperature that minimises the negative log-likelihood."""
    logits = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y)

    def nll(t):
        p = softmax(logits, t)
        return -np.mean(np.log(np.maximum(p[np.arange(len(y)), y], 1e-12)))

    grid = np.exp(np.linspace(np.log(0.05), np.log(20), 400))
    best = min(grid, key=nll)
    lo, hi = best / 1.1, best * 1.1
    for _ in range(60):  # golden-section refinement
        a = hi - (hi - lo) / 1.618
        b = lo + (hi - lo) / 1.618
        lo, hi = (lo, b) if nll(a) < nll(b) else (a, hi)
    return float((lo + hi) / 2)


# -- evaluation ---------------------------------------------------------------------------


def expected_calibration_error(probabilities, y, bins=15):
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == y
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (confidence > lo) & (confidence <= hi)
        if mask.any():
            ece += mask.mean() * abs(correct[mask].mean() - confidence[mask].mean())
    return float(ece)


def evaluate(classifier, faces, *, total_images=None):
    """Metrics of a classifier on a FaceSet (faces of labelled images)."""
    heroes = classifier.heroes
    index = {hero: i for i, hero in enumerate(heroes)}
    y = np.asarray([index[label] for label in faces.labels])
    probabilities, _similarities = classifier.scores(faces.embeddings)
    order = np.argsort(-probabilities, axis=1)
    top1 = order[:, 0] == y
    top3 = (order[:, :3] == y[:, None]).any(axis=1)
    total_images = total_images if total_images is not None else faces.total
    confusion = np.zeros((len(heroes), len(heroes)), dtype=int)
    for truth, guess in zip(y, order[:, 0]):
        confusion[truth, guess] += 1
    per_class = {
        hero: (float(top1[y == i].mean()) if (y == i).any() else None)
        for i, hero in enumerate(heroes)
    }
    n = len(y)
    return {
        "images": int(total_images),
        "faces": int(n),
        "detection_rate": round(n / total_images, 4) if total_images else None,
        "top1": round(float(top1.mean()), 4) if n else None,
        "top3": round(float(top3.mean()), 4) if n else None,
        "top1_all_images": round(float(top1.sum()) / total_images, 4) if total_images else None,
        "top3_all_images": round(float(top3.sum()) / total_images, 4) if total_images else None,
        "ece": round(expected_calibration_error(probabilities, y), 4) if n else None,
        "per_class_top1": {k: (round(v, 4) if v is not None else None) for k, v in per_class.items()},
        "confusion": {"labels": heroes, "matrix": confusion.tolist()},
    }


# -- putting it together ----------------------------------------------------------------------


def make_version(heroes, embeddings, seed, config=None):
    digest = hashlib.sha256()
    digest.update(json.dumps(list(heroes)).encode())
    digest.update(json.dumps(config or {}, sort_keys=True).encode())
    digest.update(np.ascontiguousarray(embeddings, dtype=np.float32).tobytes())
    digest.update(str(seed).encode())
    today = datetime.date.today().strftime("%Y%m%d")
    return f"heroes-{today}-{digest.hexdigest()[:8]}"


def train_classifier(train, valid, heroes, *, seed=0, keep_fraction=1.0, source=""):
    """Train, calibrate and describe a classifier. Returns (classifier, report).

    ``seed`` is recorded for reproducibility; the build itself is
    deterministic (no random initialisation, no sampling).
    """
    cleaned = drop_duplicates(train, valid)
    if keep_fraction < 1.0:
        cleaned = drop_label_outliers(cleaned, heroes, keep_fraction=keep_fraction)
    model = train_head(cleaned, heroes)
    classifier = HeroClassifier(
        model=model,
        heroes=list(heroes),
        temperature=1.0,
        centroids=centroids_for(cleaned, heroes),
        card={},
    )
    if valid is not None and len(valid):
        index = {hero: i for i, hero in enumerate(heroes)}
        y_valid = np.asarray([index[label] for label in valid.labels])
        classifier.temperature = fit_temperature(classifier.logits(valid.embeddings), y_valid)
    neighbours = {hero: neighbours_for(cleaned.labels.count(hero)) for hero in heroes}
    skipped_reasons = {}
    for _path, _label, reason in cleaned.skipped:
        skipped_reasons[reason] = skipped_reasons.get(reason, 0) + 1
    report = {
        "version": make_version(heroes, cleaned.embeddings, seed, {"neighbours": neighbours}),
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "source": source,
        "seed": seed,
        "embedding": "dlib face recognition ResNet v1 (Keras port), 128-D, mirror-averaged",
        "detector": "MTCNN (mtcnn package weights), largest face",
        "classifier": "Keras prototype classifier: centred cosine to every training face, "
        "mean of each hero's top-k, softmax with a calibrated temperature",
        "heroes": list(heroes),
        "train": {
            "images": train.total,
            "faces_found": len(train),
            "faces_used": len(cleaned),
            "per_hero": {hero: cleaned.labels.count(hero) for hero in heroes},
            "skipped": skipped_reasons,
            "keep_fraction": keep_fraction,
            "neighbours_per_hero": neighbours,
        },
        "temperature": classifier.temperature,
    }
    if valid is not None and len(valid):
        report["valid"] = evaluate(classifier, valid)
    classifier.card = report
    return classifier, report


def write_model(classifier, models_dir, *, activate=False):
    folder = Path(models_dir) / classifier.version
    classifier.save(folder)
    if activate:
        current = Path(models_dir) / "CURRENT"
        tmp = current.with_suffix(".tmp")
        tmp.write_text(classifier.version + "\n")
        os.replace(tmp, current)
    return folder

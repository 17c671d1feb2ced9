"""Training and evaluation of the hero classifier (no ORM, no HTTP).

The management commands ``train_heroes`` and ``evaluate_heroes`` glue these
functions to the catalog and the terminal.
"""

import dataclasses
import datetime
import hashlib
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from heroes.ml import engine as engine_module
from heroes.ml.align import align_face
from heroes.ml.classifier import (
    DEFAULT_SCORING,
    STRENGTH_STATISTIC,
    HeroClassifier,
    build_head,
    softmax,
    strength_percentile,
    strength_quantiles,
    unit,
)
from heroes.ml.errors import ImageRejected
from heroes.ml.intake import IMAGE_SUFFIXES, load_image

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


def labelled_items(items, mapping):
    """The one mapping from class folders to heroes: ([(path, hero key)],
    [(path, folder label)] of the items whose folder is no hero's key or
    alias) for [(path, folder label)] and a ``label_map``."""
    labelled, unknown = [], []
    for path, label in items:
        key = hero_for_label(label, mapping)
        if key is None:
            unknown.append((path, label))
        else:
            labelled.append((path, key))
    return labelled, unknown


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
    sources: list = None  # the --data source each face came from (its folder name)

    def __post_init__(self):
        if self.sources is None:
            self.sources = [""] * len(self.labels)

    def __len__(self):
        return len(self.labels)

    def with_source(self, name):
        self.sources = [name] * len(self.labels)
        return self

    def counts(self, heroes):
        return {hero: self.labels.count(hero) for hero in heroes}

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


def items_key(items, *, min_face_px=0, variant=""):
    """A fingerprint of what a FaceSet is made from: files, sizes, labels, settings."""
    digest = hashlib.sha256(f"min_face_px={min_face_px};{variant};".encode())
    for path, label in items:
        stat = os.stat(path) if isinstance(path, (str, os.PathLike)) else None
        digest.update(f"{path}|{label}|{stat.st_size if stat else len(path)}\n".encode())
    return digest.hexdigest()


def reencoded(path, *, quality=75, scale=0.5):
    """The photo at ``path`` as JPEG bytes at lower quality and size (a shared
    or messaged copy): the perturbation the tie margin and the stability
    check are measured on."""
    image = load_image(path).image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    buffer = io.BytesIO()
    image.resize(size, Image.Resampling.BILINEAR).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def extract_faces(hero_engine, items, *, progress=None, batch_size=64, min_face_px=0, names=None):
    """Detect, align and embed the largest face of each (path, hero key).

    Faces whose short side is under ``min_face_px`` count as not found.
    ``names``: optional, what to record as each item's path (for bytes).
    """
    chips, labels, paths, sizes, skipped = [], [], [], [], []
    for number, (source, hero) in enumerate(items, start=1):
        if names is not None:
            path = str(names[number - 1])
        else:
            path = str(source) if isinstance(source, (str, os.PathLike)) else f"<image {number}>"
        try:
            loaded = load_image(source)
            faces = [
                face
                for face in hero_engine.detector.detect(loaded.image)
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
        embeddings.append(hero_engine.embed_faces(np.stack(chips[start : start + batch_size])))
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
        sources=[faces.sources[i] for i in keep],
    )


def concat(facesets):
    """One FaceSet from several (e.g. the train splits of several sources)."""
    facesets = [faces for faces in facesets if faces is not None]
    dim = facesets[0].embeddings.shape[1] if facesets else 128
    return FaceSet(
        embeddings=np.concatenate([f.embeddings.reshape(-1, dim) for f in facesets])
        if facesets
        else np.zeros((0, dim), np.float32),
        labels=[label for f in facesets for label in f.labels],
        paths=[path for f in facesets for path in f.paths],
        face_sizes=[size for f in facesets for size in f.face_sizes],
        skipped=[item for f in facesets for item in f.skipped],
        total=sum(f.total for f in facesets),
        sources=[source for f in facesets for source in f.sources],
    )


def filter_paths(faces, drop):
    """``faces`` without the faces of the images in ``drop`` ({path: reason})."""
    keep = [i for i, path in enumerate(faces.paths) if path not in drop]
    cleaned = _subset(faces, keep)
    cleaned.skipped = faces.skipped + [
        (faces.paths[i], faces.labels[i], drop[faces.paths[i]])
        for i in range(len(faces))
        if faces.paths[i] in drop
    ]
    return cleaned


# -- several sources --------------------------------------------------------------


def source_names(roots):
    """A short, unique name per --data folder (its folder name)."""
    names = []
    for root in roots:
        base = Path(root).resolve().name or "data"
        name, n = base, 2
        while name in names:
            name, n = f"{base}-{n}", n + 1
        names.append(name)
    return names


def file_digest(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def content_duplicates(train_items, valid_items):
    """Images repeated byte for byte across sources and splits.

    Returns {path: reason} for training images to leave out: a picture filed
    under two heroes is dropped everywhere in training (its label is
    unknowable), a picture repeated under one hero is kept once, and a
    training picture that is also in a valid split is dropped from training
    (the valid splits are kept whole, so each source is judged on all of it).
    """
    valid_digests = {file_digest(path) for path, _hero in valid_items}
    by_digest = {}
    for path, hero in train_items:
        by_digest.setdefault(file_digest(path), []).append((str(path), hero))
    drop = {}
    for digest, group in by_digest.items():
        if digest in valid_digests:
            for path, _hero in group:
                drop[path] = "also_in_valid"
        elif len({hero for _path, hero in group}) > 1:
            for path, _hero in group:
                drop[path] = "duplicate_across_heroes"
        else:
            for path, _hero in group[1:]:
                drop[path] = "duplicate"
    return drop


# -- training ---------------------------------------------------------------------------


def centroids_for(faces, heroes):
    x = unit(faces.embeddings)
    labels = np.asarray(faces.labels)
    return unit(np.stack([x[labels == hero].mean(axis=0) for hero in heroes]))


def train_head(faces, heroes, scoring=DEFAULT_SCORING):
    """The Keras prototype classifier from a FaceSet (see classifier.py)."""
    index = {hero: i for i, hero in enumerate(heroes)}
    labels = np.asarray([index[label] for label in faces.labels])
    counts = np.bincount(labels, minlength=len(heroes))
    if (counts == 0).any():
        missing = [heroes[i] for i in np.nonzero(counts == 0)[0]]
        raise ValueError(f"no training faces for: {', '.join(missing)}")
    mean = faces.embeddings.mean(axis=0)
    return build_head(faces.embeddings, labels, len(heroes), mean=mean, scoring=scoring)


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
        "per_class_top1": {
            k: (round(v, 4) if v is not None else None) for k, v in per_class.items()
        },
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


# A lead of the top hero over the second that re-encoding the same photo
# moves by more than this share of the time cannot be trusted.
TIE_MOVE_SHARE = 0.75


# Person-level folds for the held-out summaries of the match strength.
STRENGTH_FOLDS = 10
# Per hero, how many of the heroes most often ranked right after it the
# card keeps (the hero pages show them).
CLOSE_HEROES = 3


def person_weights(people):
    """One weight per photo so that every person counts once, however many
    photos they have."""
    people = np.asarray(people)
    _names, inverse, counts = np.unique(people, return_inverse=True, return_counts=True)
    return 1.0 / counts[inverse]


def person_folds(people, folds=STRENGTH_FOLDS):
    """A fold number per photo: a person's photos share a fold, and the
    folds come from a hash of the name (the same on every run)."""
    return np.array(
        [int(hashlib.sha256(str(person).encode()).hexdigest()[:8], 16) % folds for person in people]
    )


def _weighted_median(values, weights):
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(np.asarray(weights)[order])
    return float(np.asarray(values)[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def _held_out_strength(top_strength, weights, folds):
    """Each photo's match strength on quantiles fitted without its person's fold."""
    held_out = np.zeros(len(top_strength))
    for fold in np.unique(folds):
        mine = folds == fold
        quantiles = strength_quantiles(top_strength[~mine], weights[~mine])
        held_out[mine] = strength_percentile(top_strength[mine], quantiles)
    return held_out


def _same_person_differences(values, people):
    differences = []
    for person in np.unique(people):
        mine = values[people == person]
        differences += [abs(a - b) for i, a in enumerate(mine) for b in mine[i + 1 :]]
    return differences


def _summary(values, people):
    differences = _same_person_differences(values, people)
    return {
        "photos": len(values),
        "people": int(len(np.unique(people))),
        "median": round(float(np.median(values)), 1),
        "p10": round(float(np.quantile(values, 0.1)), 1),
        "p90": round(float(np.quantile(values, 0.9)), 1),
        "same_person_median_difference": round(float(np.median(differences)), 1)
        if differences
        else None,
    }


def hero_profiles(heroes, ranked, held_out, weights):
    """Per hero, over the reference population: the share of people whose
    top hero it is, their median match strength (held out), and the heroes
    most often ranked right after it. ``ranked``: hero indices per photo,
    best first."""
    profiles = {}
    for h, hero in enumerate(heroes):
        mine = ranked[:, 0] == h
        if not mine.any():
            profiles[hero] = {"share": 0.0, "median_strength": None, "close": []}
            continue
        close = {}
        for second, weight in zip(ranked[mine, 1], weights[mine]):
            close[heroes[second]] = close.get(heroes[second], 0.0) + weight
        profiles[hero] = {
            "share": round(float(weights[mine].sum() / weights.sum()), 4),
            "median_strength": round(_weighted_median(held_out[mine], weights[mine]), 1),
            "close": [key for key, _w in sorted(close.items(), key=lambda kv: -kv[1])][
                :CLOSE_HEROES
            ],
        }
    return profiles


def population_strength(classifier, population):
    """The match-strength statistics of a classifier over a reference population.

    ``population``: a FaceSet of ordinary people never trained on (labels:
    person; sources: which reference set, e.g. news photos or celebrity-style
    photos). Every person counts once: a person's photos share one weight.
    Returns the card section (the quantiles of the top hero's normalised
    score, held-out summaries per reference set) and the hero profiles.
    """
    outputs = classifier.outputs(population.embeddings)
    ranked = np.argsort(-outputs[:, 0], axis=1, kind="stable")
    top_strength = outputs[np.arange(len(ranked)), 1, ranked[:, 0]]
    people = np.asarray(
        [f"{source}/{person}" for source, person in zip(population.sources, population.labels)]
    )
    sources = np.asarray(population.sources)
    weights = person_weights(people)
    held_out = _held_out_strength(top_strength, weights, person_folds(people))
    section = {
        "statistic": STRENGTH_STATISTIC,
        "method": "each hero's ranking score minus the mean, over the spread, of the face's "
        "similarities to every gallery face; the top hero's value placed on its distribution "
        "over a reference population of ordinary people never trained on (a percentile; "
        "every person weighs the same, whatever their number of photos)",
        "population": {
            name: {
                "faces": int((sources == name).sum()),
                "people": int(len(np.unique(people[sources == name]))),
                "weight": round(float(weights[sources == name].sum() / weights.sum()), 3),
            }
            for name in sorted(set(population.sources))
        },
        "quantiles": strength_quantiles(top_strength, weights),
        "summary": {
            "held_out": "each person's photos placed on quantiles fitted without them "
            f"({STRENGTH_FOLDS} person-level folds)",
            "all": _summary(held_out, people),
            **{
                name: _summary(held_out[sources == name], people[sources == name])
                for name in sorted(set(population.sources))
            },
        },
    }
    return section, hero_profiles(classifier.heroes, ranked, held_out, weights)


def tie_margin_from_reencoding(classifier, population, reencoded):
    """The tie margin, from how much re-encoding moves the top hero's lead.

    For each population photo, the lead of its top hero over the second (in
    calibrated probability) is compared with the same two heroes' gap after
    re-encoding the photo (JPEG quality 75, half size). The margin is the
    move that TIE_MOVE_SHARE of photos exceed: a lead smaller than that is
    within the noise of an ordinary re-encoding, so the two heroes are
    reported as nearly tied."""
    where = {path: i for i, path in enumerate(population.paths)}
    pairs = [(where[path], j) for j, path in enumerate(reencoded.paths) if path in where]
    if not pairs:
        return 0.0, {}
    temperature = classifier.scoring.temperature
    original = softmax(classifier.logits(population.embeddings), temperature)
    again = softmax(classifier.logits(reencoded.embeddings), temperature)
    leads, moves, kept = [], [], []
    for i, j in pairs:
        a, b = np.argsort(-original[i])[:2]
        leads.append(float(original[i, a] - original[i, b]))
        moves.append(abs(leads[-1] - float(again[j, a] - again[j, b])))
        kept.append(bool(np.argmax(again[j]) == a))
    leads, kept = np.asarray(leads), np.asarray(kept)
    margin = float(np.quantile(moves, 1 - TIE_MOVE_SHARE))
    clear = leads >= margin
    return round(margin, 4), {
        "method": "the lead of the top hero over the second (calibrated probability) that "
        "re-encoding a reference photo (JPEG quality 75, half size) moves by more than in "
        f"{TIE_MOVE_SHARE:.0%} of photos",
        "reencoding": {
            "photos": len(pairs),
            "top_hero_kept": int(kept.sum()),
            "nearly_tied": int((~clear).sum()),
            "top_hero_kept_when_not_tied": round(float(kept[clear].mean()), 3)
            if clear.any()
            else None,
        },
    }


def _valid_sets(valid):
    """{source name: FaceSet} from a FaceSet, a dict of them or None; empty ones left out."""
    sets = valid if isinstance(valid, dict) else ({"valid": valid} if valid is not None else {})
    return {name: faces for name, faces in sets.items() if faces is not None and len(faces)}


def _calibrated_classifier(cleaned, heroes, all_valid):
    """The head over the cleaned training faces, its temperature fitted on
    the valid faces (1.0 without them)."""
    classifier = HeroClassifier(
        model=train_head(cleaned, heroes),
        heroes=list(heroes),
        centroids=centroids_for(cleaned, heroes),
    )
    if all_valid is not None:
        index = {hero: i for i, hero in enumerate(heroes)}
        y_valid = np.asarray([index[label] for label in all_valid.labels])
        temperature = fit_temperature(classifier.logits(all_valid.embeddings), y_valid)
        classifier.scoring = dataclasses.replace(classifier.scoring, temperature=temperature)
    return classifier


def _train_counts(train, cleaned, heroes, keep_fraction, neighbours):
    """The card's ``train`` section: images, faces, per hero and per source."""
    skipped_reasons = {}
    for _path, _label, reason in cleaned.skipped:
        skipped_reasons[reason] = skipped_reasons.get(reason, 0) + 1
    per_source = {}
    for name in sorted(set(train.sources)):
        labels = [label for s, label in zip(cleaned.sources, cleaned.labels) if s == name]
        per_source[name] = {
            "faces_used": len(labels),
            "per_hero": {hero: labels.count(hero) for hero in heroes},
        }
    return {
        "images": train.total,
        "faces_found": len(train),
        "faces_used": len(cleaned),
        "per_hero": {hero: cleaned.labels.count(hero) for hero in heroes},
        "per_source": per_source,
        "skipped": skipped_reasons,
        "keep_fraction": keep_fraction,
        "neighbours_per_hero": neighbours,
    }


def train_classifier(
    train, valid, heroes, *, population=None, reencoded=None, seed=0, keep_fraction=1.0, source=""
):
    """Train, calibrate and describe a classifier. Returns (classifier, report).

    ``valid``: a FaceSet or {source name: FaceSet}; each is reported on its
    own and all of them calibrate the temperature. ``population`` (and its
    ``reencoded`` copies): see ``population_strength``. ``seed`` is recorded
    for reproducibility; the build itself is deterministic (no random
    initialisation, no sampling).
    """
    valid_sets = _valid_sets(valid)
    all_valid = concat(list(valid_sets.values())) if valid_sets else None
    cleaned = drop_duplicates(train, all_valid)
    if keep_fraction < 1.0:
        cleaned = drop_label_outliers(cleaned, heroes, keep_fraction=keep_fraction)
    classifier = _calibrated_classifier(cleaned, heroes, all_valid)
    neighbours = {
        hero: classifier.scoring.neighbours(cleaned.labels.count(hero)) for hero in heroes
    }
    config = {
        "neighbours": neighbours,
        "scoring": classifier.scoring.as_card() | {"temperature": None, "tie_margin": None},
        "population": sorted(set(population.sources)) if population is not None else [],
    }
    report = {
        "version": make_version(heroes, cleaned.embeddings, seed, config),
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "source": source,
        "seed": seed,
        "embedding": "dlib face recognition ResNet v1 (Keras port), 128-D, mirror-averaged",
        "detector": "MTCNN (mtcnn package weights), largest face",
        "classifier": "Keras prototype classifier: centred cosine to every training face; per "
        "hero the mean of its top-k plus an identity bonus for near-identical faces; softmax "
        "with a calibrated temperature",
        "heroes": list(heroes),
        "train": _train_counts(train, cleaned, heroes, keep_fraction, neighbours),
    }
    if population is not None and len(population):
        strength, profiles = population_strength(classifier, population)
        classifier.card = {"match_strength": strength}
        report["match_strength"] = strength
        report["hero_profiles"] = profiles
        if reencoded is not None and len(reencoded):
            margin, report["nearly_tied"] = tie_margin_from_reencoding(
                classifier, population, reencoded
            )
            classifier.scoring = dataclasses.replace(classifier.scoring, tie_margin=margin)
    report["scoring"] = classifier.scoring.as_card()
    if valid_sets:
        report["valid"] = {name: evaluate(classifier, faces) for name, faces in valid_sets.items()}
    classifier.card = report
    return classifier, report


def write_model(classifier, models_dir=None, *, activate=False):
    """Write the model to heroes/ml/models/<version>/ (or ``models_dir``);
    ``activate``: make it the active model (running processes load it on
    their next photo). Returns the folder."""
    folder = Path(models_dir or engine_module.MODELS_DIR) / classifier.version
    classifier.save(folder)
    if activate:
        current = folder.parent / "CURRENT"
        tmp = current.with_suffix(".tmp")
        tmp.write_text(classifier.version + "\n")
        os.replace(tmp, current)
    return folder

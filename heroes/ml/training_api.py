"""The training door: what the train_heroes and evaluate_heroes commands
use, and nothing else does (the site ranks photos through heroes/ml/api.py).

Image lists in, a trained model and its report (or an evaluation report)
out. No ORM, no terminal: the commands pass the catalog's heroes and images,
a ``log`` function for lines of text and a ``progress`` factory for
progress bars. Items are ``(path or bytes, hero key)``; a source is one
--data folder (or the catalog) with its train and valid items.
"""

from pathlib import Path

from heroes.ml import training
from heroes.ml.engine import MIN_FACE_PX, HeroEngine
from heroes.ml.errors import ModelUnavailable, TrainingDataMissing
from heroes.ml.intake import IMAGE_SUFFIXES
from heroes.ml.training import reencoded, write_model

__all__ = [
    "ModelUnavailable",
    "TrainingDataMissing",
    "evaluate_model",
    "folder_sources",
    "reencoded",
    "train_model",
    "write_model",
]


def _quiet(_line):
    pass


class _NoProgress:
    def __call__(self, done, total):
        pass

    def close(self):
        pass


def folder_sources(roots, heroes):
    """{source name: (train items, valid items)} for ImageFolder roots
    (ROOT/train/<class>/, ROOT/valid/<class>/), class folders matched to
    ``heroes`` [(key, aliases)] by key or alias; and the folder labels no
    hero has, sorted. Raises TrainingDataMissing for a root without train/
    or valid/."""
    mapping = training.label_map(heroes)
    sources, unknown = {}, set()
    for name, root in zip(training.source_names(roots), roots):
        try:
            splits = [training.image_folder(root, split) for split in ("train", "valid")]
        except FileNotFoundError as exc:
            raise TrainingDataMissing(str(exc)) from None
        mapped = []
        for items in splits:
            labelled, skipped = training.labelled_items(items, mapping)
            mapped.append(labelled)
            unknown.update(label for _path, label in skipped)
        sources[name] = tuple(mapped)
    return sources, sorted(unknown)


def population_items(root):
    """[(path, person)] for ROOT/<person>/* photos. Raises TrainingDataMissing."""
    root = Path(root)
    if not root.is_dir():
        raise TrainingDataMissing(f"{root} is not a folder")
    return [
        (path, person.name)
        for person in sorted(p for p in root.iterdir() if p.is_dir())
        for path in sorted(person.iterdir())
        if path.suffix.lower() in IMAGE_SUFFIXES
    ]


class FaceExtraction:
    """Faces of item lists, detected, aligned and embedded, by engines loaded
    on first use; kept in ``cache`` (a folder) when given, so a rerun on the
    same images skips detection and embedding."""

    def __init__(self, cache=None, *, log=_quiet, progress=None):
        self.cache = Path(cache) if cache else None
        self.log = log
        self.progress = progress or (lambda label: _NoProgress())
        self._training_engine = None
        self._upload_engine = None

    def faces(self, name, items, min_face_px, *, for_upload=False, reencode=False):
        """The FaceSet of ``items``. ``for_upload``: detect as the site does
        for an upload (training detection also takes small faces).
        ``reencode``: the photos as re-encoded copies (``training.reencoded``),
        recorded under their paths."""
        cache = self.cache / f"{name}.npz" if self.cache else None
        key = training.items_key(
            items, min_face_px=min_face_px, variant=f"upload={for_upload};reencode={reencode}"
        )
        if cache and cache.exists():
            cached = training.FaceSet.load(cache, key=key)
            if cached is not None:
                self.log(f"{name}: faces from the cache {cache}")
                return cached
        if for_upload:
            self._upload_engine = self._upload_engine or HeroEngine(with_classifier=False)
            hero_engine = self._upload_engine
        else:
            self._training_engine = self._training_engine or HeroEngine.for_training()
            hero_engine = self._training_engine
        names = None
        if reencode:
            names = [str(path) for path, _label in items]
            items = [(training.reencoded(path), label) for path, label in items]
        progress = self.progress(f"{name} faces")
        faces = training.extract_faces(
            hero_engine, items, progress=progress, min_face_px=min_face_px, names=names
        )
        progress.close()
        self.log(
            f"{name}: {faces.total} images, {len(faces)} with a face, {len(faces.skipped)} skipped"
        )
        if cache:
            cache.parent.mkdir(parents=True, exist_ok=True)
            faces.save(cache, key=key)
        return faces


def train_model(
    sources,
    heroes,
    *,
    population=None,
    seed=0,
    keep_fraction=1.0,
    description="",
    drop_repeated_files=True,
    cache=None,
    log=_quiet,
    progress=None,
):
    """Train a classifier for the hero keys ``heroes`` from ``sources``
    ({name: (train items, valid items)}). Returns (classifier, report).

    ``population``: folders of ordinary people's photos (see
    ``population_items``; a single folder is accepted too), the reference
    for the match strength. Each person counts once, whichever folder.
    ``drop_repeated_files``: leave out training images repeated byte for byte
    (files only). Raises TrainingDataMissing when a hero has no training
    image or the population folder is missing.
    """
    used = {key for train_items, _valid in sources.values() for _path, key in train_items}
    missing = [key for key in heroes if key not in used]
    if missing:
        raise TrainingDataMissing(f"no training images for: {', '.join(missing)}")
    extraction = FaceExtraction(cache, log=log, progress=progress)
    all_train = [item for train_items, _valid in sources.values() for item in train_items]
    all_valid = [item for _train, valid_items in sources.values() for item in valid_items]
    repeated = training.content_duplicates(all_train, all_valid) if drop_repeated_files else {}
    train_sets, valid_sets = _source_faces(extraction, sources)
    train = training.filter_paths(training.concat(train_sets), repeated)
    for name in sources:
        log(
            f"{name}: train {sum(1 for s in train.sources if s == name)} faces used, "
            f"valid {len(valid_sets[name]) if name in valid_sets else 0} faces"
        )
    people = reencoded = None
    if population:
        people, reencoded = _population_faces(extraction, population, log)

    classifier, report = training.train_classifier(
        train,
        valid_sets,
        list(heroes),
        population=people,
        reencoded=reencoded,
        seed=seed,
        keep_fraction=keep_fraction,
        source=description,
    )
    _add_source_counts(report["train"], sources, train_sets, repeated)
    return classifier, report


def _add_source_counts(train_report, sources, train_sets, repeated):
    """Each source's images, faces found and repeated images dropped, in the
    card's ``train`` section."""
    for name, faces in zip(sources, train_sets):
        train_items = sources[name][0]
        per_source = train_report["per_source"].setdefault(name, {})
        per_source["images"] = len(train_items)
        per_source["faces_found"] = len(faces)
        per_source["repeated_images_dropped"] = sum(
            1 for path, _key in train_items if str(path) in repeated
        )
    train_report["faces_found"] = sum(len(faces) for faces in train_sets)


def _source_faces(extraction, sources):
    """Each source's training faces (a list, in order) and valid faces
    ({name: FaceSet}, sources without a valid split left out)."""
    train_sets, valid_sets = [], {}
    for name, (train_items, valid_items) in sources.items():
        train_sets.append(extraction.faces(f"{name}-train", train_items, 0).with_source(name))
        # Valid splits are judged as the site judges uploads: faces too
        # small to compare do not count as found.
        if valid_items:
            valid_sets[name] = extraction.faces(
                f"{name}-valid", valid_items, MIN_FACE_PX
            ).with_source(name)
    return train_sets, valid_sets


def _population_faces(extraction, roots, log):
    """The reference population's faces, and the same photos re-encoded: one
    FaceSet each over every folder in ``roots``, sources named after the
    folders. Measured as uploads are: the site's own detector settings."""
    roots = [roots] if isinstance(roots, (str, Path)) else list(roots)
    people, reencoded = [], []
    for name, root in zip(training.source_names(roots), roots):
        items = population_items(root)
        people.append(
            extraction.faces(f"population-{name}", items, MIN_FACE_PX, for_upload=True).with_source(
                name
            )
        )
        reencoded.append(
            extraction.faces(
                f"population-{name}-reencoded", items, MIN_FACE_PX, for_upload=True, reencode=True
            ).with_source(name)
        )
        log(f"population {name}: {len(people[-1])} faces of {people[-1].total} photos")
    return training.concat(people), training.concat(reencoded)


def evaluate_model(roots, *, split="valid", aliases=None, warn=_quiet, progress=None, done=None):
    """Evaluate the active model on ROOT/<split>/<class>/ images, each root on
    its own. ``aliases``: {hero key: [aliases]} for matching class folders;
    ``warn`` gets a line per image skipped; ``done(metrics)`` is called as
    each root is evaluated. Returns {source name: metrics}. Raises
    ModelUnavailable, TrainingDataMissing."""
    progress = progress or (lambda label: _NoProgress())
    hero_engine = HeroEngine()
    aliases = aliases or {}
    mapping = training.label_map([(key, aliases.get(key, [])) for key in hero_engine.heroes])
    report = {}
    for name, root in zip(training.source_names(roots), roots):
        try:
            items = training.image_folder(root, split)
        except FileNotFoundError as exc:
            raise TrainingDataMissing(str(exc)) from None
        labelled, skipped = training.labelled_items(items, mapping)
        for path, label in skipped:
            warn(f"skipping {path}: folder {label!r} is not a hero of this model")
        bar = progress(f"{name} faces")
        faces = training.extract_faces(hero_engine, labelled, progress=bar, min_face_px=MIN_FACE_PX)
        bar.close()
        metrics = training.evaluate(hero_engine.classifier, faces, total_images=len(labelled))
        metrics["model_version"] = hero_engine.version
        metrics["split"] = f"{name}/{split}"
        if done:
            done(metrics)
        report[name] = metrics
    return report

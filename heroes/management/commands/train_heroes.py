"""Train a new hero model and write it with its model card.

    python manage.py train_heroes --data DIR [--data DIR ...] [--population DIR] [--activate]
    python manage.py train_heroes --from-catalog [--activate]

``--data`` reads an ImageFolder layout (DIR/train/<class>/, DIR/valid/<class>/);
class folders are matched to heroes by key or alias (``ironman`` ->
``iron-man``). ``--from-catalog`` trains from the reference images that
moderators attach to heroes in the admin. Deterministic given ``--seed``.
"""

import json
import random
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from heroes.models import Hero, HeroImage


class Command(BaseCommand):
    help = "Train the hero classifier from image folders or from the catalog's reference images."

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument(
            "--data",
            action="append",
            help="folder with train/<class>/ and valid/<class>/; repeat to merge several "
            "sources (class folders of the same hero are merged, repeated images dropped)",
        )
        source.add_argument(
            "--from-catalog", action="store_true", help="use the heroes' reference images"
        )
        parser.add_argument(
            "--population",
            help="folder of <person>/ photos of ordinary people, never trained on: the "
            "reference for the match strength (without it the model has none)",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=0,
            help="seed for choosing held-out images (--from-catalog); recorded in the card",
        )
        parser.add_argument(
            "--keep-fraction",
            type=float,
            default=1.0,
            help="per hero and source, keep only this share of training faces, those closest "
            "to the hero's mean face (1.0: keep all)",
        )
        parser.add_argument(
            "--output", help="models folder (default: heroes/ml/models, next to CURRENT)"
        )
        parser.add_argument(
            "--activate", action="store_true", help="make the new model the current one"
        )
        parser.add_argument("--dry-run", action="store_true", help="train and report, write nothing")
        parser.add_argument(
            "--cache",
            help="folder for the extracted face embeddings: a rerun on the same images "
            "skips detection and embedding",
        )

    def handle(self, *args, **options):
        from heroes.ml import training
        from heroes.ml.engine import MIN_FACE_PX, MODELS_DIR

        heroes = list(Hero.objects.filter(is_active=True).order_by("order", "key"))
        if len(heroes) < 2:
            raise CommandError("at least two active heroes are needed")
        keys = [hero.key for hero in heroes]
        self._engine = self._upload_engine = None
        self._cache = Path(options["cache"]) if options["cache"] else None

        if options["data"]:
            names = training.source_names(options["data"])
            splits = {
                name: self._folder_items(root, heroes, training)
                for name, root in zip(names, options["data"])
            }
            source = "folders " + ", ".join(options["data"])
        else:
            names = ["catalog"]
            splits = {"catalog": self._catalog_items(heroes, seed=options["seed"])}
            source = "catalog reference images"
        used = sorted({key for train_items, _valid in splits.values() for _path, key in train_items})
        missing = [key for key in keys if key not in used]
        if missing:
            raise CommandError(f"no training images for: {', '.join(missing)}")

        all_train = [item for train_items, _valid in splits.values() for item in train_items]
        all_valid = [item for _train, valid_items in splits.values() for item in valid_items]
        repeated = (
            training.content_duplicates(all_train, all_valid) if options["data"] else {}
        )
        train_sets, valid_sets = [], {}
        for name in names:
            train_items, valid_items = splits[name]
            train_sets.append(self._faces(f"{name}-train", train_items, 0).with_source(name))
            # Valid splits are judged as the site judges uploads: faces too
            # small to compare do not count as found.
            if valid_items:
                valid_sets[name] = self._faces(
                    f"{name}-valid", valid_items, MIN_FACE_PX
                ).with_source(name)
        train = training.filter_paths(training.concat(train_sets), repeated)
        for name in names:
            self.stdout.write(
                f"{name}: train {sum(1 for s in train.sources if s == name)} faces used, "
                f"valid {len(valid_sets[name]) if name in valid_sets else 0} faces"
            )
        population = reencoded = None
        if options["population"]:
            # Measured as uploads are: the site's own detector settings.
            people = self._population_items(options["population"])
            population = self._faces("population", people, MIN_FACE_PX, for_upload=True)
            reencoded = self._faces(
                "population-reencoded", people, MIN_FACE_PX, for_upload=True, reencode=True
            )
            self.stdout.write(f"population: {len(population)} faces of {population.total} photos")

        classifier, report = training.train_classifier(
            train,
            valid_sets,
            keys,
            population=population,
            reencoded=reencoded,
            seed=options["seed"],
            keep_fraction=options["keep_fraction"],
            source=source,
        )
        for name, faces in zip(names, train_sets):
            train_items = splits[name][0]
            per_source = report["train"]["per_source"].setdefault(name, {})
            per_source["images"] = len(train_items)
            per_source["faces_found"] = len(faces)
            per_source["repeated_images_dropped"] = sum(
                1 for path, _key in train_items if str(path) in repeated
            )
        report["train"]["faces_found"] = sum(len(faces) for faces in train_sets)
        self.stdout.write(json.dumps(report["train"], indent=2, ensure_ascii=False))
        for name, v in report.get("valid", {}).items():
            self.stdout.write(
                f"valid {name}: detection {v['detection_rate']}, top-1 {v['top1']}, "
                f"top-3 {v['top3']} (all images: top-1 {v['top1_all_images']}), ECE {v['ece']}"
            )
        if "match_strength" in report:
            self.stdout.write(
                "match strength: " + json.dumps(report["match_strength"]["summary"])
            )
        if options["dry_run"]:
            self.stdout.write("dry run: nothing written")
            return
        folder = training.write_model(
            classifier, options["output"] or MODELS_DIR, activate=options["activate"]
        )
        self.stdout.write(self.style.SUCCESS(f"model {classifier.version} written to {folder}"))
        if options["activate"]:
            self.stdout.write(self.style.SUCCESS(f"{classifier.version} is now the current model"))

    def _faces(self, name, items, min_face_px, *, for_upload=False, reencode=False):
        """Faces of ``items`` (detected, aligned, embedded), from the cache when it has them.

        ``for_upload``: detect as the site does for an upload (training
        detection also takes small faces). ``reencode``: the photos as
        re-encoded copies (``training.reencoded``), recorded under their paths.
        """
        from heroes.management.commands._progress import Progress
        from heroes.ml import training
        from heroes.ml.engine import HeroEngine

        cache = self._cache / f"{name}.npz" if self._cache else None
        key = training.items_key(
            items, min_face_px=min_face_px, variant=f"upload={for_upload};reencode={reencode}"
        )
        if cache and cache.exists():
            cached = training.FaceSet.load(cache, key=key)
            if cached is not None:
                self.stdout.write(f"{name}: faces from the cache {cache}")
                return cached
        if for_upload:
            self._upload_engine = self._upload_engine or HeroEngine(with_classifier=False)
            engine = self._upload_engine
        else:
            self._engine = self._engine or HeroEngine.for_training()
            engine = self._engine
        names = None
        if reencode:
            names = [str(path) for path, _label in items]
            items = [(training.reencoded(path), label) for path, label in items]
        progress = Progress(self.stdout, f"{name} faces")
        faces = training.extract_faces(
            engine, items, progress=progress, min_face_px=min_face_px, names=names
        )
        progress.close()
        self.stdout.write(
            f"{name}: {faces.total} images, {len(faces)} with a face, {len(faces.skipped)} skipped"
        )
        if cache:
            cache.parent.mkdir(parents=True, exist_ok=True)
            faces.save(cache, key=key)
        return faces

    @staticmethod
    def _population_items(root):
        from heroes.ml.training import IMAGE_SUFFIXES

        root = Path(root)
        if not root.is_dir():
            raise CommandError(f"{root} is not a folder")
        return [
            (path, person.name)
            for person in sorted(p for p in root.iterdir() if p.is_dir())
            for path in sorted(person.iterdir())
            if path.suffix.lower() in IMAGE_SUFFIXES
        ]

    def _folder_items(self, root, heroes, training):
        mapping = training.label_map([(hero.key, hero.aliases) for hero in heroes])
        try:
            splits = [training.image_folder(root, split) for split in ("train", "valid")]
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        result = []
        unknown = set()
        for items in splits:
            mapped = []
            for path, label in items:
                key = training.hero_for_label(label, mapping)
                if key is None:
                    unknown.add(label)
                else:
                    mapped.append((path, key))
            result.append(mapped)
        for label in sorted(unknown):
            self.stderr.write(f"skipping folder {label!r}: no active hero has that key or alias")
        return result

    def _catalog_items(self, heroes, *, seed):
        """Reference images; heroes without a valid split lend 20% of theirs
        (chosen with ``seed``)."""
        train, valid = [], []
        rng = random.Random(seed)
        for hero in heroes:
            images = list(HeroImage.objects.filter(hero=hero).order_by("pk"))
            own_valid = [img for img in images if img.split == HeroImage.VALID]
            own_train = [img for img in images if img.split == HeroImage.TRAIN]
            if not own_valid and len(own_train) >= 5:
                rng.shuffle(own_train)
                cut = max(1, len(own_train) // 5)
                own_valid, own_train = own_train[:cut], own_train[cut:]
            train += [(self._path(img), hero.key) for img in own_train]
            valid += [(self._path(img), hero.key) for img in own_valid]
        return train, valid

    @staticmethod
    def _path(image):
        try:
            return Path(image.image.path)
        except NotImplementedError:  # remote storage: read the bytes
            with image.image.open("rb") as handle:
                return handle.read()

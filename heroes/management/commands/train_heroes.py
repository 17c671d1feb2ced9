"""Train a new hero model and write it with its model card.

    python manage.py train_heroes --data DIR [--activate]
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
    help = "Train the hero classifier from an image folder or from the catalog's reference images."

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--data", help="folder with train/<class>/ and valid/<class>/")
        source.add_argument(
            "--from-catalog", action="store_true", help="use the heroes' reference images"
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
            help="per hero, keep only this share of training faces, those closest to the "
            "hero's mean face (1.0: keep all)",
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
        from heroes.ml.engine import MIN_FACE_PX, MODELS_DIR, HeroEngine
        from heroes.management.commands._progress import Progress

        heroes = list(Hero.objects.filter(is_active=True).order_by("order", "key"))
        if len(heroes) < 2:
            raise CommandError("at least two active heroes are needed")
        keys = [hero.key for hero in heroes]

        if options["data"]:
            train_items, valid_items = self._folder_items(options["data"], heroes, training)
            source = f"folder {options['data']}"
        else:
            train_items, valid_items = self._catalog_items(heroes, seed=options["seed"])
            source = "catalog reference images"
        used = sorted({key for _path, key in train_items})
        missing = [key for key in keys if key not in used]
        if missing:
            raise CommandError(f"no training images for: {', '.join(missing)}")

        engine = None

        def faces_for(name, items, min_face_px):
            nonlocal engine
            cache = Path(options["cache"]) / f"{name}.npz" if options["cache"] else None
            key = training.items_key(items, min_face_px=min_face_px)
            if cache and cache.exists():
                cached = training.FaceSet.load(cache, key=key)
                if cached is not None:
                    self.stdout.write(f"{name}: faces from the cache {cache}")
                    return cached
            engine = engine or HeroEngine.for_training()
            progress = Progress(self.stdout, f"{name} faces")
            faces = training.extract_faces(
                engine, items, progress=progress, min_face_px=min_face_px
            )
            progress.close()
            if cache:
                cache.parent.mkdir(parents=True, exist_ok=True)
                faces.save(cache, key=key)
            return faces

        train = faces_for("train", train_items, 0)
        # The valid split is judged as the site judges uploads: faces too small
        # to compare do not count as found.
        valid = faces_for("valid", valid_items, MIN_FACE_PX)
        self.stdout.write(
            f"train: {train.total} images, {len(train)} with a face, {len(train.skipped)} skipped"
        )
        self.stdout.write(
            f"valid: {valid.total} images, {len(valid)} with a face, {len(valid.skipped)} skipped"
        )

        classifier, report = training.train_classifier(
            train,
            valid,
            keys,
            seed=options["seed"],
            keep_fraction=options["keep_fraction"],
            source=source,
        )
        self.stdout.write(json.dumps(report["train"], indent=2, ensure_ascii=False))
        if "valid" in report:
            v = report["valid"]
            self.stdout.write(
                f"valid: detection {v['detection_rate']}, top-1 {v['top1']}, top-3 {v['top3']} "
                f"(all images: top-1 {v['top1_all_images']}), ECE {v['ece']}, "
                f"temperature {report['temperature']:.3f}"
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

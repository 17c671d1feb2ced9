"""Train a new hero model and write it with its model card.

    python manage.py train_heroes --data DIR [--data DIR ...] [--population DIR] [--activate]
    python manage.py train_heroes --from-catalog [--activate]

``--data`` reads an ImageFolder layout (DIR/train/<class>/, DIR/valid/<class>/);
class folders are matched to heroes by key or alias (``ironman`` ->
``iron-man``). ``--from-catalog`` trains from the reference images that
moderators attach to heroes in the admin. Deterministic given ``--seed``.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from heroes import selectors
from heroes.management.commands._progress import Progress
from heroes.ml import training_api as training


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
            action="append",
            help="folder of <person>/ photos of ordinary people, never trained on: the "
            "reference for the match strength (without it the model has none); repeat for "
            "several kinds of photo (each person counts once)",
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
        parser.add_argument(
            "--dry-run", action="store_true", help="train and report, write nothing"
        )
        parser.add_argument(
            "--cache",
            help="folder for the extracted face embeddings: a rerun on the same images "
            "skips detection and embedding",
        )

    def handle(self, *args, **options):
        heroes = list(selectors.hero_list_active())
        if len(heroes) < 2:
            raise CommandError("at least two active heroes are needed")
        try:
            if options["data"]:
                sources, unknown = training.folder_sources(
                    options["data"], [(hero.key, hero.aliases) for hero in heroes]
                )
                for label in unknown:
                    self.stderr.write(
                        f"skipping folder {label!r}: no active hero has that key or alias"
                    )
                description = "folders " + ", ".join(options["data"])
            else:
                sources = {
                    "catalog": selectors.hero_images_for_training(
                        heroes=heroes, seed=options["seed"]
                    )
                }
                description = "catalog reference images"
            classifier, report = training.train_model(
                sources,
                [hero.key for hero in heroes],
                population=options["population"],
                seed=options["seed"],
                keep_fraction=options["keep_fraction"],
                description=description,
                drop_repeated_files=bool(options["data"]),
                cache=options["cache"],
                log=self.stdout.write,
                progress=lambda label: Progress(self.stdout, label),
            )
        except training.TrainingDataMissing as exc:
            raise CommandError(str(exc)) from None
        self._report(report)
        if options["dry_run"]:
            self.stdout.write("dry run: nothing written")
            return
        folder = training.write_model(classifier, options["output"], activate=options["activate"])
        self.stdout.write(self.style.SUCCESS(f"model {classifier.version} written to {folder}"))
        if options["activate"]:
            self.stdout.write(self.style.SUCCESS(f"{classifier.version} is now the current model"))

    def _report(self, report):
        self.stdout.write(json.dumps(report["train"], indent=2, ensure_ascii=False))
        for name, v in report.get("valid", {}).items():
            self.stdout.write(
                f"valid {name}: detection {v['detection_rate']}, top-1 {v['top1']}, "
                f"top-3 {v['top3']} (all images: top-1 {v['top1_all_images']}), ECE {v['ece']}"
            )
        if "match_strength" in report:
            self.stdout.write(
                "match strength (held out): "
                + json.dumps(report["match_strength"]["summary"], ensure_ascii=False)
            )

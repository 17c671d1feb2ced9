"""Evaluate the current hero model on a labelled image folder.

    python manage.py evaluate_heroes --data DIR [--data DIR ...] [--split valid] [--json-out FILE]

Each folder's split is reported on its own (a clean actor set and a noisy
web set say different things). Prints the detection rate, top-1 and top-3 accuracy (on images with a face,
and counting faceless images as misses), per-hero accuracy, the confusion
matrix and the expected calibration error.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from heroes.management.commands._progress import Progress
from heroes.ml import training_api as training
from heroes.models import Hero


class Command(BaseCommand):
    help = "Evaluate the current hero model on DIR/<split>/<class>/ images."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data",
            required=True,
            action="append",
            help="folder with <split>/<class>/ images; repeat for several sources",
        )
        parser.add_argument("--split", default="valid")
        parser.add_argument("--json-out", help="also write the metrics to this JSON file")

    def handle(self, *args, **options):
        aliases = {hero.key: hero.aliases for hero in Hero.objects.all()}
        try:
            report = training.evaluate_model(
                options["data"],
                split=options["split"],
                aliases=aliases,
                warn=self.stderr.write,
                progress=lambda label: Progress(self.stdout, label),
                done=self._print,
            )
        except (training.ModelUnavailable, training.TrainingDataMissing) as exc:
            raise CommandError(str(exc)) from None
        if options["json_out"]:
            with open(options["json_out"], "w") as handle:
                json.dump(report, handle, indent=2, ensure_ascii=False)
            self.stdout.write(f"metrics written to {options['json_out']}")

    def _print(self, m):
        w = self.stdout.write
        w(f"model {m['model_version']}, split {m['split']}")
        w(f"images {m['images']}, faces found {m['faces']} (detection rate {m['detection_rate']})")
        w(f"on images with a face: top-1 {m['top1']}, top-3 {m['top3']}")
        w(
            f"counting faceless images as misses: top-1 {m['top1_all_images']}, "
            f"top-3 {m['top3_all_images']}"
        )
        w(f"expected calibration error: {m['ece']}")
        w("per-hero top-1:")
        for hero, value in m["per_class_top1"].items():
            w(f"  {hero:<18} {value}")
        labels = m["confusion"]["labels"]
        w("confusion (rows: truth, columns: prediction):")
        w(" " * 18 + " ".join(f"{label[:6]:>6}" for label in labels))
        for label, row in zip(labels, m["confusion"]["matrix"]):
            w(f"{label:<18}" + " ".join(f"{value:>6}" for value in row))

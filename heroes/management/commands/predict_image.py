"""Rank the heroes for photos: one JSON line per file.

    python manage.py predict_image PATH [PATH ...] [--json]

Each line is ``{"path", "faces", "hero", "match_strength", "nearly_tied",
"ranking": [{"hero", "probability", "similarity", "index"}], "model_version"}``
or ``{"path", "error"}``. ``index`` and ``match_strength`` are 0-100 on the
match-strength scale (null for a model without population statistics).
Folders are walked. This output is the contract scripts use: keep every key;
add, never rename.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from heroes.ml import api as engine_api


def score_or_none(value):
    return None if value is None else round(value, 1)


def _walk(paths):
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in engine_api.IMAGE_SUFFIXES:
                    yield child
        else:
            yield path


class Command(BaseCommand):
    help = "Rank every hero for the face in each photo; prints one JSON line per file."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="image files or folders")
        parser.add_argument(
            "--json", action="store_true", help="JSON lines (the default; kept for scripts)"
        )
        parser.add_argument("--batch-size", type=int, default=32)

    def handle(self, *args, **options):
        files = list(_walk(options["paths"]))
        if not files:
            raise CommandError("no image files found")
        failures = 0
        try:
            results = engine_api.predict_many(
                [str(f) for f in files],
                batch_size=options["batch_size"],
                max_bytes=settings.MLH_MAX_UPLOAD_BYTES,
            )
            for source, outcome in results:
                if isinstance(outcome, engine_api.ImageRejected):
                    failures += 1
                    line = {"path": source, "error": outcome.code}
                else:
                    line = {
                        "path": source,
                        "faces": len(outcome.faces),
                        "hero": outcome.top.hero,
                        "match_strength": score_or_none(outcome.match_strength),
                        "nearly_tied": outcome.nearly_tied,
                        "ranking": [score.as_dict() for score in outcome.ranking],
                        "model_version": outcome.model_version,
                    }
                self.stdout.write(json.dumps(line, ensure_ascii=False))
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        except engine_api.ModelUnavailable as exc:
            raise CommandError(str(exc)) from None
        if options["verbosity"] >= 2:
            self.stderr.write(f"{len(files)} files, {failures} without a result")

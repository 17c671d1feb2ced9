"""Re-run stored photos through the current hero model.

    python manage.py repredict [--all] [--user EMAIL] [--since YYYY-MM-DD]
        [--hero KEY] [--limit N] [--batch-size N] [--dry-run]

By default only stale predictions (made by another model version). Safe to
interrupt (Ctrl-C, kill) and run again with the same arguments: it resumes
after the last batch written. Every prediction keeps its previous results.
Exits non-zero when any photo failed, listing which.
"""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from heroes.management.commands._progress import Progress
from heroes.ml import api as engine
from heroes.ml.api import ModelUnavailable
from heroes.models import Prediction, RepredictRun
from heroes.services import predictions_repredict


class Command(BaseCommand):
    help = "Re-run stored photos through the current model (stale ones by default)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="every prediction, not only stale ones")
        parser.add_argument("--user", metavar="EMAIL", help="only this person's predictions")
        parser.add_argument("--since", metavar="YYYY-MM-DD", help="only predictions created since")
        parser.add_argument("--hero", metavar="KEY", help="only predictions whose top hero is KEY")
        parser.add_argument("--limit", type=int, help="at most N predictions")
        parser.add_argument("--batch-size", type=int, default=32)
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args, **options):
        try:
            version = _model_version()
        except ModelUnavailable as exc:
            raise CommandError(str(exc)) from None

        predictions = self._select(options, version)
        arguments = json.dumps(
            {k: options[k] for k in ("all", "user", "since", "hero", "limit")} | {"model": version},
            sort_keys=True,
        )
        run = (
            RepredictRun.objects.filter(arguments=arguments, finished_at__isnull=True)
            .order_by("-started_at")
            .first()
        )
        if run is not None:
            predictions = predictions.filter(created_at__lte=run.started_at)
        count = predictions.count() if run is None else None

        if options["dry_run"]:
            todo = predictions.count()
            self.stdout.write(f"would re-predict {todo} photos with model {version}")
            return
        if run is None and count == 0:
            # Nothing stale: TensorFlow is never loaded.
            self.stdout.write(f"nothing to re-predict: every selected photo uses model {version}")
            return
        if run is None:
            run = RepredictRun.objects.create(arguments=arguments, model_version=version)
            # New uploads during the run already use this model.
            predictions = predictions.filter(created_at__lte=run.started_at)
            self.stdout.write(f"re-predicting {count} photos with model {version}")
        else:
            self.stdout.write(
                f"resuming the run started {run.started_at:%Y-%m-%d %H:%M} "
                f"({run.processed} done so far)"
            )
        limit = None
        if options["limit"] is not None:
            limit = max(0, options["limit"] - run.processed)

        progress = Progress(self.stdout, "re-predicted", every=100)
        outcome = predictions_repredict(
            predictions=predictions,
            run=run,
            batch_size=options["batch_size"],
            limit=limit,
            progress=progress,
        )
        progress.close()
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at"])

        self.stdout.write(
            f"processed {outcome.processed}, changed top hero {outcome.changed_top}, "
            f"no face now {len(outcome.no_face)} (previous results kept), "
            f"failed {len(outcome.failed)}, deleted meanwhile {outcome.gone}"
        )
        if outcome.failed:
            for pk, reason in outcome.failed:
                self.stderr.write(f"  failed: prediction {pk}: {reason}")
            raise CommandError(f"{len(outcome.failed)} photos failed")

    def _select(self, options, version):
        predictions = Prediction.objects.all()
        if not options["all"]:
            predictions = predictions.exclude(model_version=version)
        if options["user"]:
            predictions = predictions.filter(owner__email=options["user"].strip().lower())
        if options["since"]:
            try:
                since = datetime.date.fromisoformat(options["since"])
            except ValueError:
                raise CommandError("--since must be a date: YYYY-MM-DD") from None
            start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
            predictions = predictions.filter(created_at__gte=start)
        if options["hero"]:
            predictions = predictions.filter(top_hero__key=options["hero"])
        return predictions


def _model_version():
    """The active model's version, checked usable without loading TensorFlow
    (a dry run or a run with nothing to do never loads it)."""
    return engine.active_model_version(required=True)

"""Re-run stored photos through the current hero model.

    python manage.py repredict [--all] [--user EMAIL] [--since YYYY-MM-DD]
        [--hero KEY] [--limit N] [--batch-size N] [--dry-run]
        [--queue [--no-wait]] [--follow RUN]

By default only stale predictions (made by another model version).

In this process (the default): safe to interrupt (Ctrl-C, kill) and run again
with the same arguments: it resumes after the last batch written.

With ``--queue`` (MLH_BROKER_URL set): the selected ids go on the queue in
batches for Celery workers (``celery -A mylittlehero worker``, on any number
of machines); a progress bar follows finished photos until the queue drains,
or ``--no-wait`` returns at once (``--follow RUN`` attaches later).

Every prediction keeps its previous results, and a result of a model version
already stored is not stored again. Exits non-zero when any photo failed,
listing which. The work itself is in heroes/reprediction.py.
"""

import argparse
import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from heroes import reprediction
from heroes.management.commands._progress import Progress
from heroes.ml.api import ModelUnavailable
from heroes.reprediction import Outcome

STALL_HINT_SECONDS = 60


class Command(BaseCommand):
    help = "Re-run stored photos through the current model (stale ones by default)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="every prediction, not only stale ones"
        )
        parser.add_argument("--user", metavar="EMAIL", help="only this person's predictions")
        parser.add_argument("--since", metavar="YYYY-MM-DD", help="only predictions created since")
        parser.add_argument("--hero", metavar="KEY", help="only predictions whose top hero is KEY")
        parser.add_argument("--limit", type=int, help="at most N predictions")
        parser.add_argument("--batch-size", type=int, default=32)
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")
        parser.add_argument(
            "--queue",
            action="store_true",
            help="enqueue batches for Celery workers (MLH_BROKER_URL)",
        )
        parser.add_argument(
            "--no-wait", action="store_true", help="with --queue: return once queued"
        )
        parser.add_argument("--follow", metavar="RUN", help="follow a queued run until it drains")
        parser.add_argument("--poll", type=float, default=1.0, help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if options["follow"]:
            return self._follow(options["follow"], options["poll"])
        selection = self._selection(options)
        if options["queue"] and not reprediction.broker_configured():
            raise CommandError("--queue needs MLH_BROKER_URL (a Redis URL) and running workers")
        # Read from the model card: a dry run or nothing stale never loads TensorFlow.
        try:
            version = reprediction.usable_model_version()
        except ModelUnavailable as exc:
            raise CommandError(str(exc)) from None
        if options["queue"]:
            return self._queue(version, selection, options)
        return self._in_process(version, selection, options)

    def _selection(self, options):
        since = None
        if options["since"]:
            try:
                since = datetime.date.fromisoformat(options["since"])
            except ValueError:
                raise CommandError("--since must be a date: YYYY-MM-DD") from None
        return {
            "every": options["all"],
            "user_email": options["user"],
            "since": since,
            "hero": options["hero"],
        }

    def _skipped(self, count):
        if count:
            self.stdout.write(
                f"skipping {count} private results "
                "(analysed on people's devices: no photo to re-run)"
            )

    def _in_process(self, version, selection, options):
        plan = reprediction.repredict_plan(version=version, limit=options["limit"], **selection)
        self._skipped(plan.private_skipped)
        if options["dry_run"]:
            self.stdout.write(
                f"would re-predict {plan.predictions.count()} photos with model {version}"
            )
            return
        if plan.run is None and plan.count == 0:
            # Nothing stale: TensorFlow is never loaded.
            self.stdout.write(f"nothing to re-predict: every selected photo uses model {version}")
            return
        if plan.run is None:
            self.stdout.write(f"re-predicting {plan.count} photos with model {version}")
        else:
            self.stdout.write(
                f"resuming the run started {plan.run.started_at:%Y-%m-%d %H:%M} "
                f"({plan.run.processed} done so far)"
            )

        progress = Progress(self.stdout, "re-predicted", every=100)
        tally = reprediction.repredict_in_process(
            plan=plan, batch_size=options["batch_size"], limit=options["limit"], progress=progress
        )
        progress.close()

        counts = tally.counts()
        processed = sum(counts[outcome] for outcome in reprediction.PROCESSED)
        self.stdout.write(
            f"processed {processed}, changed top hero {tally.changed_top}, "
            f"no face now {counts[Outcome.NO_FACE]} (previous results kept), "
            f"failed {counts[Outcome.FAILED]}, deleted meanwhile {counts[Outcome.GONE]}"
        )
        self._report_failures(tally, counts)

    def _queue(self, version, selection, options):
        predictions = reprediction.predictions_select(version=version, **selection)
        self._skipped(reprediction.private_skipped_count(version=version, **selection))
        if options["limit"] is not None:
            pks = list(predictions.order_by("pk").values_list("pk", flat=True)[: options["limit"]])
            predictions = predictions.filter(pk__in=pks)
        count = predictions.count()
        if options["dry_run"]:
            self.stdout.write(f"would queue {count} photos for model {version}")
            return
        if count == 0:
            self.stdout.write(f"nothing to re-predict: every selected photo uses model {version}")
            return
        queued = reprediction.repredict_enqueue(
            predictions=predictions,
            version=version,
            batch_size=options["batch_size"],
            every=options["all"],
        )
        self.stdout.write(
            f"queued {queued.total} photos in {queued.batches} batches for model {version} "
            f"(run {queued.run_id})"
        )
        if options["no_wait"]:
            self.stdout.write(f"follow it with: manage.py repredict --follow {queued.run_id}")
            return
        self._follow(queued.run_id, options["poll"])

    def _follow(self, run_id, poll):
        """A progress bar over finished photos until every one is done."""
        if not reprediction.broker_configured():
            raise CommandError("--follow needs MLH_BROKER_URL")
        progress = reprediction.RunProgress(run_id)
        try:
            progress.meta()
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        bar = None
        last_done, last_change, hinted = -1, time.monotonic(), False
        try:
            while True:
                total = progress.total()
                counts = progress.counts()
                done = sum(counts.values())
                if total is not None:
                    if bar is None:
                        bar = _bar(total)
                    bar.update(done - bar.n)
                    if done >= total:
                        break
                if done != last_done:
                    last_done, last_change = done, time.monotonic()
                elif not hinted and time.monotonic() - last_change > STALL_HINT_SECONDS:
                    hinted = True
                    self.stderr.write(
                        f"no photo finished in {STALL_HINT_SECONDS} s: is a worker running "
                        "(celery -A mylittlehero worker) on this broker?"
                    )
                time.sleep(poll)
        except KeyboardInterrupt:
            if bar is not None:
                bar.close()
            self.stdout.write(
                f"stopped waiting; the workers go on (manage.py repredict --follow {run_id})"
            )
            raise SystemExit(130) from None
        bar.close()
        unchanged = counts[Outcome.NO_FACE] + counts[Outcome.CHANGED] + counts[Outcome.ALREADY]
        self.stdout.write(
            f"updated {counts[Outcome.UPDATED]}, unchanged {unchanged} "
            f"(no face now: previous results kept), failed {counts[Outcome.FAILED]}, "
            f"deleted meanwhile {counts[Outcome.GONE]}"
        )
        self._report_failures(progress, counts)

    def _report_failures(self, progress, counts):
        """Each failed photo on stderr, and a non-zero exit."""
        if counts[Outcome.FAILED]:
            for pk, reason in progress.failures():
                self.stderr.write(f"  failed: prediction {pk}: {reason}")
            raise CommandError(f"{counts[Outcome.FAILED]} photos failed")


def _bar(total):
    # On stderr, like the in-process bar.
    return tqdm(total=total, desc="re-predicted", unit="img", mininterval=1.0)

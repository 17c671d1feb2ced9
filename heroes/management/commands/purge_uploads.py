"""Delete uploaded photos (and their results) older than a retention period.

    python manage.py purge_uploads --older-than DAYS [--dry-run]
    python manage.py purge_uploads --orphans [--dry-run]
    python manage.py purge_uploads --anonymous [--dry-run]

``--anonymous`` deletes the results visitors made without an account and
never claimed, once older than ``MLH_ANONYMOUS_KEEP_HOURS`` (default 24),
with their photos, share cards and share links; run it hourly.

``--orphans`` deletes stored photos that no result points to (left by a
process killed between writing the photo and its row), once they are more
than an hour old, so uploads in flight are never touched.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from heroes.sweeping import (
    anonymous_predictions_purge,
    predictions_purge,
    storage_orphans,
    storage_orphans_delete,
)


class Command(BaseCommand):
    help = "Delete predictions and their photos created more than DAYS days ago."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, metavar="DAYS")
        parser.add_argument(
            "--orphans", action="store_true", help="delete stored photos that no result points to"
        )
        parser.add_argument(
            "--anonymous",
            action="store_true",
            help="delete unclaimed results made without an account, older than "
            "MLH_ANONYMOUS_KEEP_HOURS",
        )
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args, **options):
        verb = "would delete" if options["dry_run"] else "deleted"
        if options["anonymous"]:
            hours = settings.MLH_ANONYMOUS_KEEP_HOURS
            cutoff = timezone.now() - datetime.timedelta(hours=hours)
            gone = anonymous_predictions_purge(older_than=cutoff, dry_run=options["dry_run"])
            self.stdout.write(
                self.style.SUCCESS(
                    f"{verb} {len(gone)} unclaimed results made without an account, "
                    f"older than {hours} hours"
                )
            )
            if options["older_than"] is None and not options["orphans"]:
                return
        if options["orphans"]:
            cutoff = timezone.now() - datetime.timedelta(hours=1)
            orphans = storage_orphans(older_than=cutoff)
            if not options["dry_run"]:
                storage_orphans_delete(orphans)
            self.stdout.write(self.style.SUCCESS(f"{verb} {len(orphans)} orphaned photos"))
            if options["older_than"] is None:
                return
        days = options["older_than"]
        if days is None:
            raise CommandError("give --older-than DAYS, --orphans, --anonymous, or several")
        if days < 0:
            raise CommandError("--older-than must be 0 or more days")
        cutoff = timezone.now() - datetime.timedelta(days=days)
        predictions = predictions_purge(older_than=cutoff, dry_run=options["dry_run"])
        if options["verbosity"] >= 2:
            for prediction in predictions:
                self.stdout.write(
                    f"  {prediction.pk} {prediction.created_at:%Y-%m-%d} {prediction.image.name}"
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {len(predictions)} photos and results older than {days} days "
                f"(before {cutoff:%Y-%m-%d %H:%M})"
            )
        )

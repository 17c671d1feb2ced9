"""Delete uploaded photos (and their results) older than a retention period.

    python manage.py purge_uploads --older-than DAYS [--dry-run]
    python manage.py purge_uploads --orphans [--dry-run]

``--orphans`` deletes stored photos that no result points to (left by a
process killed between writing the photo and its row), once they are more
than an hour old, so uploads in flight are never touched.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from heroes.sweeping import predictions_purge, storage_orphans, storage_orphans_delete


class Command(BaseCommand):
    help = "Delete predictions and their photos created more than DAYS days ago."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, metavar="DAYS")
        parser.add_argument(
            "--orphans", action="store_true", help="delete stored photos that no result points to"
        )
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args, **options):
        if options["orphans"]:
            cutoff = timezone.now() - datetime.timedelta(hours=1)
            orphans = storage_orphans(older_than=cutoff)
            if not options["dry_run"]:
                storage_orphans_delete(orphans)
            verb = "would delete" if options["dry_run"] else "deleted"
            self.stdout.write(self.style.SUCCESS(f"{verb} {len(orphans)} orphaned photos"))
            if options["older_than"] is None:
                return
        days = options["older_than"]
        if days is None:
            raise CommandError("give --older-than DAYS, --orphans, or both")
        if days < 0:
            raise CommandError("--older-than must be 0 or more days")
        cutoff = timezone.now() - datetime.timedelta(days=days)
        predictions = predictions_purge(older_than=cutoff, dry_run=options["dry_run"])
        if options["verbosity"] >= 2:
            for prediction in predictions:
                self.stdout.write(
                    f"  {prediction.pk} {prediction.created_at:%Y-%m-%d} {prediction.image.name}"
                )
        verb = "would delete" if options["dry_run"] else "deleted"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {len(predictions)} photos and results older than {days} days "
                f"(before {cutoff:%Y-%m-%d %H:%M})"
            )
        )

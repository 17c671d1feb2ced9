"""Storage sweeping: old predictions purged with their photos, unclaimed
results of visitors without an account after ``MLH_ANONYMOUS_KEEP_HOURS``,
and stored photos no prediction points to (``manage.py purge_uploads``)."""

from django.core.files.storage import default_storage

from core.storage import rows_delete_with_files
from core.transactions import atomic
from heroes.models import Prediction


@atomic()
def predictions_purge(*, older_than, dry_run=False):
    """Delete predictions (and photos) created before ``older_than``."""
    predictions = list(Prediction.objects.filter(created_at__lt=older_than))
    if not dry_run:
        rows_delete_with_files(predictions)
    return predictions


@atomic()
def anonymous_predictions_purge(*, older_than, dry_run=False):
    """Delete results made without an account and never claimed, created
    before ``older_than``, with their photos, share cards and share links."""
    predictions = list(Prediction.objects.filter(owner__isnull=True, created_at__lt=older_than))
    if not dry_run:
        rows_delete_with_files(predictions)
    return predictions


def storage_orphans(*, older_than, prefix="predictions"):
    """Stored photos no prediction points to, last modified before ``older_than``
    (left by a process killed between writing the file and the row)."""

    def walk(folder):
        try:
            folders, files = default_storage.listdir(folder)
        except (FileNotFoundError, NotADirectoryError):
            return
        for name in files:
            yield f"{folder}/{name}"
        for sub in folders:
            yield from walk(f"{folder}/{sub}")

    known = set(Prediction.objects.values_list("image", flat=True))
    orphans = []
    for name in walk(prefix):
        if name in known:
            continue
        try:
            modified = default_storage.get_modified_time(name)
        except (OSError, NotImplementedError):
            continue
        if modified < older_than:
            orphans.append(name)
    return orphans


def storage_orphans_delete(names):
    for name in names:
        default_storage.delete(name)

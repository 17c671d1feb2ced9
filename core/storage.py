"""Stored files: deleting rows together with the files they point to.

Rows go first, inside a transaction; the files go once it has committed, so
a failed delete never leaves a row pointing at a missing file. Every row that
cascades from the deleted ones is included (a person's predictions when the
person is deleted), whatever model holds the file, and the files a model
lists with a ``stored_files_extra`` classmethod.
"""

import logging
import mimetypes

from django.db import router, transaction
from django.db.models import FileField
from django.db.models.deletion import Collector
from django.http import FileResponse

from core.transactions import atomic

logger = logging.getLogger(__name__)


def _file_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, FileField)]


def _stored_files(collector):
    """(storage, name) of every file held by rows the collector will delete.

    Rows the collector deletes one by one sit in ``collector.data``; rows it
    deletes with a single query (``fast_deletes``, e.g. a person's
    predictions) are read here before they go.
    """
    files = []
    for model, instances in collector.data.items():
        for field in _file_fields(model):
            for instance in instances:
                name = getattr(instance, field.attname)
                if name:
                    files.append((field.storage, str(name)))
        files.extend(_extra_files(model, instances))
    for rows in collector.fast_deletes:
        model = rows.model if hasattr(rows, "model") else type(rows[0])
        for field in _file_fields(model):
            if hasattr(rows, "values_list"):
                names = rows.values_list(field.attname, flat=True)
            else:
                names = [getattr(row, field.attname) for row in rows]
            files.extend((field.storage, str(name)) for name in names if name)
        files.extend(_extra_files(model, rows))
    return files


def _extra_files(model, rows):
    """Files a model keeps outside its FileFields (a prediction's rendered
    share cards): its ``stored_files_extra(rows)`` classmethod, given a list
    of instances or a queryset, lists them as (storage, name)."""
    lister = getattr(model, "stored_files_extra", None)
    return list(lister(rows)) if lister else []


def stored_files_delete(files):
    """Delete stored files; a failure is logged, not raised (the rows are gone)."""
    for storage, name in files:
        try:
            storage.delete(name)  # a name that is not there is no error
        except Exception:  # noqa: BLE001 - storage backends raise anything
            logger.exception("could not delete stored file %s", name)


def rows_delete_with_files(instances):
    """Delete model instances, everything that cascades from them, and their files.

    Returns the number of rows deleted.
    """
    instances = list(instances)
    if not instances:
        return 0
    using = router.db_for_write(type(instances[0]), instance=instances[0])
    with atomic(using=using):
        collector = Collector(using=using)
        collector.collect(instances)
        files = _stored_files(collector)
        deleted, _by_model = collector.delete()
        transaction.on_commit(lambda: stored_files_delete(files), using=using)
    return deleted


def stored_file_response(field_file):
    """Stream a stored image (a FieldFile), or None when it cannot be opened."""
    try:
        handle = field_file.open("rb")
    except OSError:
        return None
    content_type = mimetypes.guess_type(field_file.name)[0] or "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response

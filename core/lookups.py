"""Ids that come from a URL or an API path, turned into rows.

Primary keys are integers on SQLite and ObjectIds on MongoDB. A malformed id
("abc", "1" on MongoDB, "5f00..." on SQLite, a 30-digit number) must read as
"not found" on both backends: SQLite's field raises ``ValueError``,
django-mongodb-backend's ``ObjectIdAutoField`` raises Django's
``ValidationError``, and an integer too large for SQLite raises
``OverflowError`` only when the query runs; bson's ``InvalidId`` (not a
``ValueError``) is caught too, should an ObjectId be made from the raw text.
Every view and API endpoint that takes an id goes through :func:`row_or_404`,
and a number from a form or a query string through :func:`index_or_404`.
"""

from django.core.exceptions import ValidationError
from django.http import Http404

try:
    from bson.errors import InvalidId
except ImportError:  # pragma: no cover - pymongo comes with django-mongodb-backend
    InvalidId = ValueError

MALFORMED_ID_ERRORS = (ValueError, TypeError, OverflowError, ValidationError, InvalidId)


def pk_or_none(model, raw):
    """``raw`` as a value of ``model``'s primary key, or None when it cannot be one."""
    try:
        value = model._meta.pk.to_python(raw)
    except MALFORMED_ID_ERRORS:
        return None
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        return None  # no row can have it; SQLite would raise OverflowError
    return value


def row_or_none(queryset, raw_pk):
    """The row of ``queryset`` with this id, or None (also for a malformed id)."""
    value = pk_or_none(queryset.model, raw_pk)
    if value is None:
        return None
    return queryset.filter(pk=value).first()


def row_or_404(queryset, raw_pk, message=None):
    """The row of ``queryset`` with this id; ``Http404(message)`` otherwise."""
    row = row_or_none(queryset, raw_pk)
    if row is None:
        raise Http404(message) if message else Http404
    return row


def index_or_404(raw, message=None, *, below=None):
    """``raw`` (a form field, a query parameter) as an integer, at least 0 and
    under ``below`` when given; ``Http404(message)`` otherwise."""
    try:
        value = int(raw)
    except (ValueError, TypeError):
        value = None
    if value is None or (below is not None and not 0 <= value < below):
        raise Http404(message) if message else Http404
    return value

"""Cancel that cancels: the upload page's Cancel button takes the photo back
even when its last bytes had already left the phone.

The page's script names each send with a random attempt id (a UUID it makes
and posts with the photo). Cancel aborts the send and posts the same id to
``/upload-cancel/``. The two can reach the server in either order, or at
once on two workers:

- the upload refuses an attempt already cancelled before the engine runs;
  otherwise it stores the result, records attempt -> result, then looks
  for a cancellation and deletes what it stored if there is one;
- the cancel records the cancellation, then looks for attempt -> result
  and deletes that result if there is one.

Each side writes before it reads, in the cache every worker shares (Redis
in production), so whichever comes second sees the other's record: the
result is gone either way. The id is the proof of ownership, not the
session: only the page that sent the photo knows it, and an anonymous
visitor's first upload starts their session in a reply that a cancelled
send never reads.
"""

import re

from django.core.cache import cache

from core.lookups import row_or_none
from core.ratelimit import client_ip, window_take
from heroes.models import Prediction
from heroes.services import prediction_delete

# How long either record is kept: far longer than a send can still be on
# its way (nginx's client_body_timeout, gunicorn's timeout).
KEEP_SECONDS = 10 * 60
# Cancels per client IP: a person presses Cancel a few times an hour; each
# cancel is a record in the shared cache, so an endless stream of made-up
# ids is refused instead of filling it.
CANCEL_RATE = "60/hour"

_ATTEMPT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def attempt_from(data):
    """The attempt id posted in ``data`` (a QueryDict), or "" when there is
    none or it is not a version 4 UUID (the form without JavaScript sends
    none)."""
    value = (data.get("attempt") or "").strip().lower()
    return value if _ATTEMPT.fullmatch(value) else ""


def _cancelled_key(attempt):
    return f"upload-attempt:{attempt}:cancelled"


def _result_key(attempt):
    return f"upload-attempt:{attempt}:result"


def attempt_cancelled(attempt):
    """Whether this attempt's Cancel has already arrived."""
    return bool(attempt) and bool(cache.get(_cancelled_key(attempt)))


def attempt_result_keep(attempt, prediction):
    """Record that ``attempt`` stored ``prediction``. False when its Cancel
    arrived meanwhile: the result is deleted, photo and all."""
    if not attempt:
        return True
    cache.set(_result_key(attempt), str(prediction.pk), timeout=KEEP_SECONDS)
    if attempt_cancelled(attempt):
        prediction_delete(prediction=prediction)
        return False
    return True


def attempt_cancel_take(request):
    """Count one cancel from this client: a RateLimited over
    ``CANCEL_RATE``, else None."""
    return window_take("upload-cancel", [f"ip:{client_ip(request)}"], CANCEL_RATE, kind="cancel")


def attempt_cancel(attempt):
    """Record the cancellation, and delete the attempt's result (photo and
    all) when it was already stored; whether one was."""
    cache.set(_cancelled_key(attempt), 1, timeout=KEEP_SECONDS)
    pk = cache.get(_result_key(attempt))
    prediction = row_or_none(Prediction.objects.all(), pk) if pk else None
    if prediction is None:
        return False
    prediction_delete(prediction=prediction)
    return True

"""The one error path: what a failure means to the person who asked.

``error_for(failure)`` maps a failure to an :class:`ErrorReply` (a stable
``code``, a ``message`` in the request's language, an HTTP ``status`` and
headers), or None for a failure that is a bug (a server error). The pages
(form errors and flash messages), the HTTP API (heroes/rest/errors.py) and
the admin all ask it. The failures it knows:

- application errors, which carry a stable string ``code``: the engine's
  refusals of a photo (``ImageRejected`` and its subclasses: 400, or 413 for
  size) and ``ModelUnavailable``, and heroes.services.ServiceUnavailable
  (503: nothing was kept, try again);
- a used-up rate limit (core.ratelimit.RateLimited: 429 with Retry-After);
- the request errors Django raises while reading a request (too many fields
  or files, a body over the memory limit).

This module imports no app: it knows application errors by their codes.

Under /api/ every error page is JSON in the API's documented shape,
``{"error": {"code": ..., "message": ...}}``; elsewhere Django's pages
(templates/404.html, 500.html...): the handler400... below.
"""

from dataclasses import dataclass, field

from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import defaults

from core.ratelimit import RateLimited


@dataclass(frozen=True)
class ErrorReply:
    code: str
    message: str
    status: int
    headers: dict = field(default_factory=dict)


# What a person reads for each application error code, in their language.
MESSAGES = {
    "not_an_image": gettext_lazy(
        "That file is not a photo we can read. Use a JPEG, PNG, WebP, HEIC or GIF."
    ),
    "corrupt_image": gettext_lazy(
        "That photo seems damaged or incomplete. Try taking or exporting it again."
    ),
    "too_large": gettext_lazy("That photo is too large. Use a smaller one."),
    "too_many_pixels": gettext_lazy(
        "That image has too many pixels to process. Use a normal photo."
    ),
    "not_found": gettext_lazy("The photo could not be found."),
    "no_face": gettext_lazy(
        "We could not find a face in that photo. Use a photo where your face is clearly "
        "visible, looking at the camera."
    ),
    "face_too_small": gettext_lazy(
        "The face in that photo is too small to compare. Use a closer photo of your face."
    ),
    "no_such_face": gettext_lazy(
        "That photo does not have a face with that number. Pick one of the faces shown."
    ),
    "database_unavailable": gettext_lazy(
        "We could not save your result just now. Nothing was kept; please try again in a moment."
    ),
    "storage_unavailable": gettext_lazy(
        "We could not store your photo just now. Nothing was kept; please try again in a moment."
    ),
    "model_unavailable": gettext_lazy(
        "The hero engine is not available right now. Nothing was saved; please try again later."
    ),
    "anonymous_busy": gettext_lazy(
        "Too many people are trying without an account right now. Try again later, or sign "
        "up to keep going."
    ),
}
# The engine's base ImageRejected: a file it cannot use, for no narrower reason.
MESSAGES["invalid_image"] = MESSAGES["not_an_image"]

# Application error codes that are not 400 (the person's file or request).
STATUSES = {
    "too_large": 413,
    "too_many_pixels": 413,
    "database_unavailable": 503,
    "storage_unavailable": 503,
    "model_unavailable": 503,
    "anonymous_busy": 503,
}


def error_for(failure):
    """The ErrorReply for a failure (an exception or a RateLimited), or None
    when it is not one the person can act on (let it raise: a server error)."""
    if isinstance(failure, RateLimited):
        return ErrorReply(
            "rate_limited",
            rate_limited_message(failure),
            429,
            {"Retry-After": str(failure.retry_after)},
        )
    if isinstance(failure, SuspiciousOperation):
        return _request_error(failure)
    code = getattr(failure, "code", None)
    if isinstance(failure, ValidationError):
        return None  # a form's or a model's own error, with a code of its own
    if isinstance(failure, Exception) and isinstance(code, str) and code in MESSAGES:
        return ErrorReply(code, str(MESSAGES[code]), STATUSES.get(code, 400))
    return None


def _request_error(exception):
    """The request errors Django raises while reading a request."""
    if isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        return ErrorReply("too_many_fields", _("The request has too many fields."), 400)
    if isinstance(exception, RequestDataTooBig):
        return ErrorReply("too_large", _("The request is too large."), 413)
    return ErrorReply("bad_request", _("The request is not valid."), 400)


def _per_period(limit, period):
    if period >= 86400:
        return ngettext("%(limit)d per day", "%(limit)d per day", limit) % {"limit": limit}
    if period >= 3600:
        return ngettext("%(limit)d per hour", "%(limit)d per hour", limit) % {"limit": limit}
    if period >= 60:
        return ngettext("%(limit)d per minute", "%(limit)d per minute", limit) % {"limit": limit}
    return ngettext("%(limit)d per second", "%(limit)d per second", limit) % {"limit": limit}


def _times_per_period(limit, period):
    if period >= 86400:
        return ngettext("%(limit)d time a day", "%(limit)d times a day", limit) % {"limit": limit}
    if period >= 3600:
        return ngettext("%(limit)d time an hour", "%(limit)d times an hour", limit) % {
            "limit": limit
        }
    return ngettext("%(limit)d time a minute", "%(limit)d times a minute", limit) % {"limit": limit}


def rate_limited_message(limited):
    """What the limit is and when it resets, in minutes (a RateLimited)."""
    minutes = limited.retry_after_minutes
    per_period = _per_period(limited.limit, limited.period)
    if limited.kind == "share":
        per_period = _times_per_period(limited.limit, limited.period)
        text = ngettext(
            "You have turned sharing on and off too often (at most %(per_period)s). "
            "You can try again in %(minutes)d minute.",
            "You have turned sharing on and off too often (at most %(per_period)s). "
            "You can try again in %(minutes)d minutes.",
            minutes,
        )
    elif limited.kind == "refused":
        text = ngettext(
            "Too many photos could not be used (at most %(per_period)s). "
            "You can try again in %(minutes)d minute.",
            "Too many photos could not be used (at most %(per_period)s). "
            "You can try again in %(minutes)d minutes.",
            minutes,
        )
    else:
        text = ngettext(
            "You have used your results for now (at most %(per_period)s). "
            "You can try again in %(minutes)d minute.",
            "You have used your results for now (at most %(per_period)s). "
            "You can try again in %(minutes)d minutes.",
            minutes,
        )
    return text % {"per_period": per_period, "minutes": minutes}


# -- error pages (ROOT_URLCONF's handler400, handler403, handler404, handler500) --


def _is_api(request):
    return request.path_info.startswith("/api/")


def _json(code, message, status):
    return JsonResponse({"error": {"code": code, "message": str(message)}}, status=status)


def bad_request(request, exception, *args, **kwargs):
    if _is_api(request):
        error = _request_error(exception)
        return _json(error.code, error.message, 400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception, *args, **kwargs):
    if _is_api(request):
        return _json("permission_denied", _("You do not have permission to do this."), 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception, *args, **kwargs):
    if _is_api(request):
        return _json("not_found", _("Not found."), 404)
    return defaults.page_not_found(request, exception)


def server_error(request, *args, **kwargs):
    if _is_api(request):
        return _json("server_error", _("Something went wrong on our side."), 500)
    return defaults.server_error(request)

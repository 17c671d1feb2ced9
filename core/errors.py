"""The one error path: what a failure means to the person who asked.

``error_for(failure)`` maps a failure to an :class:`ErrorReply` (a stable
``code``, a ``message`` in the request's language, an HTTP ``status`` and
headers), or None for a failure that is a bug (a server error). The pages
(form errors and flash messages), the HTTP API (heroes/rest/errors.py) and
the admin all ask it. The failures it knows:

- exceptions that carry a registered string ``code``: each app registers
  its codes' messages and statuses with ``errors_register`` from its
  AppConfig.ready (heroes/errors.py: the engine's refusals of a photo and
  the services' failures; accounts/errors.py: sign-up and reset limits);
  core registers its own: a used-up rate limit (core.ratelimit.RateLimited:
  429) and the shared cache not answering (503). One that carries a
  ``retry_after`` gets a Retry-After header;
- the request errors Django raises while reading a request (too many fields
  or files, a body over the memory limit: 413).

This module imports no app: it knows application errors by their codes.

``error_body`` builds the one JSON error envelope,
``{"error": {"code": ..., "message": ...}}``: the API (heroes/rest/errors.py),
the middleware (core/middleware.py) and, under /api/, the error pages below
(handler400...; elsewhere Django's pages, templates/404.html, 500.html...).
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


@dataclass(frozen=True)
class ErrorReply:
    code: str
    message: str
    status: int
    headers: dict = field(default_factory=dict)


# What a person reads for each application error code, in their language (a
# lazy string, or a function of the failure for a message with its numbers),
# and its HTTP status: each app registers its own (errors_register, from its
# AppConfig.ready); core registers only its own codes, below.
MESSAGES = {}
STATUSES = {}


def errors_register(messages, statuses=None):
    """Register an app's error codes: ``messages`` maps a code to what a person
    reads, ``statuses`` a code to its HTTP status (400 when not given). An
    exception whose ``code`` is registered is one error_for answers; one with
    a ``retry_after`` (seconds) gets a Retry-After header."""
    for code in messages:
        if code in MESSAGES and MESSAGES[code] is not messages[code]:
            raise ValueError(f"error code {code!r} is registered twice")
    MESSAGES.update(messages)
    STATUSES.update(statuses or {})


def error_for(failure):
    """The ErrorReply for a failure (an exception), or None when it is not
    one the person can act on (let it raise: a server error)."""
    if isinstance(failure, SuspiciousOperation):
        return _request_error(failure)
    code = getattr(failure, "code", None)
    if isinstance(failure, ValidationError):
        return None  # a form's or a model's own error, with a code of its own
    if not (isinstance(failure, Exception) and isinstance(code, str) and code in MESSAGES):
        return None
    message = MESSAGES[code]
    message = message(failure) if callable(message) else message
    headers = {}
    retry_after = getattr(failure, "retry_after", None)
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return error_reply(code, message, headers)


def error_reply(code, message=None, headers=None):
    """The ErrorReply for a registered code: its registered status, and its
    registered message unless ``message`` words it more precisely."""
    if message is None:
        message = MESSAGES[code]
    return ErrorReply(code, str(message), STATUSES.get(code, 400), headers or {})


def error_body(code, message, **extra):
    """The one JSON error envelope: ``{"error": {"code", "message", ...}}``
    (``extra``: the API's per-field messages)."""
    return {"error": {"code": code, "message": str(message), **extra}}


def error_response(error):
    """An ErrorReply as a JSON response: the envelope, its status, its headers."""
    response = JsonResponse(error_body(error.code, error.message), status=error.status)
    for header, value in error.headers.items():
        response[header] = value
    return response


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


errors_register(
    {
        "rate_limited": rate_limited_message,
        # core.middleware.SharedCacheUnavailableMiddleware: the shared cache
        # (Redis) does not answer, so no limit can be checked.
        "cache_unavailable": gettext_lazy(
            "The site is busy right now. Nothing was changed; please try again in a moment."
        ),
    },
    {"rate_limited": 429, "cache_unavailable": 503},
)


# -- error pages (ROOT_URLCONF's handler400, handler403, handler404, handler500) --


def _is_api(request):
    return request.path_info.startswith("/api/")


def _json(code, message, status):
    return error_response(ErrorReply(code, str(message), status))


def bad_request(request, exception, *args, **kwargs):
    if _is_api(request):
        return error_response(_request_error(exception))
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

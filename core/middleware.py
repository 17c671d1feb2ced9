"""Request-level protections shared by every page and the API."""

import logging

from django.conf import settings
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext as _

from core.errors import ErrorReply, error_for, error_response

# The multipart envelope around a photo: boundaries, headers, other fields.
ENVELOPE_BYTES = 512 * 1024

# URL names of the routes that take a photo, each with every path below it;
# everything else is forms and JSON. The apps that own such routes register
# them from their AppConfig.ready (photo_routes_register): core knows no
# app's routes.
_PHOTO_ROUTES = []


def photo_routes_register(*url_names):
    """Give the routes named ``url_names`` (and every path below each) the
    photo's body limit instead of a form's."""
    for name in url_names:
        if name not in _PHOTO_ROUTES:
            _PHOTO_ROUTES.append(name)


def photo_route_prefixes():
    """The registered photo routes as path prefixes (as ``path_info`` reads,
    without the script prefix)."""
    script_prefix = get_script_prefix()
    return tuple("/" + reverse(name).removeprefix(script_prefix) for name in _PHOTO_ROUTES)


def is_photo_route(path):
    return path.startswith(photo_route_prefixes())


def body_limit_for(path):
    if is_photo_route(path):
        return settings.MLH_MAX_UPLOAD_BYTES + ENVELOPE_BYTES
    return settings.MLH_MAX_BODY_BYTES


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body is over the route's limit, by its
    Content-Length, before anything reads it (nginx does the same in front;
    this holds when gunicorn is reached some other way)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = body_limit_for(request.path_info)
        if length > limit:
            return self._too_large(request, limit)
        return self.get_response(request)

    def _too_large(self, request, limit):
        if is_photo_route(request.path_info):
            message = _("That photo is too large. Use one under %(size)s.") % {
                "size": filesizeformat(settings.MLH_MAX_UPLOAD_BYTES)
            }
        else:
            message = _("The request is too large.")
        if request.path_info.startswith("/api/"):
            response = error_response(ErrorReply("too_large", message, 413))
        else:
            response = render(
                request, "413.html", {"message": message, "back_url": request.path}, status=413
            )
        # The body was not read: the connection cannot be reused.
        response["Connection"] = "close"
        return response


class PermissionsPolicyMiddleware:
    """Permissions-Policy on every response: no powerful feature anywhere,
    the camera on the upload page only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Permissions-Policy" not in response:
            policy = settings.PERMISSIONS_POLICY
            if request.path_info in settings.PERMISSIONS_POLICY_CAMERA_PATHS:
                policy = policy.replace("camera=()", "camera=(self)")
            response["Permissions-Policy"] = policy
        return response


class CacheUnavailable(Exception):
    """The shared cache does not answer (code registered in core/errors.py)."""

    code = "cache_unavailable"
    retry_after = 30  # seconds


class SharedCacheUnavailableMiddleware:
    """When the shared cache (Redis) does not answer, the login throttle and
    the rate limits cannot be checked: answer 503 (JSON under /api/) instead
    of a server error, and never let a request through unchecked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        try:
            from redis.exceptions import ConnectionError as RedisConnectionError
            from redis.exceptions import TimeoutError as RedisTimeoutError
        except ImportError:  # pragma: no cover - redis is in requirements
            return None
        if not isinstance(exception, (RedisConnectionError, RedisTimeoutError)):
            return None
        logging.getLogger(__name__).error("shared cache unavailable: %s", exception)
        error = error_for(CacheUnavailable())
        if request.path_info.startswith("/api/"):
            return error_response(error)
        response = render(request, "503.html", {"message": error.message}, status=error.status)
        for header, value in error.headers.items():
            response[header] = value
        return response

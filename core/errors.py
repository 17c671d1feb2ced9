"""Error pages: under /api/ every error is JSON in the API's documented
shape, ``{"error": {"code": ..., "message": ...}}``; elsewhere Django's
pages (templates/404.html, 500.html...)."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def _is_api(request):
    return request.path_info.startswith("/api/")


def _json(code, message, status):
    return JsonResponse({"error": {"code": code, "message": str(message)}}, status=status)


def bad_request(request, exception, *args, **kwargs):
    if _is_api(request):
        return _json(*api_code_for(exception), 400)
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


def api_code_for(exception):
    """(code, message) for the request errors Django raises while reading a
    request (too many fields or files, a body over the memory limit)."""
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent

    if isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        return "too_many_fields", _("The request has too many fields.")
    if isinstance(exception, RequestDataTooBig):
        return "too_large", _("The request is too large.")
    return "bad_request", _("The request is not valid.")

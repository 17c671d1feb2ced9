"""Request-level protections shared by every page and the API."""

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

# Routes that take a photo (the upload page, the API, the admin's portraits
# and reference images); everything else is forms and JSON.
PHOTO_ROUTE_PREFIXES = ("/upload/", "/api/predictions/", "/admin/")
# The multipart envelope around a photo: boundaries, headers, other fields.
ENVELOPE_BYTES = 512 * 1024


def body_limit_for(path):
    if path.startswith(PHOTO_ROUTE_PREFIXES):
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
        from django.shortcuts import render
        from django.template.defaultfilters import filesizeformat

        if request.path_info.startswith(PHOTO_ROUTE_PREFIXES):
            message = _("That photo is too large. Use one under %(size)s.") % {
                "size": filesizeformat(settings.MLH_MAX_UPLOAD_BYTES)
            }
        else:
            message = _("The request is too large.")
        if request.path_info.startswith("/api/"):
            response = JsonResponse(
                {"error": {"code": "too_large", "message": message}}, status=413
            )
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

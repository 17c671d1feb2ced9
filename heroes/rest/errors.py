"""The HTTP API's errors: {"error": {"code", "message", "fields"?}} with a
stable code and a message in the request's language (DRF's exception
handler, settings.REST_FRAMEWORK["EXCEPTION_HANDLER"]), and their shape in
the OpenAPI schema."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ErrorReply, error_body, error_for


class ApiError(exceptions.APIException):
    """An ErrorReply (core/errors.py) raised through Django REST framework."""

    def __init__(self, error: ErrorReply):
        super().__init__(detail=error.message, code=error.code)
        self.status_code = error.status
        self.error = error


DRF_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.ParseError: "parse_error",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.ValidationError: "invalid",
    exceptions.Throttled: "rate_limited",
}


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(exc.args[0] if exc.args else _("Not found."))
    # The engine's refusals, services' failures, request errors Django
    # raises while reading the request: the same reply as on the pages.
    error = error_for(exc)
    if error is not None:
        exc = ApiError(error)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ApiError):
        for header, value in exc.error.headers.items():
            response[header] = value
        body = error_body(exc.error.code, exc.error.message)
    else:
        code = next((c for cls, c in DRF_CODES.items() if isinstance(exc, cls)), "error")
        if isinstance(exc, exceptions.ValidationError):
            body = error_body(
                code,
                _("Some fields are not valid."),
                fields=exc.detail
                if isinstance(exc.detail, dict)
                else {"non_field_errors": exc.detail},
            )
        else:
            body = error_body(code, getattr(exc, "detail", exc))
    response.data = body
    return response


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Stable, machine-readable: no_face, no_such_face, not_an_image, too_large, rate_limited, ..."
    )
    message = serializers.CharField(help_text="For people, in the request's language.")
    fields = serializers.DictField(required=False, help_text="Per-field messages (code 'invalid').")


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


def errors(*statuses):
    return {code: OpenApiResponse(ErrorSerializer) for code in statuses}

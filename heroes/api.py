"""The JSON API (Django REST framework, OpenAPI schema by drf-spectacular).

Views stay thin: the same services and selectors as the web pages. Errors
are {"error": {"code", "message", "fields"?}} with a stable code and a
message in the request's language.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, renderers, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from core.lookups import row_or_404
from core.ratelimit import RateLimited, prediction_rate_take
from core.storage import stored_file_response
from heroes import selectors, services
from heroes.messages import rate_limited_message, refusal_message, refusal_status
from heroes.ml.api import ImageRejected, ModelUnavailable
from heroes.models import Hero
from heroes.strength import headline, nearly_tied_text, strength_band, strength_sentence

# -- errors ---------------------------------------------------------------------------


class ApiError(exceptions.APIException):
    def __init__(self, code, message, status_code, headers=None):
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.error_code = code
        self.headers = headers or {}


def refusal_error(exc):
    return ApiError(exc.code, str(refusal_message(exc.code)), refusal_status(exc.code))


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
    if isinstance(exc, SuspiciousOperation):
        # Raised while reading the request (too many fields, a body over
        # the memory limit): an API error like any other, not an HTML 400.
        from core.errors import api_code_for

        code, message = api_code_for(exc)
        exc = ApiError(code, str(message), 413 if code == "too_large" else 400)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ApiError):
        code = exc.error_code
        message = str(exc.detail)
        for header, value in exc.headers.items():
            response[header] = value
        body = {"code": code, "message": message}
    else:
        code = next((c for cls, c in DRF_CODES.items() if isinstance(exc, cls)), "error")
        if isinstance(exc, exceptions.ValidationError):
            body = {
                "code": code,
                "message": _("Some fields are not valid."),
                "fields": exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail},
            }
        else:
            body = {"code": code, "message": str(getattr(exc, "detail", exc))}
    response.data = {"error": body}
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


# -- serializers --------------------------------------------------------------------------


class HeroSerializer(serializers.ModelSerializer):
    portrait_url = serializers.SerializerMethodField()

    class Meta:
        model = Hero
        fields = ["key", "name_ko", "name_en", "description_ko", "description_en", "order", "portrait_url"]

    def get_portrait_url(self, hero) -> str:
        return self.context["request"].build_absolute_uri(reverse("heroes:portrait", args=[hero.key]))


class RankingRowSerializer(serializers.Serializer):
    hero = serializers.CharField()
    probability = serializers.FloatField(
        min_value=0, max_value=1, help_text="Calibrated probability that this hero is the closest match."
    )
    similarity = serializers.FloatField(min_value=-1, max_value=1)
    index = serializers.FloatField(
        min_value=0,
        max_value=100,
        allow_null=True,
        default=None,
        help_text="This person's resemblance to the hero on the match-strength scale (0-100); "
        "null for results computed before it existed.",
    )


class FaceSerializer(serializers.Serializer):
    box = serializers.ListField(child=serializers.FloatField(), min_length=4, max_length=4)
    confidence = serializers.FloatField()


class PredictionSerializer(serializers.Serializer):
    id = serializers.CharField(source="pk")
    created_at = serializers.DateTimeField()
    top_hero = serializers.SerializerMethodField()
    top_probability = serializers.FloatField(allow_null=True)
    match_strength = serializers.FloatField(
        allow_null=True,
        help_text="How strongly the face matches its top hero, as a percentile (0-100) of ordinary "
        "people's match with their own closest hero; null for results computed before it existed.",
    )
    match_strength_band = serializers.SerializerMethodField(
        help_text="very_strong, strong, clear, mild or faint; null without a match strength."
    )
    summary = serializers.SerializerMethodField(
        help_text="The top hero and the match strength in words, in the request's language."
    )
    nearly_tied = serializers.BooleanField(
        help_text="The top two heroes are too close to tell apart (the second is ranking[1])."
    )
    ranking = RankingRowSerializer(many=True)
    faces = FaceSerializer(many=True)
    face_index = serializers.IntegerField()
    model_version = serializers.CharField()
    photo_url = serializers.SerializerMethodField()
    is_shared = serializers.BooleanField()
    share_url = serializers.SerializerMethodField()

    def get_top_hero(self, prediction) -> str | None:
        return prediction.top_hero.key if prediction.top_hero_id else None

    def get_match_strength_band(self, prediction) -> str | None:
        band = strength_band(prediction.match_strength)
        return band.code if band else None

    def get_summary(self, prediction) -> str | None:
        hero = prediction.top_hero
        if hero is None:
            return None
        text = headline(hero.name)
        if prediction.nearly_tied and len(prediction.ranking) > 1:
            second = Hero.objects.filter(key=prediction.ranking[1]["hero"]).first()
            if second is not None:
                text = f"{text} ({nearly_tied_text(hero.name, second.name)})"
        band = strength_band(prediction.match_strength)
        if band:
            text = f"{text}. {band.label} ({band.value}/100). " + strength_sentence(
                hero.name, prediction.match_strength
            )
        return text

    def get_photo_url(self, prediction) -> str:
        """Fetchable with the same token as the rest of the API."""
        return self.context["request"].build_absolute_uri(
            reverse("api-prediction-photo", args=[prediction.pk])
        )

    def get_share_url(self, prediction) -> str | None:
        if not prediction.is_shared:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("heroes:share", args=[prediction.share_token])
        )


class PredictionCreateSerializer(serializers.Serializer):
    photo = serializers.FileField(help_text=gettext_lazy("A photo of a face: JPEG, PNG, WebP, HEIC or GIF."))
    face_index = serializers.IntegerField(required=False, min_value=0, max_value=100)

    def validate_photo(self, photo):
        limit = settings.MLH_MAX_UPLOAD_BYTES
        if photo.size > limit:
            raise ApiError(
                "too_large",
                _("That file is %(size)s; photos up to %(limit)s are accepted.")
                % {"size": filesizeformat(photo.size), "limit": filesizeformat(limit)},
                413,
            )
        return photo


# -- views ------------------------------------------------------------------------------


def _own_prediction(request, pk):
    queryset = selectors.prediction_queryset_for_user(user=request.user)
    return row_or_404(queryset, pk, _("No such result."))


class PredictionListCreate(generics.GenericAPIView):
    serializer_class = PredictionSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.prediction_list_for_user(user=self.request.user)

    @extend_schema(
        operation_id="predictions_list",
        responses={200: PredictionSerializer(many=True), **errors(401, 403, 404)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="predictions_create",
        request={"multipart/form-data": PredictionCreateSerializer},
        responses={201: PredictionSerializer, **errors(400, 401, 403, 413, 429, 503)},
    )
    def post(self, request):
        ticket = prediction_rate_take(request)
        if isinstance(ticket, RateLimited):
            raise ApiError(
                "rate_limited",
                rate_limited_message(ticket),
                429,
                headers={"Retry-After": str(ticket.retry_after)},
            )
        try:
            form = PredictionCreateSerializer(data=request.data)
            form.is_valid(raise_exception=True)
            prediction = services.prediction_create(
                user=request.user,
                upload=form.validated_data["photo"],
                face_index=form.validated_data.get("face_index"),
            )
        except ImageRejected as exc:
            ticket.refused()
            raise refusal_error(exc) from None
        except (ModelUnavailable, services.ServiceUnavailable) as exc:
            ticket.failed()
            raise ApiError(exc.code, str(refusal_message(exc.code)), 503) from None
        except exceptions.ValidationError:
            ticket.refused()
            raise
        except BaseException:
            ticket.failed()
            raise
        data = self.get_serializer(prediction).data
        return Response(data, status=status.HTTP_201_CREATED)


class PredictionDetail(APIView):
    @extend_schema(operation_id="predictions_retrieve", responses={200: PredictionSerializer, **errors(401, 403, 404)})
    def get(self, request, pk):
        prediction = _own_prediction(request, pk)
        return Response(PredictionSerializer(prediction, context={"request": request}).data)

    @extend_schema(operation_id="predictions_destroy", responses={204: None, **errors(401, 403, 404)})
    def delete(self, request, pk):
        services.prediction_delete(prediction=_own_prediction(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PhotoRenderer(renderers.BaseRenderer):
    """Lets a client ask for ``Accept: image/*``; errors are still JSON."""

    media_type = "image/*"
    format = "image"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return renderers.JSONRenderer().render(data, "application/json", renderer_context)


class PredictionPhoto(APIView):
    renderer_classes = [renderers.JSONRenderer, PhotoRenderer]

    @extend_schema(
        operation_id="predictions_photo",
        description="The stored photo (JPEG, EXIF-free), with the same token as the rest of the API.",
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY, **errors(401, 403, 404)},
    )
    def get(self, request, pk):
        prediction = _own_prediction(request, pk)
        if not isinstance(prediction.image.storage, FileSystemStorage):
            return redirect(prediction.image.url)  # a short-lived presigned URL
        response = stored_file_response(prediction.image)
        if response is None:
            raise exceptions.NotFound(_("This photo is no longer stored."))
        response["Cache-Control"] = "private, no-store"
        return response


class PredictionShare(APIView):
    @extend_schema(
        operation_id="predictions_share",
        request=None,
        responses={200: PredictionSerializer, **errors(401, 403, 404)},
    )
    def post(self, request, pk):
        prediction = services.prediction_share(prediction=_own_prediction(request, pk))
        return Response(PredictionSerializer(prediction, context={"request": request}).data)

    @extend_schema(
        operation_id="predictions_unshare",
        responses={200: PredictionSerializer, **errors(401, 403, 404)},
    )
    def delete(self, request, pk):
        prediction = services.prediction_unshare(prediction=_own_prediction(request, pk))
        return Response(PredictionSerializer(prediction, context={"request": request}).data)


class HeroList(generics.ListAPIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = HeroSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.hero_list_active()

    @extend_schema(operation_id="heroes_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


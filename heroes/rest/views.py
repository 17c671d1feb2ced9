"""The JSON API's endpoints (Django REST framework, OpenAPI schema by
drf-spectacular).

Views stay thin: the same services and selectors as the web pages. Errors
are {"error": {"code", "message", "fields"?}} (heroes/rest/errors.py).
"""

from django.core.files.storage import FileSystemStorage
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, renderers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import error_for
from core.lookups import row_or_404
from core.ratelimit import prediction_quota, share_toggle_take
from core.storage import stored_file_response
from heroes import selectors, services
from heroes.rest.errors import ApiError, errors
from heroes.rest.serializers import HeroSerializer, PredictionCreateSerializer, PredictionSerializer


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
        # A refusal (RateLimited, the engine's, the services') is answered by
        # exception_handler (heroes/rest/errors.py).
        with prediction_quota(request) as quota:
            form = PredictionCreateSerializer(data=request.data)
            if not form.is_valid():
                quota.refused()
                raise exceptions.ValidationError(form.errors)
            prediction = services.prediction_create(
                user=request.user,
                upload=form.validated_data["photo"],
                face_index=form.validated_data.get("face_index"),
            )
        data = self.get_serializer(prediction).data
        return Response(data, status=status.HTTP_201_CREATED)


class PredictionDetail(APIView):
    @extend_schema(
        operation_id="predictions_retrieve",
        responses={200: PredictionSerializer, **errors(401, 403, 404)},
    )
    def get(self, request, pk):
        prediction = _own_prediction(request, pk)
        return Response(PredictionSerializer(prediction, context={"request": request}).data)

    @extend_schema(
        operation_id="predictions_destroy", responses={204: None, **errors(401, 403, 404)}
    )
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
        if not prediction.image:  # private mode: the photo never came here
            raise exceptions.NotFound(_("This result has no photo."))
        if not isinstance(prediction.image.storage, FileSystemStorage):
            return redirect(prediction.image.url)  # a short-lived presigned URL
        response = stored_file_response(prediction.image)
        if response is None:
            raise exceptions.NotFound(_("This photo is no longer stored."))
        response["Cache-Control"] = "private, no-store"
        return response


def _share_toggle_check(request):
    """Sharing on or off counts toward MLH_SHARE_TOGGLE_RATE (429 over it)."""
    limited = share_toggle_take(request)
    if limited:
        raise ApiError(error_for(limited))


class PredictionShare(APIView):
    @extend_schema(
        operation_id="predictions_share",
        request=None,
        responses={200: PredictionSerializer, **errors(401, 403, 404, 429)},
    )
    def post(self, request, pk):
        prediction = _own_prediction(request, pk)
        _share_toggle_check(request)
        prediction = services.prediction_share(prediction=prediction)
        return Response(PredictionSerializer(prediction, context={"request": request}).data)

    @extend_schema(
        operation_id="predictions_unshare",
        responses={200: PredictionSerializer, **errors(401, 403, 404, 429)},
    )
    def delete(self, request, pk):
        prediction = _own_prediction(request, pk)
        _share_toggle_check(request)
        prediction = services.prediction_unshare(prediction=prediction)
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

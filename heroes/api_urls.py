from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from heroes import api

urlpatterns = [
    path("predictions/", api.PredictionListCreate.as_view(), name="api-predictions"),
    path("predictions/<str:pk>/", api.PredictionDetail.as_view(), name="api-prediction"),
    path("predictions/<str:pk>/photo/", api.PredictionPhoto.as_view(), name="api-prediction-photo"),
    path("predictions/<str:pk>/share/", api.PredictionShare.as_view(), name="api-prediction-share"),
    path("heroes/", api.HeroList.as_view(), name="api-heroes"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline
    # script, so the Content-Security-Policy (script-src 'self') holds.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

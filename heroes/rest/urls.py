from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from heroes.rest import views

app_name = "api"

urlpatterns = [
    path("predictions/", views.PredictionListCreate.as_view(), name="predictions"),
    path("predictions/<str:pk>/", views.PredictionDetail.as_view(), name="prediction"),
    path("predictions/<str:pk>/photo/", views.PredictionPhoto.as_view(), name="prediction_photo"),
    path("predictions/<str:pk>/share/", views.PredictionShare.as_view(), name="prediction_share"),
    path("heroes/", views.HeroList.as_view(), name="heroes"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline
    # script, so the Content-Security-Policy (script-src 'self') holds.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]

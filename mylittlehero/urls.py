from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from heroes.health import healthz, readiness

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("accounts/", include("accounts.urls")),
    path("history/", include("history.urls")),
    path("", include("heroes.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("healthz/ready", readiness, name="readiness"),
    path("api/", include("heroes.api_urls")),
]

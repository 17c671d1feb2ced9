from django.contrib import admin
from django.urls import include, path

from heroes.health import healthz
from heroes.views import favicon, home

urlpatterns = [
    path("", home, name="home"),
    path("favicon.ico", favicon),
    path("accounts/", include("accounts.urls")),
    path("history/", include("history.urls")),
    path("", include("heroes.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/", include("heroes.api_urls")),
]

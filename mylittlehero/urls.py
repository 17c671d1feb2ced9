from django.contrib import admin
from django.urls import include, path

from history.views import upload, upload_cancel, upload_private
from mylittlehero.health import healthz, readiness
from mylittlehero.views import favicon, home

urlpatterns = [
    path("", home, name="home"),
    path("favicon.ico", favicon),
    # The site's entry points, named by the project so that any app's page may
    # link to them without knowing the app that serves them (docs/architecture.md).
    path("upload/", upload, name="upload"),
    # Private mode's ranking: a few kilobytes, so not under /upload/, whose
    # prefix allows a photo-sized body (core.middleware.body_limit_for).
    path("private-result/", upload_private, name="private_result"),
    # The upload page's Cancel (history/attempts.py); not under /upload/ either.
    path("upload-cancel/", upload_cancel, name="upload_cancel"),
    path("accounts/", include("accounts.urls")),
    path("history/", include("history.urls")),
    path("", include("heroes.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("healthz/ready", readiness, name="readiness"),
    path("api/", include("heroes.rest.urls")),
]

# Under /api/ every error is JSON in the documented shape (core/errors.py).
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"

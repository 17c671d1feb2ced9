from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    name = "history"
    verbose_name = _("History")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from core.middleware import photo_routes_register
        from history.anonymous import claim_on_login

        # The upload page takes a photo.
        photo_routes_register("upload")

        # Results tried without an account move into the account at login
        # (and at sign-up, whose confirmation logs the person in).
        user_logged_in.connect(claim_on_login, dispatch_uid="history.claim_on_login")

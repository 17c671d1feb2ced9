from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from accounts import checks  # noqa: F401 - registers the deploy checks
        from accounts.errors import MESSAGES, STATUSES
        from core.errors import errors_register

        errors_register(MESSAGES, STATUSES)

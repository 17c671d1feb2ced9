from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HeroesConfig(AppConfig):
    name = "heroes"
    verbose_name = _("Heroes")

    def ready(self):
        from core.errors import errors_register
        from heroes.errors import MESSAGES, STATUSES

        errors_register(MESSAGES, STATUSES)

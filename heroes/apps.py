from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HeroesConfig(AppConfig):
    name = "heroes"
    verbose_name = _("Heroes")

    def ready(self):
        from django.conf import settings

        from core.errors import errors_register
        from core.middleware import photo_routes_register
        from heroes.errors import MESSAGES, STATUSES
        from heroes.ml import api as engine_api

        errors_register(MESSAGES, STATUSES)
        # Routes that take a photo: the API's predictions, and the admin (the
        # heroes' portraits and reference images).
        photo_routes_register("api:predictions", "admin:index")
        # The engine's configuration comes from the settings (MLH_MODEL_DIR
        # and friends); importing the door is cheap, TensorFlow loads later.
        engine_api.configure(
            engine_api.EngineConfig(
                model_dir=settings.MLH_MODEL_DIR or None,
                max_pixels=settings.MLH_MAX_PIXELS,
                tf_intra_threads=settings.MLH_TF_INTRA_THREADS,
                tf_inter_threads=settings.MLH_TF_INTER_THREADS,
            )
        )

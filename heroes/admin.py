from django.contrib import admin

from heroes.models import Hero, Prediction


@admin.register(Hero)
class HeroAdmin(admin.ModelAdmin):
    list_display = ["key", "name_ko", "name_en", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["key", "name_ko", "name_en"]


@admin.register(Prediction)
class PredictionAdmin(admin.ModelAdmin):
    list_display = ["pk", "owner", "top_hero", "top_probability", "model_version", "created_at"]
    list_select_related = ["owner", "top_hero"]
    search_fields = ["owner__email"]
    readonly_fields = ["share_token"]

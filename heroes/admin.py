"""The admin for moderators: the hero catalog and its reference images
(people's results: history/admin.py). Deleting a hero here deletes its
images' files too.
"""

from pathlib import Path

from django import forms
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.errors import error_for
from core.storage import rows_delete_with_files
from heroes.ml.api import ImageRejected
from heroes.models import Hero, HeroImage
from heroes.services import stored_photo_bytes


def reduced_image(upload):
    """An image a moderator uploads (portrait, reference image) goes through
    the same intake as people's photos (size, pixel and decoding limits) and
    is stored reduced: upright, at most 1024 px, JPEG without metadata (issue
    19, item 3: a 12000x12000 PNG portrait made every share card of its hero
    cost seconds and gigabytes). A file already stored passes unchanged."""
    if not isinstance(upload, UploadedFile):
        return upload
    try:
        data = stored_photo_bytes(upload)
    except ImageRejected as exc:
        raise forms.ValidationError(error_for(exc).message, code=exc.code) from None
    return ContentFile(data, name=Path(upload.name or "image").stem[:80] + ".jpg")


class HeroImageForm(forms.ModelForm):
    class Meta:
        model = HeroImage
        fields = ["image", "split"]

    def clean_image(self):
        return reduced_image(self.cleaned_data.get("image"))


class HeroImageInline(admin.TabularInline):
    model = HeroImage
    form = HeroImageForm
    extra = 1
    fields = ["preview", "image", "split"]
    readonly_fields = ["preview"]

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if not obj.pk or not obj.image:
            return "-"
        return format_html(
            '<img src="{}" alt="" width="64" height="64" class="mlh-thumb">',
            reverse("heroes:reference_image", args=[obj.pk]),
        )


class AliasesField(forms.CharField):
    """Hero aliases as one name per line (stored as a JSON list)."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 40})

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        value = super().to_python(value) or ""
        names = []
        for line in value.replace(",", "\n").splitlines():
            name = line.strip()
            if name and name not in names:
                names.append(name)
        return names


class HeroAdminForm(forms.ModelForm):
    aliases = AliasesField(
        label=_("aliases"),
        required=False,
        help_text=_(
            "One name per line (or separated by commas), e.g. training folder names like 'ironman'."
        ),
    )

    class Meta:
        model = Hero
        fields = [
            "key",
            "name_ko",
            "name_en",
            "description_ko",
            "description_en",
            "portrait",
            "order",
            "is_active",
            "aliases",
        ]

    def clean_portrait(self):
        return reduced_image(self.cleaned_data.get("portrait"))


@admin.register(Hero)
class HeroAdmin(admin.ModelAdmin):
    form = HeroAdminForm

    class Media:
        css = {"all": ["heroes/admin.css"]}

    list_display = [
        "portrait_preview",
        "key",
        "name_ko",
        "name_en",
        "order",
        "is_active",
        "image_count",
    ]
    list_display_links = ["portrait_preview", "key"]
    list_editable = ["order", "is_active"]
    search_fields = ["key", "name_ko", "name_en"]
    readonly_fields = ["portrait_preview"]
    fields = [
        "key",
        ("name_ko", "name_en"),
        "description_ko",
        "description_en",
        "portrait",
        "portrait_preview",
        ("order", "is_active"),
        "aliases",
    ]
    inlines = [HeroImageInline]

    def get_readonly_fields(self, request, obj=None):
        # A key that results or the model use is fixed (Hero.clean refuses it too).
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk and obj.key_in_use():
            fields.append("key")
        return fields

    @admin.display(description=_("portrait"))
    def portrait_preview(self, obj):
        if not obj.pk:
            return "-"
        return format_html(
            '<img src="{}" alt="" width="48" height="48" class="mlh-thumb">',
            reverse("heroes:portrait", args=[obj.key]),
        )

    @admin.display(description=_("reference images"))
    def image_count(self, obj):
        return obj.images.count()

    # Deleting a hero deletes its reference images with their files, and its
    # portrait file; results that named it keep their row (top hero cleared).
    def delete_model(self, request, obj):
        rows_delete_with_files([obj])

    def delete_queryset(self, request, queryset):
        rows_delete_with_files(list(queryset))

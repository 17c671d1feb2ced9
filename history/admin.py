"""The admin of people's results (heroes.Prediction) for moderators.

Photos are shown through the authorized photo views (history.views.photo and
thumbnail), never a public URL. Deleting predictions here deletes their
photos too. The admin URLs stay /admin/heroes/prediction/ (the model's app).
"""

import datetime

from django.conf import settings
from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.storage import rows_delete_with_files
from heroes import reprediction
from heroes.ml.api import model_version
from heroes.models import Prediction


class StaleFilter(admin.SimpleListFilter):
    title = _("model")
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [("yes", _("stale (another model)")), ("no", _("current model"))]

    def queryset(self, request, queryset):
        version = model_version()
        if self.value() == "yes":
            return queryset.exclude(model_version=version)
        if self.value() == "no":
            return queryset.filter(model_version=version)
        return queryset


class OwnerKindFilter(admin.SimpleListFilter):
    title = _("owner")
    parameter_name = "owner_kind"

    def lookups(self, request, model_admin):
        return [("account", _("an account")), ("anonymous", _("no account (not claimed)"))]

    def queryset(self, request, queryset):
        if self.value() == "anonymous":
            return queryset.filter(owner__isnull=True)
        if self.value() == "account":
            return queryset.filter(owner__isnull=False)
        return queryset


@admin.register(Prediction)
class PredictionAdmin(admin.ModelAdmin):
    list_display = [
        "thumbnail",
        "owner_email",
        "top_hero",
        "strength",
        "score",
        "model_version",
        "face_count",
        "created",
    ]
    list_select_related = ["owner", "top_hero"]
    list_filter = [
        "top_hero",
        "model_version",
        StaleFilter,
        OwnerKindFilter,
        "is_private",
        "created_at",
    ]
    search_fields = ["owner__email"]
    date_hierarchy = "created_at"
    actions = ["repredict", "delete_with_image"]
    fields = [
        "photo",
        "owner_email",
        "created_at",
        "predicted_at",
        "model_version",
        "is_private",
        "face_index",
        "faces",
        "ranking_table",
        "previous_results",
        "is_shared",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # results are computed, never edited by hand

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # replaced: it would leave the photos
        if not self.has_delete_permission(request):
            actions.pop("delete_with_image", None)
        if not self.has_view_permission(request):
            actions.pop("repredict", None)
        return actions

    class Media:
        css = {"all": ["heroes/admin.css"]}

    @admin.display(description=_("photo"))
    def thumbnail(self, obj):
        # A small crop around the chosen face, not the whole photo.
        if not obj.image:
            return _("No photo (analysed on the device)")
        return format_html(
            '<img src="{}" alt="" width="56" height="56" class="mlh-thumb" loading="lazy">',
            reverse("history:thumb", args=[obj.pk]),
        )

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, obj):
        """In the site's time zone (KST by default), like the pages."""
        return date_format(timezone.localtime(obj.created_at), "Y-m-d H:i")

    @admin.display(
        description=Prediction._meta.get_field("match_strength").verbose_name,
        ordering="match_strength",
    )
    def strength(self, obj):
        return "-" if obj.match_strength is None else f"{obj.match_strength:.0f}"

    @admin.display(description=_("photo"))
    def photo(self, obj):
        if not obj.image:
            return _("No photo (analysed on the device)")
        return format_html(
            '<img src="{}" alt="" class="mlh-photo">',
            reverse("history:photo", args=[obj.pk]),
        )

    @admin.display(description=_("owner"), ordering="owner__email")
    def owner_email(self, obj):
        if obj.owner is None:
            # Made without an account: the sweep deletes it unless claimed.
            expires = obj.created_at + datetime.timedelta(hours=settings.MLH_ANONYMOUS_KEEP_HOURS)
            return _("No account (not claimed; deleted after %(time)s)") % {
                "time": date_format(timezone.localtime(expires), "SHORT_DATETIME_FORMAT")
            }
        return obj.owner.email

    @admin.display(description=_("score"), ordering="top_probability")
    def score(self, obj):
        return "-" if obj.top_probability is None else f"{100 * obj.top_probability:.1f}%"

    @admin.display(description=_("faces"))
    def face_count(self, obj):
        return len(obj.faces or [])

    @admin.display(description=_("ranking"))
    def ranking_table(self, obj):
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}%</td></tr>",
            (
                (rank, row["hero"], f"{100 * row['probability']:.1f}")
                for rank, row in enumerate(obj.ranking or [], start=1)
            ),
        )
        return format_html("<table><tbody>{}</tbody></table>", rows)

    def delete_model(self, request, obj):
        rows_delete_with_files([obj])

    def delete_queryset(self, request, queryset):
        rows_delete_with_files(list(queryset))

    def has_repredict_permission(self, request):
        # Results are never edited by hand (no change form), but re-running
        # the engine over them is a change: it needs the change permission,
        # which the Moderators group does not have.
        return request.user.has_perm("heroes.change_prediction")

    @admin.action(description=_("Re-predict with the current model"), permissions=["repredict"])
    def repredict(self, request, queryset):
        replies = reprediction.predictions_repredict_selected(
            predictions=queryset, user=request.user
        )
        for level, text in replies:
            self.message_user(request, text, level)

    @admin.action(description=_("Delete with image"), permissions=["delete"])
    def delete_with_image(self, request, queryset):
        count = len(queryset)
        rows_delete_with_files(list(queryset))
        self.message_user(
            request,
            ngettext(
                "%(count)d prediction and its photo deleted.",
                "%(count)d predictions and their photos deleted.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

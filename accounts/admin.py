from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.forms import AdminLoginForm
from accounts.models import ApiToken, User
from core.storage import rows_delete_with_files

# The admin's login goes through the same throttled backend as the site's;
# this form only words the lockout the same way.
admin.site.login_form = AdminLoginForm


class UserAdminCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "display_name")


class UserAdminChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Every API token: who, which, when made and last used, searchable by
    the owner's email; "delete" revokes. Tokens are made only by their
    owner, on the account page."""

    list_display = ("user", "name", "prefix", "created_at", "last_used_at")
    list_select_related = ("user",)
    search_fields = ("user__email", "name", "prefix")
    fields = readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at")
    ordering = ("-created_at",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserAdminCreationForm
    form = UserAdminChangeForm
    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "display_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name",)}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "display_name",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def delete_model(self, request, obj):
        # Everything of theirs goes, photo files included (not only rows).
        rows_delete_with_files([obj])

    def delete_queryset(self, request, queryset):
        rows_delete_with_files(list(queryset))

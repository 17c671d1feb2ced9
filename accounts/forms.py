from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _, ngettext

from accounts import throttle
from accounts.models import User


DUPLICATE_EMAIL = _("An account with this email already exists. Log in instead.")


class SignUpForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "display_name")
        help_texts = {
            "display_name": _("Optional. Shown on your pages instead of your email."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "autofocus": True})
        self.fields["display_name"].widget.attrs.update({"autocomplete": "nickname"})

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email=email).exists():
            raise ValidationError(DUPLICATE_EMAIL, code="duplicate")
        return email


class LoginForm(AuthenticationForm):
    """Django's login form with the failed-login throttle in front of it."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The email or password is not correct."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Email")
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True}
        )

    def clean(self):
        email = (self.cleaned_data.get("username") or "").strip().lower()
        ip = throttle.client_ip(self.request) if self.request else "unknown"
        lockout = throttle.login_lockout(email=email, ip=ip)
        if lockout:
            minutes = lockout.retry_after_minutes
            raise ValidationError(
                ngettext(
                    "Too many failed login attempts. Try again in %(minutes)d minute.",
                    "Too many failed login attempts. Try again in %(minutes)d minutes.",
                    minutes,
                ),
                code="throttled",
                params={"minutes": minutes},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            throttle.login_failure_record(email=email, ip=ip)
            raise
        throttle.login_success_record(email=email)
        return cleaned


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("display_name",)


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("The password is not correct."), code="password_incorrect")
        return password



class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=60,
        help_text=_("What the token is for, e.g. 'my script'."),
    )

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.utils.translation import gettext_lazy as _

from accounts.emails import mail_send_off_request
from accounts.models import User
from core.errors import error_for

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
        # No "already exists" error: that would tell anyone which addresses
        # have an account. accounts.services.user_sign_up handles it.
        return User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()

    def validate_unique(self):
        pass  # the same: a taken address is not a form error


def lockout_error(lockout):
    """A login lockout as a form error (the message error_for gives it)."""
    return ValidationError(error_for(lockout).message, code="throttled")


class ThrottleMessageMixin:
    """The failed-login throttle itself lives in the authentication backend
    (accounts/backends.py); a form only turns its lockout into a message."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            lockout = getattr(self.request, "login_lockout", None)
            if lockout is not None:
                raise lockout_error(lockout) from None
            raise


class LoginForm(ThrottleMessageMixin, AuthenticationForm):
    """Django's login form; the backend counts failures and locks out."""

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


class AdminLoginForm(ThrottleMessageMixin, AdminAuthenticationForm):
    """The admin's login form, with the same lockout message."""


def current_password_check(request, user, password):
    """Check a logged-in person's password through the login's throttled
    backend: a wrong password counts toward the same
    lockout as a failed login, and while locked out even the right one is
    refused. Raises ValidationError; returns nothing when it is right."""
    checked = authenticate(request, username=user.email, password=password)
    if checked is not None and checked.pk == user.pk:
        return
    lockout = getattr(request, "login_lockout", None)
    if lockout is not None:
        raise lockout_error(lockout)
    raise ValidationError(_("The password is not correct."), code="password_incorrect")


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Django's form; the old password is checked through the login lockout."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        current_password_check(self.request, self.user, old_password)
        return old_password


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's form; the mail is rendered here and sent off the request, so
    a known address answers as fast as an unknown one."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        if html_email_template_name is not None:
            html = loader.render_to_string(html_email_template_name, context)
            message.attach_alternative(html, "text/html")
        mail_send_off_request(message)


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

    def __init__(self, user, *args, request=None, **kwargs):
        self.user = user
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        current_password_check(self.request, self.user, password)
        return password


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=60,
        help_text=_("What the token is for, e.g. 'my script'."),
    )

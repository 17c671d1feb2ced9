from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _, ngettext
from django.views.decorators.http import require_http_methods

from accounts.forms import AccountDeleteForm, ApiTokenForm, LoginForm, ProfileForm, SignUpForm
from accounts.services import (
    api_token_create,
    api_token_revoke,
    api_tokens_revoke_all,
    user_create,
    user_delete,
)


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_create(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            display_name=form.cleaned_data["display_name"],
        )
        login(request, user, backend="accounts.backends.ThrottledModelBackend")
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def _account_page(request, form, *, new_token=None, status=200):
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "tokens": request.user.api_tokens.all(),
            "token_form": ApiTokenForm(),
            "new_token": new_token,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:account")
    return _account_page(request, form)


@login_required
@require_http_methods(["POST"])
def token_create(request):
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return redirect("accounts:account")
    _token, secret = api_token_create(user=request.user, name=form.cleaned_data["name"])
    # Shown once, on this page only: only a hash is kept.
    return _account_page(request, ProfileForm(instance=request.user), new_token=secret)


@login_required
@require_http_methods(["POST"])
def token_revoke(request, pk):
    token = request.user.api_tokens.filter(pk=_pk_or_none(pk)).first()
    if token is None:
        raise Http404(_("No such token."))
    api_token_revoke(token=token)
    messages.success(request, _("The token was revoked. Programs using it can no longer sign in."))
    return redirect("accounts:account")


def _pk_or_none(raw):
    from accounts.models import ApiToken

    try:
        return ApiToken._meta.pk.to_python(raw)
    except Exception:  # noqa: BLE001 - malformed id: not found
        return None


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        user_delete(user=user)
        messages.success(request, _("Your account and everything in it were deleted."))
        return redirect("home")
    return render(request, "accounts/account_delete.html", {"form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed."))
        _revoke_tokens_and_say_so(self.request, form.user)
        return response


def _revoke_tokens_and_say_so(request, user):
    count = api_tokens_revoke_all(user=user)
    if count:
        messages.info(
            request,
            ngettext(
                "Your %(count)d API token was revoked: programs using it must get a new one.",
                "Your %(count)d API tokens were revoked: programs using them must get new ones.",
                count,
            )
            % {"count": count},
        )


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        _revoke_tokens_and_say_so(self.request, form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"

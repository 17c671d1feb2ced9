from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts import throttle
from accounts.emails import mail_goes_nowhere, send_signup_email
from accounts.forms import (
    AccountDeleteForm,
    ApiTokenForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    SignUpForm,
)
from accounts.services import (
    api_token_create,
    api_token_revoke,
    api_tokens_revoke_all,
    user_confirm,
    user_delete,
    user_sign_up,
)
from accounts.tokens import signup_confirm_token
from core.errors import error_for
from core.lookups import row_or_404
from core.ratelimit import client_ip


def _safe_next(request, value):
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def _limited_page(request, template, form, limited):
    error = error_for(limited)
    form.add_error(None, error.message)
    response = render(request, template, {"form": form}, status=error.status)
    for header, value in error.headers.items():
        response[header] = value
    return response


@require_http_methods(["GET", "POST"])
def signup(request):
    """Sign up. The answer is the same whether or not the address already has
    an account (no account enumeration): the owner of the address learns
    which by email, and a new account starts once its address is confirmed."""
    if request.user.is_authenticated:
        return redirect("home")
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            throttle.action_rate_take(
                "signup", ip=client_ip(request), email=form.cleaned_data["email"]
            )
        except throttle.ActionLimited as limited:
            return _limited_page(request, "accounts/signup.html", form, limited)
        user, outcome = user_sign_up(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            display_name=form.cleaned_data["display_name"],
        )
        link = send_signup_email(request, user=user, outcome=outcome, next_url=next_url)
        if link and mail_goes_nowhere():
            # Development only (DEBUG, console mail): the link is also shown
            # on the next page, so `make run` can be tried without a mailbox.
            request.session["dev_confirm_url"] = link
        return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


@require_GET
def signup_sent(request):
    link = request.session.pop("dev_confirm_url", None) if mail_goes_nowhere() else None
    return render(request, "accounts/signup_sent.html", {"dev_confirm_url": link})


@require_http_methods(["GET", "POST"])
def signup_confirm(request, uidb64, token):
    """The link from the confirmation email: a button (a GET never changes
    anything, so mail scanners that open links confirm nothing), then the
    account starts and its owner is logged in."""
    try:
        user = get_user_model().objects.get(pk=urlsafe_base64_decode(uidb64).decode())
    except Exception:  # noqa: BLE001 - malformed or unknown id: an invalid link
        user = None
    valid = (
        user is not None and not user.is_active and signup_confirm_token.check_token(user, token)
    )
    if not valid:
        return render(request, "accounts/signup_confirm.html", {"valid": False}, status=400)
    if request.method == "POST":
        user_confirm(user=user)
        login(request, user, backend="accounts.backends.ThrottledModelBackend")
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect(_safe_next(request, request.GET.get("next")) or "home")
    return render(request, "accounts/signup_confirm.html", {"valid": True})


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_redirect_url(self):
        # ?next= pointing back at the login page would loop for someone
        # already logged in (Django raises on that): go home instead.
        url = super().get_redirect_url()
        if url and urlsplit(url).path == self.request.path:
            return ""
        return url


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


@never_cache  # the page shows a new token's secret: never stored by a cache
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
    token = row_or_404(request.user.api_tokens.all(), pk, _("No such token."))
    api_token_revoke(token=token)
    messages.success(request, _("The token was revoked. Programs using it can no longer sign in."))
    return redirect("accounts:account")


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(request.user, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        user_delete(user=user)
        messages.success(request, _("Your account and everything in it were deleted."))
        return redirect("home")
    return render(request, "accounts/account_delete.html", {"form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:account")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        tokens = form.user.api_tokens.count()  # saving the password revokes them
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed."))
        _revoke_tokens_and_say_so(self.request, form.user, tokens)
        return response


def _revoke_tokens_and_say_so(request, user, count):
    """Saving a new password revoked the person's tokens (User.save); make
    sure none is left and tell them how many there were."""
    api_tokens_revoke_all(user=user)
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
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # Per IP and per address, whether or not the address has an account.
        try:
            throttle.action_rate_take(
                "reset", ip=client_ip(self.request), email=form.cleaned_data["email"]
            )
        except throttle.ActionLimited as limited:
            return _limited_page(self.request, self.template_name, form, limited)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        tokens = form.user.api_tokens.count()  # saving the password revokes them
        response = super().form_valid(form)
        _revoke_tokens_and_say_so(self.request, form.user, tokens)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"

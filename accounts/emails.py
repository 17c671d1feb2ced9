"""Emails about a person's account, and the message for a limited action."""

import logging
import threading

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.tokens import signup_confirm_token


def send_signup_email(request, *, user, outcome, next_url=""):
    """A confirmation link for a new (or never confirmed) account; for an
    address that already has an account, a note to its owner instead.
    Returns the confirmation link (None for the note)."""
    context = {"user": user, "site": request.build_absolute_uri("/").rstrip("/")}
    if outcome == "exists":
        context["login_url"] = request.build_absolute_uri(reverse("accounts:login"))
        context["reset_url"] = request.build_absolute_uri(reverse("accounts:password_reset"))
        subject = _("Someone tried to sign up with your address")
        body = render_to_string("accounts/email/signup_exists.txt", context, request=request)
    else:
        path = reverse(
            "accounts:signup_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": signup_confirm_token.make_token(user),
            },
        )
        if next_url:
            path += "?" + urlencode({"next": next_url})
        context["confirm_url"] = request.build_absolute_uri(path)
        subject = _("Confirm your MyLittleHero account")
        body = render_to_string("accounts/email/signup_confirm.txt", context, request=request)
    send_mail(subject, body, None, [user.email])
    return context.get("confirm_url")


def mail_send_off_request(message):
    """Send an EmailMessage in a thread of its own, so the answer does not wait
    for the mail server: a password reset for a known address must answer as
    fast as for an unknown one, which sends nothing. The
    thread is not a daemon: a worker that stops gracefully sends it first.

    The test suite's in-memory backend sends at once (tests read
    ``mail.outbox`` right after the request). Returns the thread, or None."""
    if settings.EMAIL_BACKEND.endswith("locmem.EmailBackend"):
        message.send()
        return None

    def send():
        try:
            message.send()
        except Exception:  # noqa: BLE001 - the request has answered; log it
            logging.getLogger(__name__).exception("sending a mail to %s failed", message.to)

    thread = threading.Thread(target=send, name="mail-send")
    thread.start()
    return thread


def mail_goes_nowhere():
    """A development server with no mail server: messages are printed on its
    console, where a person trying the site does not look."""
    return settings.DEBUG and settings.EMAIL_BACKEND.endswith("console.EmailBackend")

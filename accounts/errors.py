"""The accounts app's error codes: what a person reads when a login is
locked out or sign-ups and password resets from one place or for one
address are over their limit (429, with Retry-After). Registered with
core.errors from AccountsConfig.ready."""

from django.utils.translation import ngettext


def login_locked_message(lockout):
    minutes = lockout.retry_after_minutes
    return ngettext(
        "Too many failed login attempts. Try again in %(minutes)d minute.",
        "Too many failed login attempts. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def action_limited_message(lockout):
    minutes = lockout.retry_after_minutes
    return ngettext(
        "Too many requests from here or for this address. Try again in %(minutes)d minute.",
        "Too many requests from here or for this address. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


MESSAGES = {"login_locked": login_locked_message, "action_limited": action_limited_message}
STATUSES = {"login_locked": 429, "action_limited": 429}

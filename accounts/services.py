"""Writes for people: sign up and delete an account with everything of theirs."""

import hashlib
import secrets

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError

from accounts.models import ApiToken, User
from core.storage import rows_delete_with_files


def user_create(*, email, password, display_name=""):
    return User.objects.create_user(email=email, password=password, display_name=display_name)


def user_sign_up(*, email, password, display_name=""):
    """Sign-up that does not reveal whether an address has an account.

    Returns (user, outcome): "created" (a new account, inactive until its
    address is confirmed), "unconfirmed" (an earlier sign-up that was never
    confirmed: it takes the new password, so whoever controls the mailbox
    decides) or "exists" (an active account: nothing changes; its owner is
    told by email). The caller answers the same in every case, and every
    case costs one password hash, so the answer's timing does not tell either.
    """
    email = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email=email).first()
    if existing is None:
        try:
            user = User.objects.create_user(
                email=email, password=password, display_name=display_name, is_active=False
            )
        except IntegrityError:
            # The same address signed up in parallel, after the look-up above:
            # the unique index refused this one (its password was hashed):
            # answer as for a taken address.
            return User.objects.get(email=email), "exists"
        return user, "created"
    if not existing.is_active and existing.last_login is None:
        existing.set_password(password)
        existing.display_name = display_name
        existing.save(update_fields=["password", "display_name"])
        return existing, "unconfirmed"
    # Nothing changes, but hash like the other cases: a taken address must not
    # answer sooner than a new one.
    make_password(password)
    return existing, "exists"


def user_confirm(*, user):
    """Activate an account whose address was confirmed."""
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


def user_delete(*, user):
    """Delete a person, every row of theirs (predictions...) and their stored photos."""
    rows_delete_with_files([user])


def api_token_create(*, user, name):
    """Make a personal API token; returns (token row, the secret shown once)."""
    secret = "mlh_" + secrets.token_urlsafe(30)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip() or "API",
        key_hash=hashlib.sha256(secret.encode()).hexdigest(),
        prefix=secret[:8],
    )
    return token, secret


def api_token_revoke(*, token):
    token.delete()


def api_tokens_revoke_all(*, user):
    """Revoke every API token of a person (after a password change or reset:
    a token made by whoever knew the old password must stop working).
    Returns how many were revoked."""
    count = user.api_tokens.count()
    user.api_tokens.all().delete()
    return count

"""Writes for people: sign up and delete an account with everything of theirs."""

from accounts.models import User
from heroes.storage import rows_delete_with_files


def user_create(*, email, password, display_name=""):
    return User.objects.create_user(email=email, password=password, display_name=display_name)


def user_delete(*, user):
    """Delete a person, every row of theirs (predictions...) and their stored photos."""
    rows_delete_with_files([user])


def api_token_create(*, user, name):
    """Make a personal API token; returns (token row, the secret shown once)."""
    import hashlib
    import secrets

    from accounts.models import ApiToken

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

"""One-time links for confirming a new account's email address."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class SignupConfirmTokenGenerator(PasswordResetTokenGenerator):
    """Valid until the account is confirmed (is_active is in the hash) or its
    password changes, and for PASSWORD_RESET_TIMEOUT at most."""

    key_salt = "accounts.tokens.SignupConfirmTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.is_active}{timestamp}"


signup_confirm_token = SignupConfirmTokenGenerator()

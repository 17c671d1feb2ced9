"""Writes for people: sign up and delete an account with everything of theirs."""

from accounts.models import User
from heroes.storage import rows_delete_with_files


def user_create(*, email, password, display_name=""):
    return User.objects.create_user(email=email, password=password, display_name=display_name)


def user_delete(*, user):
    """Delete a person, every row of theirs (predictions...) and their stored photos."""
    rows_delete_with_files([user])

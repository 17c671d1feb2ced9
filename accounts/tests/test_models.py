import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from mylittlehero.settings import base as project_settings

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_is_normalised():
    User = get_user_model()
    user = User.objects.create_user(email="  Ada@Example.COM ".strip(), password="x-very-long-pw-1")
    assert user.email == "ada@example.com"
    assert User.USERNAME_FIELD == "email"
    assert User.objects.get_by_natural_key("ADA@example.com") == user


def test_passwords_use_djangos_salted_hasher_not_plain_sha256():
    User = get_user_model()
    with override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS):
        user = User.objects.create_user(email="a@example.com", password="same-password-123")
        other = User.objects.create_user(email="b@example.com", password="same-password-123")
    algorithm, iterations, salt, digest = user.password.split("$")
    assert algorithm == "pbkdf2_sha256"
    assert int(iterations) >= 600_000
    # Salted: the same password gives different stored hashes.
    assert user.password != other.password
    assert "same-password-123" not in user.password


def test_create_superuser_sets_flags():
    User = get_user_model()
    admin = User.objects.create_superuser(email="root@example.com", password="pw-root-12345")
    assert admin.is_staff and admin.is_superuser


def test_short_name_falls_back_to_email_local_part():
    User = get_user_model()
    assert User(email="kim@example.com").get_short_name() == "kim"
    assert User(email="kim@example.com", display_name="민기").get_short_name() == "민기"

"""The account services called directly (no view, no HTTP): what each one
stores or removes."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accounts.models import ApiToken, User
from accounts.services import (
    api_token_create,
    api_token_revoke,
    api_tokens_revoke_all,
    user_confirm,
    user_create,
    user_delete,
    user_sign_up,
)
from heroes.models import Prediction
from heroes.services import prediction_share, share_card_name

pytestmark = pytest.mark.django_db


def test_user_create_stores_an_active_person_with_a_hashed_password():
    user = user_create(email="ada@example.com", password="a-long-pass-9174", display_name="Ada")
    row = User.objects.get(pk=user.pk)
    assert (row.email, row.display_name, row.is_active) == ("ada@example.com", "Ada", True)
    assert row.password != "a-long-pass-9174" and row.check_password("a-long-pass-9174")


def test_sign_up_creates_an_inactive_account_until_confirmed():
    user, outcome = user_sign_up(email="  New@Example.COM ", password="first-pass-2231")
    assert outcome == "created"
    row = User.objects.get(pk=user.pk)
    assert row.email == "new@example.com" and not row.is_active
    user_confirm(user=user)
    assert User.objects.get(pk=user.pk).is_active


def test_sign_up_again_before_confirming_takes_the_new_password():
    first, _ = user_sign_up(email="again@example.com", password="first-pass-2231")
    second, outcome = user_sign_up(
        email="again@example.com", password="second-pass-8812", display_name="Again"
    )
    assert outcome == "unconfirmed" and second.pk == first.pk
    row = User.objects.get(pk=first.pk)
    assert row.check_password("second-pass-8812") and not row.check_password("first-pass-2231")
    assert row.display_name == "Again" and User.objects.count() == 1


def test_sign_up_with_an_active_address_changes_nothing(user, password):
    same, outcome = user_sign_up(
        email="owner@example.com", password="takeover-pass-5521", display_name="Mallory"
    )
    assert outcome == "exists" and same.pk == user.pk
    row = User.objects.get(pk=user.pk)
    assert row.check_password(password) and row.display_name == "Owner"
    assert User.objects.count() == 1


def test_user_delete_removes_the_person_their_rows_and_files(
    user, other_user, make_prediction, django_capture_on_commit_callbacks
):
    mine = [make_prediction(user), prediction_share(prediction=make_prediction(user))]
    card = share_card_name(mine[1].share_token, "ko")
    default_storage.save(card, ContentFile(b"png"))
    api_token_create(user=user, name="script")
    theirs = make_prediction(other_user)
    _token, their_secret = api_token_create(user=other_user, name="theirs")

    with django_capture_on_commit_callbacks(execute=True):
        user_delete(user=user)

    assert not User.objects.filter(pk=user.pk).exists()
    assert list(Prediction.objects.values_list("pk", flat=True)) == [theirs.pk]
    assert not any(default_storage.exists(p.image.name) for p in mine)
    assert not default_storage.exists(card)
    assert default_storage.exists(theirs.image.name)
    assert list(ApiToken.objects.values_list("user", flat=True)) == [other_user.pk]


def test_api_token_stores_only_a_hash_of_the_secret(user):
    token, secret = api_token_create(user=user, name="  ")
    row = ApiToken.objects.get(pk=token.pk)
    assert row.user == user and row.name == "API"
    assert row.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (row.key_hash, row.prefix, row.name) and secret.startswith(row.prefix)
    _other, second = api_token_create(user=user, name="two")
    assert second != secret


def test_revoking_tokens(user, other_user):
    first, _ = api_token_create(user=user, name="one")
    api_token_create(user=user, name="two")
    api_token_create(user=user, name="three")
    theirs, _ = api_token_create(user=other_user, name="theirs")

    api_token_revoke(token=first)
    assert sorted(user.api_tokens.values_list("name", flat=True)) == ["three", "two"]
    assert api_tokens_revoke_all(user=user) == 2
    assert not user.api_tokens.exists()
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [theirs.pk]
    assert api_tokens_revoke_all(user=user) == 0

"""Deleting an account, a hero or a prediction removes every row that depends
on it and every stored file of those rows.

On MongoDB there are no foreign-key constraints: Django's deletion collector
(core/storage.py) is all there is. The checks below look at every model,
auto-created many-to-many rows included, for a reference left behind.
"""

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.models import ApiToken
from accounts.services import api_token_create
from core.storage import rows_delete_with_files
from heroes.models import Hero, HeroImage, Prediction
from mylittlehero.tests.factories import jpeg_bytes
from mylittlehero.tests.secantus import SECANTUS_NESTED_ADD_FIELDS_BUG

pytestmark = pytest.mark.django_db


def references_to(model, pk):
    """(model label, field name, count) of rows still pointing at ``model`` row ``pk``."""
    left = []
    for other in apps.get_models(include_auto_created=True):
        for field in other._meta.get_fields():
            if field.many_to_one and field.concrete and field.related_model is model:
                count = other._default_manager.filter(**{field.attname: pk}).count()
                if count:
                    left.append((other._meta.label, field.name, count))
    return left


def stored(media_root, field_file):
    return (media_root / field_file.name).exists()


def test_deleting_an_account_removes_every_dependent_row_and_file(
    client,
    user,
    other_user,
    password,
    make_prediction,
    media_root,
    django_capture_on_commit_callbacks,
):
    mine = [make_prediction(user), make_prediction(user)]
    theirs = make_prediction(other_user)
    api_token_create(user=user, name="script")
    user.groups.add(Group.objects.get(name="Moderators"))
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=[mine[0]], action_flag=ADDITION, single_object=True
    )
    assert references_to(type(user), user.pk)  # predictions, token, group, log entry
    files = [p.image for p in mine]

    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):  # files go after the commit
        assert client.post(reverse("accounts:delete"), {"password": password}).status_code == 302

    assert references_to(type(user), user.pk) == []
    assert not type(user).objects.filter(pk=user.pk).exists()
    assert not any(stored(media_root, f) for f in files)
    assert Prediction.objects.filter(pk=theirs.pk).exists() and stored(media_root, theirs.image)
    assert ApiToken.objects.count() == 0
    assert Group.objects.filter(name="Moderators").exists()  # the group itself stays


@pytest.fixture
def hero_with_files(media_root):
    hero = Hero.objects.get(key="loki")
    hero.portrait.save("portrait.jpg", ContentFile(jpeg_bytes()), save=True)
    for split in (HeroImage.TRAIN, HeroImage.VALID):
        image = HeroImage(hero=hero, split=split)
        image.image.save("ref.jpg", ContentFile(jpeg_bytes()), save=True)
    return hero


def assert_hero_gone_with_its_files(hero_pk, files, prediction, other, media_root):
    assert not Hero.objects.filter(pk=hero_pk).exists()
    assert references_to(Hero, hero_pk) == []
    assert not any(stored(media_root, f) for f in files)
    # A result that named the hero stays, without it (SET_NULL); other heroes are untouched.
    prediction.refresh_from_db()
    assert prediction.top_hero is None and stored(media_root, prediction.image)
    assert HeroImage.objects.filter(pk=other.pk).exists() and stored(media_root, other.image)


@pytest.fixture
def around_hero(user, make_prediction, hero_with_files):
    other = HeroImage(hero=Hero.objects.get(key="thanos"))
    other.image.save("ref.jpg", ContentFile(jpeg_bytes()), save=True)
    prediction = make_prediction(user, top_hero=hero_with_files)
    files = [hero_with_files.portrait] + [i.image for i in hero_with_files.images.all()]
    return files, prediction, other


def test_deleting_a_hero_removes_its_reference_images_and_files(
    hero_with_files, around_hero, media_root, django_capture_on_commit_callbacks
):
    files, prediction, other = around_hero
    assert len(files) == 3 and all(stored(media_root, f) for f in files)
    hero_pk = hero_with_files.pk
    with django_capture_on_commit_callbacks(execute=True):
        rows_delete_with_files([hero_with_files])  # what the admin's delete calls
    assert_hero_gone_with_its_files(hero_pk, files, prediction, other, media_root)


@SECANTUS_NESTED_ADD_FIELDS_BUG
def test_deleting_a_hero_in_the_admin_removes_its_files(
    client,
    superuser,
    hero_with_files,
    around_hero,
    media_root,
    django_capture_on_commit_callbacks,
):
    files, prediction, other = around_hero
    client.force_login(superuser)
    url = reverse("admin:heroes_hero_delete", args=[hero_with_files.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert_hero_gone_with_its_files(hero_with_files.pk, files, prediction, other, media_root)


def test_deleting_a_prediction_removes_its_row_and_photo_only(
    client, user, make_prediction, media_root, django_capture_on_commit_callbacks
):
    doomed, kept = make_prediction(user), make_prediction(user)
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=[doomed], action_flag=ADDITION, single_object=True
    )
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("history:delete", args=[doomed.pk]))
    assert response.status_code == 302

    assert not Prediction.objects.filter(pk=doomed.pk).exists()
    assert references_to(Prediction, doomed.pk) == []
    assert not stored(media_root, doomed.image)
    assert Prediction.objects.filter(pk=kept.pk).exists() and stored(media_root, kept.image)
    # The admin's log keeps its text but no link to a row that is gone.
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Prediction), object_id=str(doomed.pk)
    ).exists()

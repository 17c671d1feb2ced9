"""The admin as a superuser and as a moderator (the data-migrated group)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from heroes.models import Hero, Prediction
from mylittlehero.tests.secantus import SECANTUS_NESTED_PROJECT_BUG

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(make_user):
    return make_user("root@example.com", is_staff=True, is_superuser=True)


@pytest.fixture
def moderator(make_user):
    user = make_user("mod@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def prediction(user, fake_predictor):
    from heroes.services import prediction_create
    from mylittlehero.tests.factories import photo_upload

    return prediction_create(user=user, upload=photo_upload())


ADMIN_PAGES = [
    ("admin:heroes_prediction_changelist", None),
    ("admin:heroes_prediction_change", "prediction"),
    ("admin:heroes_hero_changelist", None),
    ("admin:heroes_hero_change", "hero"),
    ("admin:accounts_user_changelist", None),
]


def url_for(name, arg, prediction):
    if arg == "prediction":
        return reverse(name, args=[prediction.pk])
    if arg == "hero":
        return reverse(name, args=[Hero.objects.get(key="loki").pk])
    return reverse(name)


@pytest.mark.parametrize("name, arg", ADMIN_PAGES)
@pytest.mark.parametrize(
    "who", ["superuser", pytest.param("moderator", marks=SECANTUS_NESTED_PROJECT_BUG)]
)
def test_admin_pages_render(client, request, prediction, name, arg, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(url_for(name, arg, prediction))
    assert response.status_code == 200


@SECANTUS_NESTED_PROJECT_BUG
def test_prediction_list_shows_thumbnail_owner_and_filters(
    client, moderator, prediction, fake_predictor
):
    client.force_login(moderator)
    html = client.get(reverse("admin:heroes_prediction_changelist")).content.decode()
    assert reverse("history:thumb", args=[prediction.pk]) in html  # authorized view
    assert "/media" not in html
    assert prediction.owner.email in html
    fake_predictor.version = "fake-2"  # another model is active now
    html = client.get(reverse("admin:heroes_prediction_changelist") + "?stale=yes").content.decode()
    assert prediction.owner.email in html  # made by the fake model: stale
    html = client.get(
        reverse("admin:heroes_prediction_changelist") + "?q=nobody@example.com"
    ).content.decode()
    assert prediction.owner.email not in html


@SECANTUS_NESTED_PROJECT_BUG
def test_moderator_can_view_the_photo_and_the_ranking(client, moderator, prediction):
    client.force_login(moderator)
    assert client.get(reverse("history:photo", args=[prediction.pk])).status_code == 200
    html = client.get(
        reverse("admin:heroes_prediction_change", args=[prediction.pk])
    ).content.decode()
    assert prediction.ranking[0]["hero"] in html


@SECANTUS_NESTED_PROJECT_BUG
def test_moderator_can_delete_a_prediction_with_its_image(
    client, moderator, prediction, media_root, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    path = media_root / prediction.image.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:heroes_prediction_changelist"),
            {"action": "delete_with_image", "_selected_action": [prediction.pk]},
        )
    assert response.status_code == 302
    assert not Prediction.objects.exists()
    assert not path.exists()


def test_repredict_action_keeps_the_previous_result(client, superuser, prediction, fake_predictor):
    fake_predictor.version = "fake-2"
    client.force_login(superuser)
    client.post(
        reverse("admin:heroes_prediction_changelist"),
        {"action": "repredict", "_selected_action": [prediction.pk]},
    )
    prediction.refresh_from_db()
    assert prediction.model_version == "fake-2"
    assert prediction.previous_results[0]["model_version"] == "fake-1"


@SECANTUS_NESTED_PROJECT_BUG
def test_moderator_can_edit_heroes_but_not_people_or_groups(client, moderator, user):
    client.force_login(moderator)
    hero = Hero.objects.get(key="loki")
    data = {
        "key": "loki",
        "name_ko": "로키",
        "name_en": "Loki (edited)",
        "description_ko": hero.description_ko,
        "description_en": hero.description_en,
        "order": hero.order,
        "is_active": "on",
        "aliases": '["loki"]',
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
    }
    response = client.post(reverse("admin:heroes_hero_change", args=[hero.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    hero.refresh_from_db()
    assert hero.name_en == "Loki (edited)"

    forbidden = [
        reverse("admin:heroes_hero_add"),
        reverse("admin:heroes_hero_delete", args=[hero.pk]),
        reverse("admin:accounts_user_add"),
        reverse("admin:auth_user_password_change", args=[user.pk]),
        reverse("admin:accounts_user_delete", args=[user.pk]),
        reverse("admin:auth_group_changelist"),
    ]
    for url in forbidden:
        assert client.get(url).status_code == 403, url
    # Viewing a person is allowed, changing them is not.
    response = client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {"email": user.email, "is_superuser": "on", "is_staff": "on"},
    )
    assert response.status_code == 403
    user.refresh_from_db()
    assert not user.is_superuser


def test_the_moderators_group_has_exactly_its_permissions():
    codenames = sorted(
        Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True)
    )
    assert codenames == [
        "add_heroimage",
        "change_hero",
        "change_heroimage",
        "delete_heroimage",
        "delete_prediction",
        "view_hero",
        "view_heroimage",
        "view_prediction",
        "view_user",
    ]


def test_deleting_a_user_in_the_admin_deletes_their_photos(
    client, superuser, user, make_prediction, media_root, django_capture_on_commit_callbacks
):
    prediction = make_prediction(user)
    path = media_root / prediction.image.name
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_user_delete", args=[user.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Prediction.objects.exists()
    assert not path.exists()


@SECANTUS_NESTED_PROJECT_BUG
def test_reference_images_are_for_staff_only(client, moderator, user):
    from django.core.files.base import ContentFile

    from heroes.models import HeroImage
    from mylittlehero.tests.factories import jpeg_bytes

    image = HeroImage(hero=Hero.objects.get(key="loki"))
    image.image.save("ref.jpg", ContentFile(jpeg_bytes()), save=True)
    url = reverse("heroes:reference_image", args=[image.pk])
    client.force_login(user)
    assert client.get(url).status_code == 404
    client.force_login(moderator)
    assert client.get(url).status_code == 200
    assert client.get(reverse("heroes:reference_image", args=["not-an-id"])).status_code == 404
    html = client.get(reverse("admin:heroes_hero_change", args=[image.hero.pk])).content.decode()
    assert url in html  # the inline's preview


def test_a_view_only_moderator_cannot_run_repredict(client, moderator, prediction, fake_predictor):
    fake_predictor.version = "fake-2"
    client.force_login(moderator)
    page = client.get(reverse("admin:heroes_prediction_changelist")).content.decode()
    assert 'value="repredict"' not in page
    client.post(
        reverse("admin:heroes_prediction_changelist"),
        {"action": "repredict", "_selected_action": [prediction.pk]},
    )
    prediction.refresh_from_db()
    assert prediction.model_version == "fake-1"
    assert fake_predictor.calls[-1]["face_index"] is None  # only the upload ran


def test_repredict_is_bounded_and_logged(client, superuser, user, fake_predictor, settings, caplog):
    from heroes.services import prediction_create
    from mylittlehero.tests.factories import photo_upload

    settings.MLH_ADMIN_REPREDICT_MAX = 2
    predictions = [prediction_create(user=user, upload=photo_upload()) for _ in range(3)]
    fake_predictor.version = "fake-2"
    client.force_login(superuser)
    with caplog.at_level("INFO", logger="heroes.admin"):
        response = client.post(
            reverse("admin:heroes_prediction_changelist"),
            {"action": "repredict", "_selected_action": [p.pk for p in predictions]},
            HTTP_ACCEPT_LANGUAGE="en",
            follow=True,
        )
        assert "manage.py repredict" in response.content.decode()
        assert set(Prediction.objects.values_list("model_version", flat=True)) == {"fake-1"}
        client.post(
            reverse("admin:heroes_prediction_changelist"),
            {"action": "repredict", "_selected_action": [p.pk for p in predictions[:2]]},
        )
    assert sorted(Prediction.objects.values_list("model_version", flat=True)) == [
        "fake-1",
        "fake-2",
        "fake-2",
    ]
    actions = [r.admin_action for r in caplog.records if r.name == "heroes.admin"]
    assert actions[0]["refused"] is True and actions[0]["user_id"] == str(superuser.pk)
    assert actions[1]["done"] == 2

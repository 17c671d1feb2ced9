"""The catalog and people admin as a superuser and as a moderator (the
data-migrated group), and every admin page rendering. The results admin:
history/tests/test_admin.py."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from heroes.models import Hero, Prediction
from heroes.services import prediction_create
from mylittlehero.tests.factories import photo_upload
from mylittlehero.tests.secantus import SECANTUS_NESTED_PROJECT_BUG

pytestmark = pytest.mark.django_db


@pytest.fixture
def prediction(user, fake_predictor):
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

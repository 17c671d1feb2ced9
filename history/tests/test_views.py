"""A person's results are theirs alone: other people get 404, never 403."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from heroes.models import Prediction
from mylittlehero.tests.factories import jpeg_bytes
from mylittlehero.tests.secantus import SECANTUS_NESTED_PROJECT_BUG

pytestmark = pytest.mark.django_db


@pytest.fixture
def prediction(user, make_prediction):
    return make_prediction(user)


OWNED_URLS = ["history:detail", "history:photo", "history:delete"]


@pytest.mark.parametrize("name", OWNED_URLS)
def test_owner_can_open_their_result(client, user, prediction, name):
    client.force_login(user)
    response = client.get(reverse(name, args=[prediction.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("name", OWNED_URLS)
def test_another_user_gets_404_for_someone_elses_result(client, other_user, prediction, name):
    client.force_login(other_user)
    response = client.get(reverse(name, args=[prediction.pk]))
    assert response.status_code == 404


def test_another_user_cannot_delete_someone_elses_result(
    client, other_user, prediction, media_root
):
    client.force_login(other_user)
    response = client.post(reverse("history:delete", args=[prediction.pk]))
    assert response.status_code == 404
    assert Prediction.objects.filter(pk=prediction.pk).exists()
    assert (media_root / prediction.image.name).exists()


@pytest.mark.parametrize("name", OWNED_URLS)
def test_anonymous_is_sent_to_login(client, prediction, name):
    response = client.get(reverse(name, args=[prediction.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("bad_id", ["abc", "999999", "5f1d7f0a0a0a0a0a0a0a0a0a", "-1"])
def test_malformed_or_unknown_ids_are_404(client, user, bad_id):
    client.force_login(user)
    assert client.get(reverse("history:detail", args=[bad_id])).status_code == 404


def test_photo_is_streamed_privately(client, user, prediction):
    client.force_login(user)
    response = client.get(reverse("history:photo", args=[prediction.pk]))
    body = b"".join(response.streaming_content)
    assert body[:3] == b"\xff\xd8\xff"  # a JPEG
    assert response["Content-Type"] == "image/jpeg"
    # Kept by the owner's browser only (the result page loads it again on
    # every visit), never by a shared cache, and per session cookie.
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert "private" in cache_control and "public" not in cache_control
    assert any(part.startswith("max-age=") and int(part[8:]) > 0 for part in cache_control)
    assert "Cookie" in response["Vary"]


@SECANTUS_NESTED_PROJECT_BUG  # the Moderators group's permissions, garbled by the emulator
def test_staff_may_view_a_photo_but_not_the_private_page(client, make_user, prediction):
    from django.contrib.auth.models import Group

    moderator = make_user("mod@example.com", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(moderator)
    assert client.get(reverse("history:photo", args=[prediction.pk])).status_code == 200
    assert client.get(reverse("history:detail", args=[prediction.pk])).status_code == 404


def test_staff_without_the_view_permission_cannot_stream_photos(client, make_user, prediction):
    from heroes.models import Hero, HeroImage

    bare = make_user("staff@example.com", is_staff=True)
    client.force_login(bare)
    assert client.get(reverse("history:photo", args=[prediction.pk])).status_code == 404
    image = HeroImage.objects.create(
        hero=Hero.objects.first(), image=SimpleUploadedFile("r.jpg", jpeg_bytes())
    )
    assert client.get(reverse("heroes:reference_image", args=[image.pk])).status_code == 404


def test_media_url_is_not_served(client, user, prediction):
    client.force_login(user)
    response = client.get(f"/media/{prediction.image.name}")
    assert response.status_code == 404


def test_list_shows_only_my_results_newest_first(client, user, other_user, make_prediction):
    first = make_prediction(user)
    second = make_prediction(user)
    make_prediction(other_user)
    client.force_login(user)
    response = client.get(reverse("history:list"))
    assert [p.pk for p in response.context["page"].object_list] == [second.pk, first.pk]


def test_delete_one_removes_row_and_file(
    client, user, prediction, media_root, django_capture_on_commit_callbacks
):
    path = media_root / prediction.image.name
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("history:delete", args=[prediction.pk]))
    assert response.status_code == 302
    assert not Prediction.objects.filter(pk=prediction.pk).exists()
    assert not path.exists()


def test_delete_all_removes_only_mine(
    client, user, other_user, make_prediction, media_root, django_capture_on_commit_callbacks
):
    mine = [make_prediction(user) for _ in range(3)]
    theirs = make_prediction(other_user)
    client.force_login(user)
    assert client.get(reverse("history:delete_all")).context["count"] == 3
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("history:delete_all"))
    assert not Prediction.objects.filter(owner=user).exists()
    assert not any((media_root / p.image.name).exists() for p in mine)
    assert (media_root / theirs.image.name).exists()


def test_delete_needs_post_and_csrf(user, prediction):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("history:delete", args=[prediction.pk]))
    assert response.status_code == 403
    assert Prediction.objects.filter(pk=prediction.pk).exists()


def test_photo_comes_sized_to_what_the_result_page_draws(client, user, fake_predictor):
    import io

    from PIL import Image

    from heroes.services import prediction_create
    from mylittlehero.tests.factories import photo_upload

    prediction = prediction_create(user=user, upload=photo_upload(size=(1024, 768)))
    client.force_login(user)
    url = reverse("history:photo", args=[prediction.pk])
    full = b"".join(client.get(url).streaming_content)
    assert Image.open(io.BytesIO(full)).size == (1024, 768)
    small = client.get(url + "?w=480")
    assert small["Content-Type"] == "image/jpeg"
    assert "private" in small["Cache-Control"] and "Cookie" in small["Vary"]
    assert Image.open(io.BytesIO(small.content)).size == (480, 360)
    assert len(small.content) < len(full) / 2
    # Only the page's own widths: anything else is the stored photo.
    other = client.get(url + "?w=5000")
    assert b"".join(other.streaming_content) == full
    # The page offers them.
    page = client.get(reverse("history:detail", args=[prediction.pk])).content.decode()
    assert f"{url}?w=480 480w" in page and f"{url}?w=720 720w" in page

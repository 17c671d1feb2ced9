"""The upload page (history.views.upload), with the fake predictor."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from heroes.migrations._more_heroes import ALL_DEFAULT_HERO_KEYS
from heroes.models import Prediction
from mylittlehero.tests.environment import media_files
from mylittlehero.tests.factories import photo_upload

pytestmark = pytest.mark.django_db


def test_upload_page_is_open_without_an_account(client):
    # Trying needs no account (history/tests/test_anonymous.py).
    response = client.get(reverse("upload"))
    assert response.status_code == 200
    assert 'id="upload-form"' in response.content.decode()


def test_upload_page_offers_picker_camera_and_limit(client, user):
    client.force_login(user)
    html = client.get(reverse("upload")).content.decode()
    assert 'accept="image/*"' in html and 'capture="user"' in html
    assert 'data-max-bytes="10485760"' in html
    assert 'enctype="multipart/form-data"' in html


def test_upload_stores_photo_and_result_then_shows_it(client, user, fake_predictor, media_root):
    client.force_login(user)
    before = set(media_files(media_root, "predictions"))
    response = client.post(reverse("upload"), {"photo": photo_upload()})
    assert response.status_code == 302
    prediction = Prediction.objects.get(owner=user)
    assert response.url == reverse("history:detail", args=[prediction.pk])
    assert len(prediction.ranking) == len(ALL_DEFAULT_HERO_KEYS)
    assert prediction.top_hero.key == prediction.ranking[0]["hero"]
    assert prediction.model_version == "fake-1"
    assert prediction.faces and prediction.face_index == 0
    new = set(media_files(media_root, "predictions")) - before
    assert len(new) == 1
    # A random name, not the uploaded one, and not the email.
    name = new.pop().name
    assert "me" not in name and "owner" not in name and name.endswith(".jpg")

    page = client.get(response.url).content.decode()
    assert prediction.top_hero.name_ko in page
    assert 'class="face-box"' in page
    assert page.count('class="runner-card"') == 3
    assert page.count("ranking-percent") == len(ALL_DEFAULT_HERO_KEYS)


def test_stored_photo_has_no_exif_and_is_upright(client, user, fake_predictor, media_root):
    image = Image.new("RGB", (300, 200), (10, 10, 10))
    image.paste((250, 250, 250), (0, 0, 100, 60))
    noise = Image.effect_noise((300, 200), 40).convert("RGB")
    image = Image.blend(image, noise, 0.3)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated
    exif[0x8825] = {2: (37.0, 33.0, 0.0), 1: "N"}  # GPS
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    client.force_login(user)
    client.post(reverse("upload"), {"photo": photo_upload(content=buffer.getvalue())})
    prediction = Prediction.objects.get(owner=user)
    stored = Image.open(media_root / prediction.image.name)
    assert not stored.getexif()
    assert stored.size == (200, 300)  # orientation applied
    assert (prediction.image_width, prediction.image_height) == (200, 300)


@pytest.mark.parametrize(
    "upload, status, message",
    [
        (photo_upload(color=(128, 128, 128)), 400, "얼굴을 찾지 못했어요"),
        (photo_upload(content=b"this is text, not a photo"), 400, "읽을 수 있는 사진이 아니에요"),
        (photo_upload(content=b""), 400, "파일이 비어 있어요"),
    ],
)
def test_refused_uploads_store_nothing_and_explain(
    client, user, fake_predictor, media_root, upload, status, message
):
    upload.seek(0)
    client.force_login(user)
    before = media_files(media_root, "predictions")
    response = client.post(reverse("upload"), {"photo": upload})
    assert response.status_code == status
    assert message in response.content.decode()
    assert Prediction.objects.count() == 0
    assert media_files(media_root, "predictions") == before


def test_too_large_is_refused_before_the_engine(client, user, fake_predictor, settings):
    settings.MLH_MAX_UPLOAD_BYTES = 1000
    client.force_login(user)
    response = client.post(reverse("upload"), {"photo": photo_upload()}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert "photos up to 1000" in response.content.decode()
    assert fake_predictor.calls == []


def test_engine_unavailable_is_503_and_stores_nothing(client, user, fake_predictor, media_root):
    fake_predictor.unavailable = True
    client.force_login(user)
    response = client.post(reverse("upload"), {"photo": photo_upload()})
    assert response.status_code == 503
    assert Prediction.objects.count() == 0


def test_english_messages(client, user, fake_predictor):
    client.force_login(user)
    response = client.post(
        reverse("upload"),
        {"photo": photo_upload(color=(128, 128, 128))},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "We could not find a face in that photo." in response.content.decode()


def test_the_page_shrinks_to_the_engines_working_size(client):
    import inspect

    from heroes.ml import api
    from history.views import UPLOAD_JPEG_QUALITY, UPLOAD_MAX_SIDE

    # The engine keeps at most this many pixels on the long side: sending
    # more is waste, sending less would change its answer.
    assert UPLOAD_MAX_SIDE == inspect.signature(api.load_image).parameters["max_side"].default
    html = client.get(reverse("upload")).content.decode()
    assert f'data-max-side="{UPLOAD_MAX_SIDE}"' in html
    assert f'data-jpeg-quality="{UPLOAD_JPEG_QUALITY}"' in html

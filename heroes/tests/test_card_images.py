"""A moderator's image cannot make share cards a memory
bomb. Portraits and reference images go through the upload intake and are
stored reduced; a card never decodes an image larger than it draws; turning
sharing on and off (each re-share renders a new card) is limited."""

import io
import struct
import zlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image, ImageFile

from heroes import services
from heroes.cards.images import CARD_IMAGE_MAX_PIXELS
from heroes.models import Hero
from mylittlehero.tests.factories import photo_upload

pytestmark = pytest.mark.django_db


def grey_png(side):
    """A real, decodable side x side 8-bit grey PNG, made row by row (12000
    x 12000 is 144 MP and about 150 KB: what the attack uploaded)."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    packer = zlib.compressobj(9)
    row = b"\x00" + bytes(side)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def png(width, height):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def hero_form(hero, **files):
    return {
        "key": hero.key,
        "name_ko": hero.name_ko,
        "name_en": hero.name_en,
        "description_ko": hero.description_ko,
        "description_en": hero.description_en,
        "order": hero.order,
        "is_active": "on",
        "aliases": "",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
        **files,
    }


@pytest.fixture(scope="module")
def bomb():
    return grey_png(12000)


def test_the_admin_refuses_a_portrait_over_the_upload_limits(client, superuser, bomb):
    hero = Hero.objects.get(key="loki")
    client.force_login(superuser)
    upload = SimpleUploadedFile("bomb.png", bomb, content_type="image/png")
    response = client.post(
        reverse("admin:heroes_hero_change", args=[hero.pk]),
        hero_form(hero, portrait=upload),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200  # the form again, with the error
    assert "portrait" in response.context["adminform"].form.errors
    hero.refresh_from_db()
    assert not hero.portrait


def test_portraits_and_reference_images_are_stored_reduced(client, superuser):
    hero = Hero.objects.get(key="loki")
    client.force_login(superuser)
    data = hero_form(
        hero,
        portrait=SimpleUploadedFile("big.png", png(2400, 1800), content_type="image/png"),
    )
    data.update(
        {
            "images-TOTAL_FORMS": "1",
            "images-0-image": SimpleUploadedFile("ref.png", png(1800, 2400), "image/png"),
            "images-0-split": "train",
        }
    )
    response = client.post(reverse("admin:heroes_hero_change", args=[hero.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    hero.refresh_from_db()
    stored = [hero.portrait] + [image.image for image in hero.images.all()]
    assert len(stored) == 2
    for field in stored:
        with field.open("rb") as handle:
            image = Image.open(handle)
            assert image.format == "JPEG"
            assert max(image.size) == 1024


def test_a_card_never_decodes_an_image_larger_than_it_draws(
    client, user, fake_predictor, bomb, monkeypatch
):
    """A portrait stored before the intake limits (or put there another way)
    is not decoded: the card falls back to the hero's emblem."""
    prediction = services.prediction_create(user=user, upload=photo_upload())
    services.prediction_share(prediction=prediction)
    hero = prediction.top_hero
    hero.portrait.save("bomb.png", ContentFile(bomb), save=True)
    decoded = []
    load = ImageFile.ImageFile.load

    def recording_load(self):
        decoded.append(self.size)
        return load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", recording_load)
    response = client.get(reverse("heroes:share_card", args=[prediction.share_token]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert decoded, "nothing was decoded"
    assert all(w * h <= CARD_IMAGE_MAX_PIXELS for w, h in decoded), decoded


@override_settings(MLH_SHARE_TOGGLE_RATE="3/hour")
def test_turning_sharing_on_and_off_is_limited(client, user, fake_predictor):
    prediction = services.prediction_create(user=user, upload=photo_upload())
    client.force_login(user)
    url = reverse("history:share", args=[prediction.pk])
    statuses = [
        client.post(
            url,
            {"action": action},
            HTTP_ACCEPT="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        for action in ("share", "revoke", "share", "revoke")
    ]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    # The shape of every page script's error reply (history.views._json_error).
    refused = statuses[-1].json()
    assert refused["code"] == "rate_limited"
    assert "turned sharing on and off too often" in refused["error"]
    assert statuses[-1]["Retry-After"]
    prediction.refresh_from_db()
    assert prediction.is_shared  # the refused revoke changed nothing
    # The API counts toward the same limit.
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(user)
    answer = api.delete(reverse("api:prediction_share", args=[prediction.pk]))
    assert answer.status_code == 429
    assert answer.json()["error"]["code"] == "rate_limited"

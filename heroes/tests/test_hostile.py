"""Hostile and broken uploads, through the real upload page and the API,
with the real model. Each input gets a result or a clear 4xx with a message;
never a 5xx; nothing is left behind on refusal; the site stays up.

The corpus is generated here: no binary files in the repository.
"""

import io
import struct
import zlib

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from accounts.services import api_token_create
from heroes.models import Prediction
from mylittlehero.tests.environment import media_files
from mylittlehero.tests.factories import ASTRONAUT, EXIF_STORE_TRANSFORMS

pytestmark = [pytest.mark.model, pytest.mark.django_db]


def _jpeg(image, **kwargs):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=kwargs.pop("quality", 90), **kwargs)
    return buffer.getvalue()


def _png(image, **kwargs):
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **kwargs)
    return buffer.getvalue()


def _astronaut():
    return Image.open(ASTRONAUT).convert("RGB")


def _jpeg_declaring(width, height):
    data = bytearray(_jpeg(Image.new("RGB", (16, 16))))
    marker = data.find(b"\xff\xc0")
    data[marker + 5 : marker + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def _png_bomb():
    def chunk(kind, payload):
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\x00" * (1 + 3 * 60000) * 64, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def _animated_gif():
    frames = [_astronaut(), Image.new("RGB", (512, 512), "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def _exif_rotated(orientation):
    transform = EXIF_STORE_TRANSFORMS[orientation]
    image = _astronaut()
    stored = image if transform is None else image.transpose(transform)
    exif = Image.Exif()
    exif[0x0112] = orientation
    return _jpeg(stored, exif=exif)


def _twelve_faces():
    face = _astronaut().crop((100, 20, 360, 300)).resize((180, 194))
    canvas = Image.new("RGB", (4 * 190, 3 * 204), (230, 230, 230))
    for i in range(12):
        canvas.paste(face, ((i % 4) * 190, (i // 4) * 204))
    return _jpeg(canvas)


def _gradient():
    ramp = np.tile(np.linspace(0, 255, 400, dtype=np.uint8), (300, 1))
    return _jpeg(Image.fromarray(np.stack([ramp, ramp, ramp[:, ::-1]], axis=-1)))


def _palette_transparent():
    image = _astronaut().convert("P", palette=Image.Palette.ADAPTIVE)
    return _png(image, transparency=0)


def _sixteen_bit():
    gray = np.asarray(_astronaut().convert("L")).astype(np.uint16) * 257
    return _png(Image.fromarray(gray))


# name -> (file name, bytes, what must happen: "ok" or the refusal code)
CORPUS = {
    "empty file": ("empty.jpg", lambda: b"", "invalid"),
    "text named .jpg": ("notes.jpg", lambda: b"just some text\n" * 20, "not_an_image"),
    "truncated JPEG": ("cut.jpg", lambda: _jpeg(_astronaut())[:6000], "corrupt_image"),
    "JPEG declaring 30000x30000": (
        "bomb.jpg",
        lambda: _jpeg_declaring(30000, 30000),
        "too_many_pixels",
    ),
    "PNG bomb": ("bomb.png", _png_bomb, "too_many_pixels"),
    "25 MB file": (
        "huge.jpg",
        lambda: b"\xff\xd8\xff\xe0" + b"\x00" * (25 * 1024 * 1024),
        "too_large",
    ),
    "animated GIF": ("anim.gif", _animated_gif, "ok"),
    "SVG with script": (
        "x.svg",
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "not_an_image",
    ),
    "PDF": ("doc.pdf", lambda: _pdf(), "not_an_image"),
    "HTML named .png": (
        "page.png",
        lambda: b"<html><body><script>alert(1)</script></body></html>",
        "not_an_image",
    ),
    "polyglot JPEG + HTML + zip": (
        "poly.jpg",
        lambda: _jpeg(_astronaut()) + b"<html><script>alert(1)</script></html>PK\x03\x04zipdata",
        "ok",
    ),
    "CMYK JPEG": ("cmyk.jpg", lambda: _jpeg(_astronaut().convert("CMYK")), "ok"),
    "16-bit PNG": ("deep.png", _sixteen_bit, "ok"),
    "grayscale": ("gray.jpg", lambda: _jpeg(_astronaut().convert("L")), "ok"),
    "palette with transparency": ("pal.png", _palette_transparent, "ok"),
    "10x10 image": ("tiny.png", lambda: _png(Image.new("RGB", (10, 10), "red")), "no_face"),
    "6000x100 strip": (
        "strip.png",
        lambda: _png(Image.new("RGB", (6000, 100), "green")),
        "no_face",
    ),
    **{
        f"EXIF orientation {n}": (f"exif{n}.jpg", (lambda n=n: _exif_rotated(n)), "ok")
        for n in range(1, 9)
    },
    "no face": ("sky.jpg", _gradient, "no_face"),
    "12 faces": ("crowd.jpg", _twelve_faces, "ok"),
    "non-ASCII very long name": ("얼굴사진_" * 40 + ".jpg", lambda: _jpeg(_astronaut()), "ok"),
    "path traversal name": ("../../x.jpg", lambda: _jpeg(_astronaut()), "ok"),
}


def _side_under(image_format, mode):
    import math

    from heroes.ml.intake import decode_pixel_limit

    return math.isqrt(decode_pixel_limit(image_format, mode)) - 1


def _at_limit(image_format, mode, **save):
    """A plain image (no face) as large as this format and mode may be."""
    side = _side_under(image_format, mode)
    if mode == "I;16":
        array = np.full((side, side), 30000, np.uint16)
        image = Image.fromarray(array)
    elif mode == "P":
        image = Image.new("P", (side, side), 1)
        image.putpalette([255, 0, 0, 0, 255, 0] * 128)
    else:
        image = Image.new(mode, (side, side), (30, 90, 200, 128)[: len(mode)])
    buffer = io.BytesIO()
    image.save(buffer, image_format, **save)
    return buffer.getvalue()


def _just_under_the_byte_limit():
    from heroes.ml.intake import DEFAULT_MAX_BYTES

    photo = _jpeg(_astronaut())
    return photo + b"\x00" * (DEFAULT_MAX_BYTES - 1024 - len(photo))


# Inputs just under every limit: each must decode within
# bounded memory (measured in test_intake.py) and be treated like any photo.
CORPUS.update(
    {
        "JPEG just under 40 MP": (
            "big.jpg",
            lambda: _at_limit("JPEG", "RGB", quality=30),
            "no_face",
        ),
        "16-bit PNG just under its limit": (
            "big16.png",
            lambda: _at_limit("PNG", "I;16", compress_level=1),
            "no_face",
        ),
        "RGBA PNG just under its limit": (
            "bigrgba.png",
            lambda: _at_limit("PNG", "RGBA", compress_level=1),
            "no_face",
        ),
        "palette PNG with transparency just under its limit": (
            "bigpal.png",
            lambda: _at_limit("PNG", "P", compress_level=1, transparency=0),
            "no_face",
        ),
        "WebP with alpha just under its limit": (
            "big.webp",
            lambda: _at_limit("WEBP", "RGBA", quality=10),
            "no_face",
        ),
        "photo just under the byte limit": ("padded.jpg", _just_under_the_byte_limit, "ok"),
    }
)


def _pdf():
    buffer = io.BytesIO()
    Image.new("RGB", (50, 50), "white").save(buffer, "PDF")
    return buffer.getvalue()


def check(response, expected, name, api):
    status = response.status_code
    assert status < 500, f"{name}: server error {status}"
    if expected == "ok":
        assert status in (201, 302), f"{name}: expected a result, got {status}"
        return True
    assert 400 <= status < 500, f"{name}: expected a refusal, got {status}"
    if api:
        error = response.json()["error"]
        assert error["message"], name
        if expected != "invalid":
            assert error["code"] == expected, (name, error)
    else:
        html = response.content.decode()
        if status == 413 and expected == "too_large":
            # Refused by its Content-Length before the body was read: a page
            # that says so (core/middleware.py), not the form.
            assert 'role="alert"' in html, name
        else:
            assert 'role="alert"' in html and "field-errors" in html, name
    return False


def test_hostile_corpus_through_page_and_api(client, user, hero_engine, media_root, settings):
    settings.MLH_PREDICTION_RATE_USER = ""
    settings.MLH_PREDICTION_RATE_IP = ""
    client.force_login(user)
    _token, secret = api_token_create(user=user, name="hostile")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")

    server_errors, leftovers, results = 0, 0, 0
    for name, (filename, make, expected) in CORPUS.items():
        data = make()
        for via_api in (False, True):
            rows_before, files_before = Prediction.objects.count(), media_files(media_root)
            upload = SimpleUploadedFile(filename, data, content_type="application/octet-stream")
            if via_api:
                response = api.post(
                    reverse("api:predictions"), {"photo": upload}, format="multipart"
                )
            else:
                response = client.post(reverse("upload"), {"photo": upload})
            server_errors += response.status_code >= 500
            accepted = check(
                response, expected, f"{name} ({'API' if via_api else 'page'})", via_api
            )
            results += accepted
            if not accepted:
                leftovers += Prediction.objects.count() != rows_before
                leftovers += media_files(media_root) != files_before
            else:
                # Exactly one row and one file for each accepted upload.
                assert Prediction.objects.count() == rows_before + 1, name
                assert len(media_files(media_root)) == len(files_before) + 1, name
                prediction = Prediction.objects.order_by("-pk").first()
                stored = media_files(media_root)[-1] if media_files(media_root) else None
                assert prediction.image.name.startswith("predictions/"), name
                assert ".." not in prediction.image.name and "얼굴" not in prediction.image.name
                assert stored is not None
    # The site is still up.
    assert client.get(reverse("healthz")).status_code == 200
    total = 2 * len(CORPUS)
    print(
        f"\n{total} hostile inputs ({len(CORPUS)} files, page and API), "
        f"{server_errors} server errors, {leftovers} leftovers, {results} results"
    )
    assert server_errors == 0 and leftovers == 0


def test_polyglot_trailer_is_not_stored(client, user, hero_engine, media_root):
    client.force_login(user)
    data = _jpeg(_astronaut()) + b"<html><script>alert(1)</script></html>"
    client.post(reverse("upload"), {"photo": SimpleUploadedFile("p.jpg", data)})
    stored = (media_root / Prediction.objects.get().image.name).read_bytes()
    assert b"<script>" not in stored and b"<html>" not in stored

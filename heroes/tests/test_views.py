"""Result, share and the hero catalog, with the fake predictor (the upload
page: history/tests/test_upload.py)."""

import io

import pytest
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from heroes.migrations._more_heroes import ALL_DEFAULT_HERO_KEYS
from heroes.models import Hero, Prediction
from heroes.views import CARD_PAGE_WIDTHS
from mylittlehero.tests.factories import photo_upload

pytestmark = pytest.mark.django_db


def test_inactive_heroes_are_left_out_and_probabilities_renormalised(client, user, fake_predictor):
    Hero.objects.filter(key__in=["thanos", "loki"]).update(is_active=False)
    client.force_login(user)
    client.post(reverse("upload"), {"photo": photo_upload()})
    prediction = Prediction.objects.get(owner=user)
    assert {row["hero"] for row in prediction.ranking}.isdisjoint({"thanos", "loki"})
    assert len(prediction.ranking) == len(ALL_DEFAULT_HERO_KEYS) - 2
    assert abs(sum(row["probability"] for row in prediction.ranking) - 1) < 1e-4


def test_choosing_another_face_reranks(client, user, fake_predictor):
    client.force_login(user)
    client.post(reverse("upload"), {"photo": photo_upload(size=(600, 200))})
    prediction = Prediction.objects.get(owner=user)
    assert len(prediction.faces) == 2
    page = client.get(reverse("history:detail", args=[prediction.pk])).content.decode()
    assert page.count('class="face-thumb') == 2
    old = prediction.ranking
    response = client.post(reverse("history:choose_face", args=[prediction.pk]), {"face": "1"})
    assert response.status_code == 302
    prediction.refresh_from_db()
    assert prediction.face_index == 1
    assert prediction.ranking != old
    assert (
        client.post(reverse("history:choose_face", args=[prediction.pk]), {"face": "7"}).status_code
        == 404
    )


def test_share_link_lifecycle(client, user, other_user, fake_predictor):
    client.force_login(user)
    client.post(reverse("upload"), {"photo": photo_upload()})
    prediction = Prediction.objects.get(owner=user)
    share_url = reverse("heroes:share", args=[prediction.share_token])
    card_url = reverse("heroes:share_card", args=[prediction.share_token])
    client.logout()
    assert client.get(share_url).status_code == 404  # private until shared

    client.force_login(other_user)
    assert client.post(reverse("history:share", args=[prediction.pk])).status_code == 404
    client.force_login(user)
    client.post(reverse("history:share", args=[prediction.pk]), {"action": "share"})
    client.logout()
    page = client.get(share_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'property="og:image"' in html and "card.png" in html
    assert user.email not in html
    card = client.get(card_url)
    assert card.status_code == 200 and card["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(card.content)).size == (1200, 630)

    client.force_login(user)
    client.post(reverse("history:share", args=[prediction.pk]), {"action": "revoke"})
    client.logout()
    assert client.get(share_url).status_code == 404
    assert client.get(card_url).status_code == 404
    prediction.refresh_from_db()
    assert not prediction.is_shared and prediction.share_token not in share_url


def test_hero_pages(client):
    html = client.get(reverse("heroes:list")).content.decode()
    assert html.count('class="hero-tile"') == len(ALL_DEFAULT_HERO_KEYS)
    html = client.get(
        reverse("heroes:detail", args=["iron-man"]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Iron Man" in html and "genius inventor" in html
    response = client.get(reverse("heroes:portrait", args=["iron-man"]))
    assert response.status_code == 302 and response.url.endswith("heroes/emblems/iron-man.png")
    assert client.get(reverse("heroes:detail", args=["nobody"])).status_code == 404


def test_one_structured_log_line_per_prediction(client, user, fake_predictor):
    import json
    import logging

    from mylittlehero.log_format import JsonLineFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLineFormatter())
    logger = logging.getLogger("heroes.predictions")
    logger.addHandler(handler)
    try:
        client.force_login(user)
        client.post(reverse("upload"), {"photo": photo_upload()})
        client.post(reverse("upload"), {"photo": photo_upload(color=(128, 128, 128))})
    finally:
        logger.removeHandler(handler)
    stored, refused = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert stored["outcome"] == "stored" and refused["outcome"] == "refused"
    assert stored["user_id"] == str(user.pk) and user.email not in stream.getvalue()
    assert stored["model_version"] == "fake-1" and "ms" in stored and "stages_ms" in stored
    assert refused["error"] == "no_face"


@override_settings(MLH_PREDICTION_RATE_USER="2/hour", MLH_PREDICTION_RATE_IP="")
def test_choosing_another_face_counts_toward_the_upload_limit(client, user, fake_predictor):
    client.force_login(user)
    client.post(reverse("upload"), {"photo": photo_upload(size=(600, 200))})
    prediction = Prediction.objects.get(owner=user)
    url = reverse("history:choose_face", args=[prediction.pk])
    client.post(url, {"face": "1"})  # the second analysis this hour
    calls = len(fake_predictor.calls)
    response = client.post(url, {"face": "0"}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "at most 2 per hour" in response.content.decode()
    assert len(fake_predictor.calls) == calls, "the engine must not run over the limit"
    prediction.refresh_from_db()
    assert prediction.face_index == 1
    # Uploads are refused too: one quota.
    assert client.post(reverse("upload"), {"photo": photo_upload()}).status_code == 429


def test_choosing_another_face_is_logged(client, user, fake_predictor, caplog):
    client.force_login(user)
    client.post(reverse("upload"), {"photo": photo_upload(size=(600, 200))})
    prediction = Prediction.objects.get(owner=user)
    caplog.clear()
    with caplog.at_level("INFO", logger="heroes.predictions"):
        client.post(reverse("history:choose_face", args=[prediction.pk]), {"face": "1"})
    records = [r.prediction for r in caplog.records if r.name == "heroes.predictions"]
    assert [r["outcome"] for r in records] == ["rechosen"]
    assert records[0]["user_id"] == str(user.pk) and "stages_ms" in records[0]


def test_choosing_a_face_when_the_photo_is_gone_answers_like_a_storage_failure(
    client, user, fake_predictor
):
    client.force_login(user)
    client.post(reverse("upload"), {"photo": photo_upload(size=(600, 200))})
    prediction = Prediction.objects.get(owner=user)
    prediction.image.storage.delete(prediction.image.name)
    response = client.post(
        reverse("history:choose_face", args=[prediction.pk]),
        {"face": "1"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert response.status_code == 200
    assert "We could not store your photo just now" in response.content.decode()
    assert Prediction.objects.filter(pk=prediction.pk).values_list("face_index", flat=True)[0] == 0


def test_a_face_number_the_photo_lacks_has_its_own_code(client, user, fake_predictor):
    from heroes import services
    from heroes.ml.intake import ImageRejected

    client.force_login(user)
    client.post(reverse("upload"), {"photo": photo_upload()})
    prediction = Prediction.objects.get(owner=user)
    with pytest.raises(ImageRejected) as info:
        services.prediction_choose_face(prediction=prediction, face_index=3)
    assert info.value.code == "no_such_face"


def _with_app13_iptc(jpeg):
    """Insert a Photoshop/IPTC (APP13) segment after SOI."""
    import struct

    iptc = b"\x1c\x02\x78" + struct.pack(">H", 17) + b"IPTC-CAPTION-HERE"
    payload = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00" + struct.pack(">I", len(iptc)) + iptc
    segment = b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def test_stored_photo_has_no_comment_xmp_iptc_or_profile(client, user, fake_predictor, media_root):
    from PIL import ImageCms

    noise = Image.effect_noise((300, 200), 40).convert("RGB")
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>XMP-SECRET-HERE</rdf:Description></x:xmpmeta>'
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG", comment=b"COMMENT-SECRET-HERE", xmp=xmp, icc_profile=profile)
    data = _with_app13_iptc(buffer.getvalue())
    uploaded = Image.open(io.BytesIO(data))
    assert uploaded.info.get("comment") == b"COMMENT-SECRET-HERE" and "photoshop" in uploaded.info
    client.force_login(user)
    client.post(reverse("upload"), {"photo": photo_upload(content=data)})
    prediction = Prediction.objects.get(owner=user)
    stored_bytes = (media_root / prediction.image.name).read_bytes()
    for secret in (
        b"COMMENT-SECRET",
        b"XMP-SECRET",
        b"IPTC-CAPTION",
        b"Photoshop 3.0",
        b"ICC_PROFILE",
    ):
        assert secret not in stored_bytes, secret
    stored = Image.open(io.BytesIO(stored_bytes))
    assert not {"comment", "xmp", "photoshop", "icc_profile"} & set(stored.info)


def _shared_prediction(client, user):
    from heroes.services import prediction_share

    client.force_login(user)
    client.post(reverse("upload"), {"photo": photo_upload()})
    prediction = prediction_share(prediction=Prediction.objects.get(owner=user))
    client.logout()
    return prediction


def _kept_cards(media_root):
    folder = media_root / "cards"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_share_card_is_rendered_once_and_kept(
    client, user, fake_predictor, media_root, monkeypatch
):
    from heroes import cards

    renders = []
    real = cards.render_share_card
    monkeypatch.setattr(cards, "render_share_card", lambda **kw: renders.append(kw) or real(**kw))
    prediction = _shared_prediction(client, user)
    url = reverse("heroes:share_card", args=[prediction.share_token])
    first = client.get(url + "?lang=ko")
    for _ in range(3):
        again = client.get(url + "?lang=ko")
        assert again.content == first.content
    client.get(url + "?lang=en")
    assert [kw["language"] for kw in renders] == ["ko", "en"]
    token = prediction.share_token
    assert f"{token}-ko.png" in _kept_cards(media_root) and f"{token}-en.png" in _kept_cards(
        media_root
    )
    # Caches must ask again every time; a 304 needs no rendering.
    assert first["Cache-Control"] == "public, no-cache"
    assert client.get(url + "?lang=ko", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def _get_webp_cards(client, token):
    """The share page's WebP cards of ``token``, every width and language."""
    for width in CARD_PAGE_WIDTHS:
        for language in ("ko", "en"):
            url = reverse("heroes:share_card_webp", args=[token, width])
            assert client.get(f"{url}?lang={language}").status_code == 200


def test_share_page_webp_is_encoded_once_per_link_language_and_width(
    client, user, fake_predictor, media_root, monkeypatch
):
    from heroes import views

    encoded = []
    real = views._card_webp
    monkeypatch.setattr(
        views, "_card_webp", lambda png, width: encoded.append(width) or real(png, width)
    )
    prediction = _shared_prediction(client, user)
    token = prediction.share_token
    url = reverse("heroes:share_card_webp", args=[token, 600])
    first = client.get(url + "?lang=ko")
    again = client.get(url + "?lang=ko")
    assert again.status_code == 200 and again.content == first.content
    assert again["Content-Type"] == "image/webp"
    assert encoded == [600]
    client.get(reverse("heroes:share_card_webp", args=[token, 1200]) + "?lang=ko")
    client.get(url + "?lang=en")
    client.get(url + "?lang=en")
    assert encoded == [600, 1200, 600]
    assert {f"{token}-ko-600w.webp", f"{token}-ko-1200w.webp", f"{token}-en-600w.webp"} <= set(
        _kept_cards(media_root)
    )


def test_revoking_a_share_leaves_no_card_anywhere(
    client, user, fake_predictor, media_root, django_capture_on_commit_callbacks
):
    prediction = _shared_prediction(client, user)
    url = reverse("heroes:share_card", args=[prediction.share_token])
    etag = client.get(url + "?lang=ko")["ETag"]
    client.get(url + "?lang=en")
    _get_webp_cards(client, prediction.share_token)
    token = prediction.share_token
    assert len([name for name in _kept_cards(media_root) if name.startswith(token)]) == 6
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("history:share", args=[prediction.pk]), {"action": "revoke"})
    assert not any(name.startswith(token) for name in _kept_cards(media_root))
    client.logout()
    # A cache revalidating its copy is told it is gone.
    assert client.get(url + "?lang=ko", HTTP_IF_NONE_MATCH=etag).status_code == 404


def test_deleting_a_shared_result_or_the_account_deletes_its_cards(
    client, user, make_user, fake_predictor, media_root, django_capture_on_commit_callbacks
):
    from accounts.services import user_delete
    from heroes.services import prediction_delete

    prediction = _shared_prediction(client, user)
    client.get(reverse("heroes:share_card", args=[prediction.share_token]))
    _get_webp_cards(client, prediction.share_token)
    assert f"{prediction.share_token}-en-1200w.webp" in _kept_cards(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        prediction_delete(prediction=prediction)
    assert not any(n.startswith(prediction.share_token) for n in _kept_cards(media_root))

    person = make_user("cards@example.com")
    kept = _shared_prediction(client, person)
    client.get(reverse("heroes:share_card", args=[kept.share_token]))
    _get_webp_cards(client, kept.share_token)
    assert f"{kept.share_token}-ko-600w.webp" in _kept_cards(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        user_delete(user=person)
    assert not any(n.startswith(kept.share_token) for n in _kept_cards(media_root))


def test_share_page_draws_a_small_webp_and_keeps_the_png_for_og_image(
    client, user, make_prediction
):
    """The share page's LCP image is a WebP at the drawn size
    (600 px, 1200 px for 2x screens), far smaller than the 1200x630 PNG,
    which stays the og:image."""
    import io
    import re

    from PIL import Image

    from heroes.models import Hero

    hero = Hero.objects.get(key="thor")
    prediction = make_prediction(
        user,
        ranking=[{"hero": "thor", "probability": 0.6, "similarity": 0.5, "index": 66.0}],
        top_hero=hero,
        top_probability=0.6,
        match_strength=66.0,
        is_shared=True,
    )
    html = client.get(reverse("heroes:share", args=[prediction.share_token])).content.decode()
    og = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert "/card.png?lang=ko" in og
    img = re.search(r'<img class="share-card"[^>]*>', html).group(0)
    srcset = re.search(r'srcset="([^"]+)"', img).group(1)
    candidates = [part.strip().split() for part in srcset.split(",")]
    assert [width for _url, width in candidates] == ["600w", "1200w"]
    png = client.get(og.split("testserver", 1)[-1])
    assert png["Content-Type"] == "image/png"
    png_bytes = b"".join(png.streaming_content) if png.streaming else png.content
    for url, width in candidates:
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/webp"
        image = Image.open(io.BytesIO(response.content))
        assert image.format == "WEBP" and image.width == int(width[:-1])
        assert len(response.content) < len(png_bytes) / 3
        again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304
    assert (
        client.get(
            reverse("heroes:share_card_webp", args=[prediction.share_token, 800])
        ).status_code
        == 404
    )
    prediction.is_shared = False
    prediction.save()
    assert client.get(candidates[0][0]).status_code == 404


def test_small_portraits_for_small_pictures(client):
    hero = Hero.objects.get(key="thor")
    url = reverse("heroes:portrait", args=[hero.key])
    small = client.get(url + "?size=128")
    assert small.status_code == 200 and small["Content-Type"] == "image/png"
    assert "public" in small["Cache-Control"]
    image = Image.open(io.BytesIO(small.content))
    assert max(image.size) == 128
    # The full picture otherwise (the emblem's static file, 512 px).
    assert client.get(url).status_code == 302
    assert client.get(url + "?size=9999").status_code == 302

"""The whole product in a real browser, with the real model:
sign up -> upload -> result -> history -> share -> revoke -> delete."""

import re

import numpy as np
import pytest
from PIL import Image

from heroes.models import Hero, Prediction
from mylittlehero.tests.environment import media_files, playwright_expect
from mylittlehero.tests.factories import ASTRONAUT

expect = playwright_expect()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.model,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_heroes"),
]


def sign_up(page, email):
    page.goto(page.base_url + "/accounts/signup/")
    page.get_by_label("이메일 주소").fill(email)
    page.locator("#id_password1").fill("a-browser-pass-8712")
    page.locator("#id_password2").fill("a-browser-pass-8712")
    page.get_by_role("button", name="회원가입").click()
    page.wait_for_url(page.base_url + "/accounts/signup/sent/")
    # The account starts from the link in the confirmation email.
    from django.core import mail

    link = re.search(r"https?://\S+/accounts/signup/confirm/\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="내 계정 시작하기").click()
    page.wait_for_url(page.base_url + "/")


def no_horizontal_scroll(page):
    page.set_viewport_size({"width": 360, "height": 740})
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    page.set_viewport_size({"width": 1280, "height": 860})
    return overflow <= 0


def upload(page, path):
    page.goto(page.base_url + "/upload/")
    assert not page.locator("#preview").is_visible()
    assert not page.locator("#analysing").is_visible()
    page.locator("#id_photo").set_input_files(str(path))
    expect(page.locator("#preview")).to_be_visible()
    page.get_by_role("button", name="내 히어로 찾기").click()


def test_upload_result_history_share_revoke_delete(
    page, chromium_browser, live_server, screenshot, media_root, hero_engine
):
    sign_up(page, "hero@example.com")
    screenshot(page, "home-logged-in")
    page.goto(page.base_url + "/upload/")
    assert no_horizontal_scroll(page)
    screenshot(page, "upload")
    upload(page, ASTRONAUT)
    page.wait_for_url(re.compile(r"/history/[^/]+/$"), timeout=60_000)

    prediction = Prediction.objects.get(owner__email="hero@example.com")
    top = Hero.objects.get(key=prediction.ranking[0]["hero"])
    assert page.locator("#main-name").inner_text() == top.name_ko
    assert page.locator(".ranking-bars li").count() == len(prediction.ranking)
    assert page.locator(".face-box").is_visible()
    assert no_horizontal_scroll(page)
    screenshot(page, "result")

    # A runner-up is previewed in the main spot, labelled for what it is.
    second = Hero.objects.get(key=prediction.ranking[1]["hero"])
    page.locator(".runner-card").first.click()
    assert page.locator("#main-name").inner_text() == second.name_ko
    assert page.locator("#main-eyebrow").inner_text() == "두 번째로 닮은 히어로"

    page.get_by_role("link", name="내 결과", exact=True).click()
    assert page.locator(".result-card").count() == 1
    assert top.name_ko in page.locator(".result-card").first.inner_text()
    screenshot(page, "history")

    page.locator(".result-card a").first.click()
    page.get_by_role("button", name="결과 공유하기").click()
    expect(page.locator("#share-url")).to_have_value(re.compile("/s/"))
    share_url = page.locator("#share-url").input_value()
    page.reload()  # the revoke button is on the page once the link exists

    stranger = chromium_browser.new_context()
    public = stranger.new_page()
    response = public.goto(share_url)
    assert response.status == 200
    assert "hero@example.com" not in public.content()
    card = public.locator("img.share-card")
    expect(card).to_have_js_property("complete", True)
    # The page draws a rendition at least as wide as the card is drawn (the
    # 1200 x 630 PNG stays the og:image).
    drawn = card.evaluate("img => img.clientWidth * devicePixelRatio")
    assert card.evaluate("img => img.naturalWidth") >= drawn > 0
    og_image = public.locator('meta[property="og:image"]').get_attribute("content")
    assert "/card.png" in og_image
    screenshot(public, "share")

    page.get_by_role("button", name="링크 취소").click()
    assert public.goto(share_url).status == 404
    stranger.close()

    photo_path = media_root / prediction.image.name
    assert photo_path.exists()
    page.get_by_role("link", name="이 결과 삭제").click()
    page.get_by_role("button", name="삭제").click()
    page.wait_for_url(page.base_url + "/history/")
    assert page.locator(".result-card").count() == 0
    assert not Prediction.objects.exists()
    assert not photo_path.exists()


def test_a_photo_without_a_face_gets_the_friendly_message(page, tmp_path, media_root, hero_engine):
    gradient = np.tile(np.linspace(0, 255, 400, dtype=np.uint8), (300, 1))
    path = tmp_path / "sky.png"
    Image.fromarray(np.stack([gradient, gradient, gradient[:, ::-1]], axis=-1)).save(path)
    sign_up(page, "noface@example.com")
    before = media_files(media_root, pattern="*.jpg")
    upload(page, path)
    page.wait_for_selector("[role=alert] p", timeout=60_000)
    assert "사진에서 얼굴을 찾지 못했어요" in page.locator("[role=alert]").first.inner_text()
    assert page.url.endswith("/upload/")
    assert not Prediction.objects.exists()
    assert media_files(media_root, pattern="*.jpg") == before


def test_another_user_cannot_open_my_result_or_photo(
    page, chromium_browser, live_server, hero_engine
):
    sign_up(page, "first@example.com")
    upload(page, ASTRONAUT)
    page.wait_for_url(re.compile(r"/history/[^/]+/$"), timeout=60_000)
    result_url = page.url
    photo_url = result_url + "photo/"
    assert page.request.get(photo_url).status == 200

    other = chromium_browser.new_context(locale="ko-KR")
    second = other.new_page()
    second.base_url = page.base_url
    sign_up(second, "second@example.com")
    assert second.goto(result_url).status == 404
    assert second.goto(photo_url).status == 404
    other.close()


def test_london_face_gets_a_result(page, shared_datasets, hero_engine):
    sign_up(page, "london@example.com")
    upload(page, shared_datasets / "faces-london" / "neutral" / "001.jpg")
    page.wait_for_url(re.compile(r"/history/[^/]+/$"), timeout=60_000)
    assert page.locator("#main-name").inner_text()
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang=en]")
    assert page.get_by_role("heading", name="Full ranking").is_visible()
    assert page.locator("#main-name").inner_text() in set(
        Hero.objects.values_list("name_en", flat=True)
    )

"""In a real browser (Debian's Chromium): every value of the
resemblance score reads well (section 2) and each thing the first-time
visitor saw besides (section 4, items 1-8), at phone and desktop width.
The fake engine (fake_predictor) stands in for the model; results are made
with the stored-prediction factory so each value can be chosen."""

import re

import pytest
from django.core import mail
from django.test import Client

from heroes.models import Hero
from mylittlehero.tests.environment import playwright_expect
from mylittlehero.tests.factories import jpeg_bytes

expect = playwright_expect()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_heroes", "fake_predictor"),
]

PHONE = {"width": 360, "height": 740}
PASSWORD = "a-visitor-pass-5521"


def new_page(browser, live_server, *, user=None, locale="ko-KR", **options):
    context = browser.new_context(locale=locale, **options)
    context.set_default_timeout(15_000)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies["sessionid"]
        context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    page.base_url = live_server.url
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    return page


def ranking(keys, top_index):
    n = len(keys)
    total = n * (n + 1) / 2
    return [
        {
            "hero": key,
            "probability": (n - i) / total,
            "similarity": 0.5 - 0.01 * i,
            "index": max(0.0, top_index - 6 * i),
        }
        for i, key in enumerate(keys)
    ]


@pytest.fixture
def keys():
    return list(Hero.objects.filter(is_active=True).order_by("order").values_list("key", flat=True))


@pytest.fixture
def make_result(make_prediction, keys):
    def make(owner, *, strength=73.0, top="thor", **fields):
        order = [top] + [k for k in keys if k != top]
        rows = ranking(order, strength)
        fields.setdefault("faces", [{"box": [18, 8, 26, 32], "confidence": 0.99}])  # in 64x48
        return make_prediction(
            owner,
            ranking=rows,
            top_hero=Hero.objects.get(key=top),
            top_probability=rows[0]["probability"],
            match_strength=strength,
            **fields,
        )

    return make


def no_horizontal_scroll(page):
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


# --- Section 2: every value reads well ------------------------------------------------


@pytest.mark.parametrize("strength", [0.0, 6.0, 31.0, 55.0, 93.0])
def test_every_value_leads_with_words_and_never_shows_a_bare_zero_or_empty_bar(
    chromium_browser, live_server, user, make_result, strength
):
    result = make_result(user, strength=strength)
    page = new_page(chromium_browser, live_server, user=user, viewport=PHONE, is_mobile=True)
    page.goto(f"{page.base_url}/history/{result.pk}/")
    words = page.locator("#main-strength-words")
    assert words.is_visible() and len(words.inner_text()) >= 4
    figure_visible = page.locator("#main-strength-figure").is_visible()
    assert figure_visible is (strength >= 40)
    assert page.locator("#main-strength-meter").is_visible() is (strength >= 40)
    sentence = page.locator("#main-sentence").inner_text()
    if strength < 40:
        assert sentence == "모든 히어로 가운데 토르가 내 얼굴과 가장 닮았어요."
    else:
        assert f"100명 중 {round(strength)}명보다 높아요" in sentence
    # The full ranking: no bare 0, and every bar shows some fill.
    page.locator(".ranking-more summary").click()
    numbers = page.locator(".ranking-index").evaluate_all(
        "els => els.map(e => e.lastChild.textContent.trim())"
    )
    assert "0" not in numbers and all(re.fullmatch(r"<1|\d{1,3}", n) for n in numbers)
    widths = page.locator(".ranking-meter").evaluate_all(
        "els => els.map(e => e.min < 0 && e.value > e.min)"
    )
    assert widths and all(widths)
    assert no_horizontal_scroll(page) <= 0
    assert not page.js_errors
    page.context.close()


def test_a_nearly_tied_result_reads_as_a_feature(chromium_browser, live_server, user, make_result):
    result = make_result(user, strength=48.0, top="captain-america", nearly_tied=True)
    second = Hero.objects.get(key=result.ranking[1]["hero"]).name_ko
    page = new_page(chromium_browser, live_server, user=user)
    page.goto(f"{page.base_url}/history/{result.pk}/")
    tie = page.locator("#main-tie")
    assert tie.is_visible()
    assert tie.inner_text() == f"캡틴 아메리카와 {second}, 거의 똑같이 닮았어요"
    page.context.close()


# --- 4.1 group photos: faces as they stand, left to right ---------------------------------


def test_face_picker_runs_left_to_right_and_keeps_the_largest_chosen(
    chromium_browser, live_server, user, make_result
):
    # The engine lists faces largest first: right woman, left woman, man (middle).
    faces = [
        {"box": [420, 60, 120, 150], "confidence": 0.99},
        {"box": [40, 80, 100, 120], "confidence": 0.99},
        {"box": [240, 70, 90, 110], "confidence": 0.98},
    ]
    result = make_result(user, faces=faces, face_index=0)
    result.image.save("group.jpg", _wide_photo(), save=True)
    page = new_page(chromium_browser, live_server, user=user)
    page.goto(f"{page.base_url}/history/{result.pk}/")
    thumbs = page.locator(".face-thumb")
    assert thumbs.count() == 3
    labels = thumbs.locator(".visually-hidden").all_inner_texts()
    assert labels == ["왼쪽에서 1번째 얼굴", "왼쪽에서 2번째 얼굴", "왼쪽에서 3번째 얼굴"]
    engine_order = page.locator(".face-picker input[name=face]").evaluate_all(
        "els => els.map(e => Number(e.value))"
    )
    assert engine_order == [1, 2, 0]  # left woman, man, right woman
    xs = [thumbs.nth(i).bounding_box()["x"] for i in range(3)]
    assert xs == sorted(xs)
    assert thumbs.nth(2).get_attribute("aria-current") == "true"  # the largest, as before
    # choosing the leftmost face re-ranks for engine face 1
    thumbs.nth(0).click()
    page.wait_for_load_state()
    result.refresh_from_db()
    assert result.face_index == 1
    page.context.close()


def _wide_photo():
    from django.core.files.base import ContentFile

    return ContentFile(jpeg_bytes(size=(700, 300)))  # the fake engine finds 2 faces in it


# --- 4.2 the share page's footer ---------------------------------------------------------


def test_share_page_footer_says_what_is_true(chromium_browser, live_server, user, make_result):
    result = make_result(user, is_shared=True)
    page = new_page(chromium_browser, live_server)  # a visitor, not the owner
    page.goto(f"{page.base_url}/s/{result.share_token}/")
    footer = page.locator(".site-footer").inner_text()
    assert "나만 볼 수" not in footer
    assert "직접 링크로 공유했고, 링크는 언제든 끌 수 있어요" in footer
    page.goto(f"{page.base_url}/")
    assert "사진은 나만 볼 수 있어요" in page.locator(".site-footer").inner_text()
    page.context.close()


# --- 4.3 phone navigation fits at 360 px ---------------------------------------------------


@pytest.mark.parametrize("locale", ["ko-KR", "en-US"])
@pytest.mark.parametrize("logged_in", [True, False])
def test_phone_navigation_fits_at_360_px(chromium_browser, live_server, user, locale, logged_in):
    page = new_page(
        chromium_browser,
        live_server,
        user=user if logged_in else None,
        locale=locale,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
    )
    page.goto(page.base_url + "/")
    nav = page.locator(".nav")
    assert nav.evaluate("n => n.scrollWidth - n.clientWidth") <= 0
    assert no_horizontal_scroll(page) <= 0
    for tab in page.locator(".nav .tab").all():
        box = tab.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], tab.inner_text()
        assert tab.evaluate("t => t.scrollWidth <= t.clientWidth"), tab.inner_text()
    if logged_in:
        name = "로그아웃" if locale == "ko-KR" else "Log out"
        assert page.get_by_role("button", name=name).is_visible()
    page.context.close()


# --- 4.4 Korean wording --------------------------------------------------------------------


def test_every_korean_page_reads_in_one_register_without_colon_labels(
    chromium_browser, live_server, user, make_result
):
    result = make_result(user, strength=22.0, is_shared=True)
    page = new_page(chromium_browser, live_server, user=user)
    paths = [
        "/",
        "/heroes/",
        "/heroes/thor/",
        "/upload/",
        f"/history/{result.pk}/",
        "/history/",
        f"/history/{result.pk}/delete/",
        "/history/delete-all/",
        "/accounts/",
        "/accounts/password/",
        "/accounts/delete/",
        f"/s/{result.share_token}/",
    ]
    anonymous = new_page(chromium_browser, live_server)
    anonymous_paths = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
    seen = 0
    for each, todo in ((page, paths), (anonymous, anonymous_paths)):
        for path in todo:
            response = each.goto(each.base_url + path)
            if response.status == 404:  # a path another branch names differently
                continue
            seen += 1
            text = each.locator("main").inner_text() + each.locator("footer").inner_text()
            assert not re.search(r"(니다|습니까|십시오)[.!?]?(\s|$)", text), (path, text)
            assert "강해요" not in text and "닮은 정도" not in text, path
            labels = each.locator("main label").all_inner_texts()
            assert not [label for label in labels if label.strip().endswith(":")], (path, labels)
    assert seen >= 12
    page.context.close()
    anonymous.context.close()


# --- 4.5 confirming an account says why it asks for a tap ----------------------------------


def test_confirm_page_says_why_then_starts_the_account(chromium_browser, live_server):
    page = new_page(chromium_browser, live_server)
    page.goto(page.base_url + "/accounts/signup/")
    page.get_by_label("이메일 주소").fill("confirm@example.com")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="회원가입").click()
    page.wait_for_url(re.compile(r"/accounts/signup/sent/$"))
    link = re.search(r"https?://\S+/accounts/signup/confirm/\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    main = page.locator("main").inner_text()
    assert "한 번만 더 누르면 계정이 시작돼요" in main
    assert "왜 버튼을 한 번 더 누르나요?" in main
    page.get_by_role("button", name="내 계정 시작하기").click()
    assert page.get_by_role("status").inner_text().strip() == "반가워요! 계정이 만들어졌어요."
    page.context.close()


# --- 4.6 hero pages worth a visit -----------------------------------------------------------


def test_hero_page_says_who_how_people_score_and_the_way_to_try(
    chromium_browser, live_server, fake_predictor
):
    fake_predictor.hero_profiles = {
        "thor": {"share": 0.071, "median_strength": 62.0, "close": ["loki", "star-lord"]},
    }
    for viewport in (PHONE, {"width": 1280, "height": 860}):
        page = new_page(chromium_browser, live_server, viewport=viewport)
        page.goto(page.base_url + "/heroes/thor/")
        assert page.get_by_role("heading", name="토르는 어떤 히어로일까요?").is_visible()
        assert len(page.locator("#hero-who").inner_text()) > 30
        assert "100명 중 7명쯤이 토르를 가장 닮았어요" in page.locator("#hero-share").inner_text()
        assert "꽤 닮았어요" in page.locator("#hero-median").inner_text()
        assert page.locator("#hero-close a").count() == 2
        try_button = page.get_by_role("link", name="내 히어로 찾기")
        assert try_button.is_visible()
        assert no_horizontal_scroll(page) <= 0
        page.locator("#hero-close a").first.click()
        page.wait_for_url(re.compile(r"/heroes/loki/$"))
        # without statistics for Loki the page still reads well
        assert page.locator("#hero-no-profile").is_visible()
        page.context.close()


# --- 4.7 API tokens out of a consumer's way --------------------------------------------------


def test_account_page_keeps_token_controls_folded_away(chromium_browser, live_server, user):
    page = new_page(chromium_browser, live_server, user=user)
    page.goto(page.base_url + "/accounts/")
    make_token = page.locator("details.developer button[type=submit]")
    assert make_token.count() == 1 and not make_token.is_visible()
    assert make_token.text_content().strip() == "토큰 만들기"
    summary = page.locator("details.developer > summary")
    assert "개발자용" in summary.inner_text()
    summary.focus()
    page.keyboard.press("Enter")  # opens with the keyboard too
    expect(make_token).to_be_visible()
    page.locator("details.developer input[name=name]").fill("내 스크립트")
    make_token.click()
    # after making one, the section is open and shows the new token
    expect(page.locator("#new-token")).to_be_visible()
    page.context.close()


# --- 4.8 small ones ----------------------------------------------------------------------------


def test_one_date_format_per_language(chromium_browser, live_server, user, make_result):
    result = make_result(user)
    for locale, pattern in (
        ("ko-KR", r"\d{4}년 \d{1,2}월 \d{1,2}일 \d{1,2}:\d{2} (오전|오후)"),
        ("en-US", r"[A-Z][a-z]+\.? \d{1,2}, \d{4}, \d{1,2}:\d{2} [ap]\.m\."),
    ):
        page = new_page(chromium_browser, live_server, user=user, locale=locale)
        page.goto(f"{page.base_url}/history/")
        listed = page.locator(".result-card time").first.inner_text()
        page.goto(f"{page.base_url}/history/{result.pk}/")
        shown = page.locator(".ranking-card time").inner_text()
        assert listed == shown, (listed, shown)
        assert re.fullmatch(pattern, shown) or locale != "ko-KR", shown
        page.context.close()


def test_delete_all_sits_away_from_the_main_button(
    chromium_browser, live_server, user, make_result
):
    make_result(user)
    page = new_page(chromium_browser, live_server, user=user)
    page.goto(f"{page.base_url}/history/")
    main_button = page.get_by_role("link", name="다른 사진으로 해 보기").first.bounding_box()
    delete_all = page.get_by_role("link", name="모든 결과 삭제").bounding_box()
    assert delete_all["y"] > main_button["y"] + main_button["height"] + 100
    page.context.close()


def test_share_page_draws_a_small_webp_card(chromium_browser, live_server, user, make_result):
    result = make_result(user, is_shared=True)
    page = new_page(chromium_browser, live_server, viewport=PHONE, is_mobile=True)
    sizes = {}
    page.on(
        "response",
        lambda response: (
            "/card" in response.url and sizes.setdefault(response.url, len(response.body()))
        ),
    )
    page.goto(f"{page.base_url}/s/{result.share_token}/")
    page.wait_for_load_state("networkidle")
    current = page.locator("img.share-card").evaluate("img => img.currentSrc")
    assert ".webp" in current and img_complete(page)
    assert not any(url.endswith(".png") or ".png?" in url for url in sizes)
    assert all(size < 150_000 for size in sizes.values()), sizes
    og = page.locator('meta[property="og:image"]').get_attribute("content")
    assert "/card.png" in og
    page.context.close()


def img_complete(page):
    return page.locator("img.share-card").evaluate("img => img.complete && img.naturalWidth > 0")


def test_sign_up_tab_has_enough_contrast(chromium_browser, live_server):
    page = new_page(chromium_browser, live_server)
    page.goto(page.base_url + "/")
    ratio = page.locator(".tab-primary").evaluate(
        """el => {
          const parse = c => c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
          const lum = rgb => {
            const [r, g, b] = rgb.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b;
          };
          const style = getComputedStyle(el);
          const a = lum(parse(style.color)), b = lum(parse(style.backgroundColor));
          return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        }"""
    )
    assert ratio >= 4.5, ratio
    page.context.close()


def test_home_sample_result_sells(chromium_browser, live_server):
    """The home page's sample is a result worth showing: words first, and
    its number (when shown) in the upper part of the scale."""
    page = new_page(chromium_browser, live_server)
    page.goto(page.base_url + "/")
    strength = page.locator(".sample-strength")
    assert strength.is_visible()
    text = strength.inner_text()
    number = re.search(r"\d+", text)
    assert number and int(number.group(0)) >= 70, text
    page.context.close()

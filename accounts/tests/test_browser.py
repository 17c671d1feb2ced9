"""Sign up, log out, log in and switch language in a real browser."""

import re

import pytest
from django.contrib.auth import get_user_model

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_log_out_log_in_in_korean_then_english(page, screenshot):
    base = page.base_url
    page.goto(base + "/")
    assert page.locator("html").get_attribute("lang") == "ko"
    screenshot(page, "home")

    page.get_by_role("link", name="회원가입").first.click()
    page.get_by_label("이메일 주소").fill("browser@example.com")
    page.get_by_label("표시 이름").fill("브라우저")
    page.locator("#id_password1").fill("a-browser-pass-8712")
    page.locator("#id_password2").fill("a-browser-pass-8712")
    screenshot(page, "signup")
    page.get_by_role("button", name="회원가입").click()
    assert page.get_by_role("heading", level=1).inner_text() == "이메일을 확인하세요"
    # The account starts from the link in the confirmation email.
    from django.core import mail

    link = re.search(r"https?://\S+/accounts/signup/confirm/\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="내 계정 시작하기").click()

    assert page.get_by_role("status").inner_text().strip() == "반가워요! 계정이 만들어졌어요."
    assert "브라우저님, 반가워요." in page.content()
    assert get_user_model().objects.filter(email="browser@example.com").exists()

    page.get_by_role("button", name="로그아웃").click()
    page.get_by_role("link", name="로그인").first.click()
    page.get_by_label("이메일").fill("Browser@Example.com")
    page.get_by_label("비밀번호").fill("wrong-password")
    page.get_by_role("button", name="로그인").click()
    assert page.get_by_role("alert").inner_text().strip() == "이메일이나 비밀번호가 맞지 않아요."
    page.get_by_label("비밀번호").fill("a-browser-pass-8712")
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(base + "/")
    assert page.get_by_role("link", name="내 결과", exact=True).is_visible()

    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang=en]")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Which Marvel hero do you look like?"
    )
    assert page.get_by_role("link", name="My results", exact=True).is_visible()
    screenshot(page, "home-en-logged-in")


def test_keyboard_reaches_skip_link_first_and_it_moves_focus_to_main(page):
    page.goto(page.base_url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    # Following an in-page link is not synchronous with the key press: wait for
    # the fragment and the focus move rather than reading them at once.
    page.wait_for_url(re.compile(r"#main$"), timeout=5000)
    page.wait_for_function("document.activeElement.id === 'main'", timeout=5000)


def test_phone_width_has_no_horizontal_scroll(page):
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ["/", "/accounts/signup/", "/accounts/login/"]:
        page.goto(page.base_url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_korean_is_the_default(client):
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert '<html lang="ko">' in html
    assert "나와 닮은 마블 히어로" in html


def test_english_from_accept_language(client):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Which Marvel hero do you look like?" in html


def test_language_switcher_sets_the_language(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("accounts:login")}
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    html = client.get(reverse("accounts:login")).content.decode()
    assert "Forgot your password?" in html
    client.post(reverse("set_language"), {"language": "ko", "next": "/"})
    html = client.get(reverse("accounts:login")).content.decode()
    assert "비밀번호를 잊으셨나요?" in html


def test_every_page_has_the_switcher_and_skip_link(client):
    html = client.get(reverse("accounts:signup")).content.decode()
    assert 'action="/i18n/setlang/"' in html
    assert 'class="skip-link"' in html
    # One tap per language: a button for each, no dropdown plus "change".
    assert '<button type="submit" name="language" value="en"' in html
    assert '<button type="submit" name="language" value="ko"' in html
    assert "<select" not in html


def test_korean_catalog_is_complete_and_compiled():
    polib = pytest.importorskip(
        "polib", reason="polib is not installed (pip install -r requirements-dev.txt)"
    )
    from mylittlehero.tests.environment import REPO_ROOT

    po = polib.pofile(str(REPO_ROOT / "locale/ko/LC_MESSAGES/django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
    mo = polib.mofile(str(REPO_ROOT / "locale/ko/LC_MESSAGES/django.mo"))
    compiled = {e.msgid: (e.msgstr or e.msgstr_plural.get(0)) for e in mo}
    stale = [
        e.msgid
        for e in po.translated_entries()
        if compiled.get(e.msgid) != (e.msgstr or e.msgstr_plural.get(0))
    ]
    assert stale == [], "run `make messages` to recompile the catalog"

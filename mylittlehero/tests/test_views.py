"""The project's own pages (mylittlehero/views.py): the front page, which
links to every app, and the favicon; and the rule that keeps the apps' own
pages free of the names of the apps above them (docs/architecture.md)."""

import re
from pathlib import Path

import pytest
from django.urls import resolve, reverse

from mylittlehero import views
from mylittlehero.tests.environment import REPO_ROOT

pytestmark = pytest.mark.django_db


def test_the_front_page_is_the_projects_and_links_to_every_app(client, user):
    assert resolve(reverse("home")).func is views.home
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    for name in ("upload", "history:list", "heroes:list"):
        assert f'href="{reverse(name)}"' in html


def test_home_sample_is_a_strong_result_with_its_photo_credit(client):
    """The sample sells (a strong match, words first) and credits its photo
    (the London set, CC BY 4.0)."""
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    strength = re.search(r'<span class="sample-strength">([^<]+)</span>', html).group(1)
    words, _, number = strength.partition(" · 닮음 지수 ")
    assert words in {"쏙 빼닮았어요", "많이 닮았어요"} and int(number) >= 70
    assert "사진: DeBruine, L., &amp; Jones, B. (2017). Face Research Lab London Set." in html
    assert "CC BY 4.0" in html


def test_favicon(client):
    html = client.get(reverse("heroes:list")).content.decode()
    assert 'rel="icon"' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response.url.endswith("favicon.ico")


def _sources(*roots):
    for root in roots:
        for path in sorted((Path(REPO_ROOT) / root).rglob("*")):
            if path.suffix in {".py", ".html", ".txt"} and "tests" not in path.parts:
                yield path


@pytest.mark.parametrize(
    "roots",
    [("heroes", "templates/heroes"), ("accounts", "templates/accounts")],
    ids=["heroes", "accounts"],
)
def test_an_app_below_history_never_names_its_pages(roots):
    """heroes and accounts sit below history: their code and templates
    reverse no ``history:`` URL; a page that links to both belongs to the
    project."""
    found = [
        f"{path.relative_to(REPO_ROOT)}:{number}"
        for path in _sources(*roots)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"""["']history:""", line)
    ]
    assert not found, found

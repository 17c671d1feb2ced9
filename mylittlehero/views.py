"""Pages of the whole site, not of one app: the front page (which links to
every app's pages) and the favicon. The project may use every app; the apps
link across to each other only through the names the project gives
(docs/architecture.md)."""

import json

from django.contrib.staticfiles import finders
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from heroes import selectors
from heroes.strength import strength_band


@require_GET
def home(request):
    """The front page: what the site does, a sample result, every hero."""
    return render(
        request,
        "home.html",
        {"heroes": selectors.hero_list_active(), "sample": sample_result()},
    )


def sample_result():
    """The sample result on the home page: a real photo as the real engine
    ranked it (static/sample/sample.json, written by ``python
    scripts/make_sample_result.py``), joined with the catalog, with the
    photo's credit; None when the file is missing or its hero is not in the
    catalog."""
    path = finders.find("sample/sample.json")
    if not path:
        return None
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    ranking = data.get("ranking") or []
    heroes = selectors.heroes_by_key(row["hero"] for row in ranking[:3])
    rows = [
        {
            "hero": heroes[row["hero"]],
            "percent": round(100 * row["probability"], 1),
            "index": row.get("index"),
        }
        for row in ranking[:3]
        if row["hero"] in heroes
    ]
    if not rows or rows[0]["hero"].key != ranking[0]["hero"]:
        return None
    return {
        "rows": rows,
        "top": rows[0],
        "band": strength_band(data.get("match_strength")),
        "credit": data.get("credit") or "",
    }


@require_GET
@cache_control(public=True, max_age=86400)
def favicon(request):
    return redirect(static("favicon.ico"), permanent=False)

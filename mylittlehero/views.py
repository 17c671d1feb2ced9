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
    summary = selectors.result_summary_of(
        ranking=ranking[:3], match_strength=data.get("match_strength")
    )
    if not summary.rows or summary.top["hero"].key != ranking[0]["hero"]:
        return None
    return {
        "rows": summary.rows,
        "top": summary.top,
        "band": summary.band,
        "credit": data.get("credit") or "",
    }


@require_GET
@cache_control(public=True, max_age=86400)
def favicon(request):
    return redirect(static("favicon.ico"), permanent=False)

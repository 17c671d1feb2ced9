"""The hero catalog, the home page and public share links."""

import functools
import io
import json

from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from PIL import Image

from core.lookups import row_or_404
from core.storage import stored_file_response
from heroes import cards, selectors, services
from heroes.emblems import emblem_url
from heroes.models import Hero, HeroImage
from heroes.strength import (
    PROBABILITY_EXPLAINED,
    nearly_tied_text,
    shared_headline,
    strength_band,
    strength_sentence,
)


@require_GET
def home(request):
    """The front page: what the site does, a sample result, every hero."""
    return render(
        request,
        "home.html",
        {"heroes": selectors.hero_list_active(), "sample": sample_result()},
    )


def sample_result():
    """The sample result on the home page: the astronaut test photo as the
    real engine ranked it (static/sample/astronaut.json, written by
    ``python scripts/make_sample_result.py``), joined with the catalog; None
    when the file is missing or its hero is not in the catalog."""
    path = finders.find("sample/astronaut.json")
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
    return {"rows": rows, "top": rows[0], "band": strength_band(data.get("match_strength"))}


@require_GET
@cache_control(public=True, max_age=86400)
def favicon(request):
    return redirect(static("favicon.ico"), permanent=False)


@require_GET
def hero_list(request):
    return render(request, "heroes/list.html", {"heroes": selectors.hero_list_active()})


@require_GET
def hero_detail(request, key):
    hero = get_object_or_404(Hero.objects.active(), key=key)
    return render(request, "heroes/detail.html", {"hero": hero})


@require_GET
@cache_control(public=True, max_age=3600)
def hero_portrait(request, key):
    """The moderator-uploaded portrait, or the project's emblem art.
    ``?size=N`` (one of PORTRAIT_SIZES): the picture shrunk to N px, for the
    small pictures pages draw (the result page's runners-up: 64 px drawn, a
    512 px emblem otherwise)."""
    hero = get_object_or_404(Hero, key=key)
    if request.GET.get("size"):
        small = _portrait_small(hero, request.GET["size"])
        if small is not None:
            content, content_type = small
            return HttpResponse(content, content_type=content_type)
    response = stored_file_response(hero.portrait) if hero.portrait else None
    return response or redirect(emblem_url(hero))


PORTRAIT_SIZES = {"128", "240"}


def _portrait_small(hero, size):
    """(bytes, content type) of the hero's picture at most ``size`` px, or
    None (another size, or nothing readable: the full picture is served)."""
    if size not in PORTRAIT_SIZES:
        return None
    name = hero.portrait.name if hero.portrait else hero.emblem_static_path
    return _portrait_small_cached(hero.key, name, bool(hero.portrait), int(size))


@functools.lru_cache(maxsize=256)
def _portrait_small_cached(key, name, uploaded, size):
    # Keyed by the file's name: a new portrait has a new name.
    try:
        if uploaded:
            with default_storage.open(name, "rb") as handle:
                image = Image.open(io.BytesIO(handle.read()))
        else:
            path = finders.find(name)
            if path is None:
                return None
            image = Image.open(path)
        image.load()
    except (OSError, ValueError):
        return None
    image.thumbnail((size, size), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    if image.mode in ("RGBA", "LA", "P"):
        image.save(buffer, "PNG", optimize=True)
        return buffer.getvalue(), "image/png"
    image.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True)
    return buffer.getvalue(), "image/jpeg"


@require_GET
def reference_image(request, pk):
    """A hero's reference photo, for staff who may view them in the admin."""
    if not (request.user.is_staff and request.user.has_perm("heroes.view_heroimage")):
        raise Http404
    image = row_or_404(HeroImage.objects.all(), pk)
    response = stored_file_response(image.image) if image.image else None
    if response is None:
        raise Http404
    return response


def _shared_or_404(token):
    prediction = selectors.prediction_get_shared(token=token)
    if prediction is None:
        raise Http404(_("This share link does not exist or was revoked."))
    return prediction


@require_GET
def share_page(request, token):
    prediction = _shared_or_404(token)
    rows = selectors.ranking_rows(prediction)
    hero_name = prediction.top_hero.name if prediction.top_hero else ""
    band = strength_band(prediction.match_strength)
    if band:
        card_alt = _("A face next to %(hero)s, match strength %(value)d of 100") % {
            "hero": hero_name,
            "value": band.value,
        }
    else:
        card_alt = _("A face next to %(hero)s") % {"hero": hero_name}
    return render(
        request,
        "heroes/share.html",
        {
            "prediction": prediction,
            "rows": rows[:3],
            "headline": shared_headline(hero_name),
            "band": band,
            "strength_sentence": strength_sentence(hero_name, prediction.match_strength),
            "tie_text": (
                nearly_tied_text(hero_name, rows[1]["hero"].name)
                if prediction.nearly_tied and len(rows) > 1
                else None
            ),
            "card_alt": card_alt,
            "probability_explained": PROBABILITY_EXPLAINED,
            "card_url": request.build_absolute_uri(
                f"{prediction.share_card_path}?lang={get_language() or 'ko'}"
            ),
            "page_url": request.build_absolute_uri(),
        },
    )


def _tied_with(prediction, language):
    """The close second's name for the card when the top two are nearly tied."""
    if not (prediction.nearly_tied and len(prediction.ranking) > 1):
        return {}
    second = Hero.objects.filter(key=prediction.ranking[1]["hero"]).first()
    if second is None:
        return {}
    return {"tied_with": second.name_for(language), "tied_with_fallback": second.name_en}


def _portrait_image(hero):
    # Never decoded larger than the card draws it (heroes/cards/images.py):
    # a portrait too large to decode falls back to the emblem.
    if hero.portrait:
        try:
            with hero.portrait.open("rb") as handle:
                return cards.card_image(handle)
        except (OSError, cards.CardImageRefused):
            pass
    path = finders.find(hero.emblem_static_path)
    if path:
        return cards.card_image(path)
    return Image.new("RGBA", (512, 512), (40, 40, 60, 255))


@require_GET
def share_card(request, token):
    """The share card PNG: face, hero portrait, hero name, score, site name.

    Rendered once per share link and language, then kept (services.
    share_card_png). Public caches must ask again each time (no-cache, with
    an ETag: a 304 costs one query), so a revoked link's card is gone from
    them at once."""
    prediction = _shared_or_404(token)
    language = request.GET.get("lang") or get_language() or "ko"
    language = "en" if language.startswith("en") else "ko"
    hero = prediction.top_hero
    if hero is None:
        raise Http404(_("This result has no hero any more."))
    etag = f'"{prediction.share_token}-{language}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        png = services.share_card_png(
            prediction=prediction,
            language=language,
            render=lambda: _render_share_card(prediction, hero, language),
        )
        response = HttpResponse(png, content_type="image/png")
    response["ETag"] = etag
    response["Cache-Control"] = "public, no-cache"
    return response


def _render_share_card(prediction, hero, language):
    with prediction.image.open("rb") as handle:
        photo = cards.card_image(handle, mode="RGB")
    face = prediction.face
    crop = cards.face_crop(photo, face["box"]) if face else photo
    return cards.render_share_card(
        face=crop,
        portrait=_portrait_image(hero),
        hero_name=hero.name_for(language),
        fallback_name=hero.name_en,
        score=prediction.top_probability or 0.0,
        strength=prediction.match_strength,
        language=language,
        **_tied_with(prediction, language),
    )

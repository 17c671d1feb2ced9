"""The hero catalog and public share links."""

import functools
import io

from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from PIL import Image

from core.lookups import row_or_404
from core.storage import stored_file_response
from heroes import cards, selectors, services
from heroes.emblems import emblem_url
from heroes.ml import api as engine_api
from heroes.models import CARD_PAGE_WIDTHS, Hero, HeroImage
from heroes.strength import (
    PROBABILITY_EXPLAINED,
    nearly_tied_text,
    shared_headline,
    strength_band,
    strength_sentence,
)


@require_GET
def hero_list(request):
    return render(request, "heroes/list.html", {"heroes": selectors.hero_list_active()})


@require_GET
def hero_detail(request, key):
    """A hero's page: who the hero is, how people who get this hero score
    (from the active model's reference population, when its card has the
    statistics), the heroes most often close to it, and the way to try."""
    hero = get_object_or_404(Hero.objects.active(), key=key)
    heroes = list(selectors.hero_list_active())
    position = next(i for i, each in enumerate(heroes) if each.pk == hero.pk)
    return render(
        request,
        "heroes/detail.html",
        {
            "hero": hero,
            "profile": hero_profile(hero, {each.key: each for each in heroes}),
            "hero_count": len(heroes),
            "previous_hero": heroes[position - 1] if position > 0 else None,
            "next_hero": heroes[position + 1] if position + 1 < len(heroes) else None,
        },
    )


def hero_profile(hero, active_heroes):
    """What the reference population says about ``hero`` (engine.
    hero_profiles()), ready to show: ``people`` (of 100 people, how many
    look most like it; 0 means "fewer than 1"), ``band`` (the median score
    of those people, as a Band), ``close`` (active heroes most often ranked
    right after it). None when the model's card has no statistics."""
    profile = engine_api.hero_profiles().get(hero.key)
    if not profile:
        return None
    share = profile.get("share")
    median = profile.get("median_strength")
    close = [active_heroes[k] for k in profile.get("close") or [] if k in active_heroes]
    result = {
        "people": None if share is None else int(round(100 * float(share))),
        "band": strength_band(median),
        "close": [each for each in close if each.pk != hero.pk][:3],
    }
    if result["people"] is None and result["band"] is None and not result["close"]:
        return None
    return result


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
    summary = selectors.result_summary(prediction)
    hero_name = prediction.top_hero.name if prediction.top_hero else ""
    band = summary.band
    if band and band.shows_number:
        card_alt = _("A face next to %(hero)s: %(words)s, resemblance score %(value)d of 100") % {
            "hero": hero_name,
            "words": band.label,
            "value": band.value,
        }
    elif band:
        card_alt = _("A face next to %(hero)s: %(words)s") % {
            "hero": hero_name,
            "words": band.label,
        }
    else:
        card_alt = _("A face next to %(hero)s") % {"hero": hero_name}
    return render(
        request,
        "heroes/share.html",
        {
            "prediction": prediction,
            "rows": summary.rows[:3],
            "headline": shared_headline(hero_name),
            "band": band,
            "strength_sentence": strength_sentence(hero_name, prediction.match_strength),
            "tie_text": (
                nearly_tied_text(hero_name, summary.tied_with.name) if summary.nearly_tied else None
            ),
            "card_alt": card_alt,
            "probability_explained": PROBABILITY_EXPLAINED,
            "card_url": request.build_absolute_uri(
                f"{prediction.share_card_path}?lang={get_language() or 'ko'}"
            ),
            "card_srcset": ", ".join(
                f"{reverse('heroes:share_card_webp', args=[prediction.share_token, width])}"
                f"?lang={_card_language(request)} {width}w"
                for width in CARD_PAGE_WIDTHS
            ),
            "card_src": (
                f"{reverse('heroes:share_card_webp', args=[prediction.share_token, 1200])}"
                f"?lang={_card_language(request)}"
            ),
            "page_url": request.build_absolute_uri(),
        },
    )


def _tied_with(prediction, language):
    """The close second's name for the card when the top two are nearly tied."""
    second = selectors.result_summary(prediction).tied_with
    if second is None:
        return {}
    return {"tied_with": second.name_for(language), "tied_with_fallback": second.name_en}


def _card_face(prediction, hero):
    """The face the card shows: the photo's chosen face; for a private result
    the small face picture its owner kept, or else the hero's emblem."""
    if not prediction.image:
        return _emblem_on_dark(hero)
    with prediction.image.open("rb") as handle:
        photo = cards.card_image(handle, mode="RGB")
    face = prediction.face
    return cards.face_crop(photo, face["box"]) if face else photo


def _emblem_on_dark(hero):
    background = Image.new("RGB", (512, 512), (28, 30, 48))
    emblem = _emblem_image(hero)
    if emblem is not None:
        emblem.thumbnail((400, 400))
        offset = ((512 - emblem.width) // 2, (512 - emblem.height) // 2)
        background.paste(emblem, offset, emblem)
    return background


def _portrait_image(hero):
    # Never decoded larger than the card draws it (heroes/cards/images.py):
    # a portrait too large to decode falls back to the emblem.
    if hero.portrait:
        try:
            with hero.portrait.open("rb") as handle:
                return cards.card_image(handle)
        except (OSError, cards.CardImageRefused):
            pass
    emblem = _emblem_image(hero)
    if emblem is not None:
        return emblem
    return Image.new("RGBA", (512, 512), (40, 40, 60, 255))


def _emblem_image(hero):
    """The hero's emblem (RGBA) as the card draws it, or None without one."""
    path = finders.find(hero.emblem_static_path)
    return cards.card_image(path) if path else None


@require_GET
def share_card(request, token):
    """The share card PNG: face, hero portrait, hero name, score, site name.

    Rendered once per share link and language, then kept (services.
    share_card_png). Public caches must ask again each time (no-cache, with
    an ETag: a 304 costs one query), so a revoked link's card is gone from
    them at once."""
    prediction = _shared_with_hero_or_404(token)
    language = _card_language(request)
    return _revalidated_card(
        request,
        f'"{prediction.share_token}-{language}"',
        lambda: _card_png(prediction, language),
        "image/png",
    )


@require_GET
def share_card_webp(request, token, width):
    """The share card for the share page itself: a WebP at ``width`` px
    (CARD_PAGE_WIDTHS), made from the kept PNG (the same card, equally sharp
    at its drawn size) once per link, language and width, then kept beside
    it (services.share_card_webp); cached like the PNG."""
    if width not in CARD_PAGE_WIDTHS:
        raise Http404
    prediction = _shared_with_hero_or_404(token)
    language = _card_language(request)
    return _revalidated_card(
        request,
        f'"{prediction.share_token}-{language}-{width}w"',
        lambda: services.share_card_webp(
            prediction=prediction,
            language=language,
            width=width,
            render=lambda: _card_webp(_card_png(prediction, language), width),
        ),
        "image/webp",
    )


def _card_webp(png, width):
    """The card PNG as a WebP ``width`` px wide."""
    with Image.open(io.BytesIO(png)) as card:
        card = card.convert("RGB")
        if card.width != width:
            height = round(card.height * width / card.width)
            card = card.resize((width, height), Image.LANCZOS)
        buffer = io.BytesIO()
        card.save(buffer, format="WEBP", quality=86, method=4)
    return buffer.getvalue()


def _revalidated_card(request, etag, body, content_type):
    """A card response that public caches must revalidate (no-cache, with an
    ETag), so a revoked link's card is gone from them at once: 304 when the
    client holds ``etag``, else ``body()``."""
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body(), content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = "public, no-cache"
    return response


def _shared_with_hero_or_404(token):
    prediction = _shared_or_404(token)
    if prediction.top_hero is None:
        raise Http404(_("This result has no hero any more."))
    return prediction


def _card_language(request):
    language = request.GET.get("lang") or get_language() or "ko"
    return "en" if language.startswith("en") else "ko"


def _card_png(prediction, language):
    hero = prediction.top_hero
    return services.share_card_png(
        prediction=prediction,
        language=language,
        render=lambda: _render_share_card(prediction, hero, language),
    )


def _render_share_card(prediction, hero, language):
    return cards.render_share_card(
        face=_card_face(prediction, hero),
        portrait=_portrait_image(hero),
        hero_name=hero.name_for(language),
        fallback_name=hero.name_en,
        score=prediction.top_probability or 0.0,
        strength=prediction.match_strength,
        language=language,
        **_tied_with(prediction, language),
    )

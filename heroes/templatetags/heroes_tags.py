"""Template helpers for hero names and match strength."""

from django import template
from django.utils.translation import get_language

from heroes.emblems import hero_image_url
from heroes.korean import with_particle
from heroes.strength import percentile_text as _percentile_text
from heroes.strength import strength_band

register = template.Library()


@register.filter
def josa(name, pair):
    """``{{ hero.name|josa:"을/를" }}``: the name with its Korean particle in
    Korean ("로키를"), the bare name in any other language."""
    name = str(name)
    if (get_language() or "ko").startswith("ko"):
        return with_particle(name, pair)
    return name


@register.simple_tag
def match_band(value):
    """The word band for a 0-100 match strength (None stays None)."""
    return strength_band(value)


@register.filter
def hero_image(hero):
    """``{{ hero|hero_image }}``: portrait, emblem or placeholder URL."""
    return hero_image_url(hero)


@register.filter
def percentile_text(value):
    """``{{ row.index|percentile_text }}`` (a ranking row's percentile): "73",
    or "<1" rather than a bare 0."""
    return _percentile_text(value)

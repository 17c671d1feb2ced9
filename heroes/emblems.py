"""Where a hero's picture comes from: the moderator's portrait, else the
project's emblem, else a neutral placeholder (a hero added in the admin
without either must not break a page: with hashed static files, ``static()``
of a missing file raises)."""

from functools import lru_cache

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

PLACEHOLDER = "heroes/hero-placeholder.svg"


@lru_cache(maxsize=256)
def _emblem_exists(path):
    return finders.find(path) is not None


def emblem_url(hero):
    path = hero.emblem_static_path
    return static(path if _emblem_exists(path) else PLACEHOLDER)


def hero_image_url(hero):
    """The URL for a hero's picture in pages (no redirect for emblems)."""
    if hero.portrait:
        return reverse("heroes:portrait", args=[hero.key])
    return emblem_url(hero)

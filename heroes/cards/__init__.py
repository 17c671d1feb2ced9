"""Share cards: fonts (fonts.py), the 1200x630 PNG (rendering.py) and the
bounded decoding of the images drawn on it (images.py)."""

from heroes.cards.fonts import FontSpec, find_font
from heroes.cards.images import CardImageRefused, card_image
from heroes.cards.rendering import TEXTS, face_crop, render_share_card

__all__ = [
    "CardImageRefused",
    "FontSpec",
    "TEXTS",
    "card_image",
    "face_crop",
    "find_font",
    "render_share_card",
]

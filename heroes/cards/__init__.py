"""Share cards: fonts (fonts.py) and the 1200x630 PNG (rendering.py)."""

from heroes.cards.fonts import FontSpec, find_font
from heroes.cards.rendering import TEXTS, face_crop, render_share_card

__all__ = ["FontSpec", "TEXTS", "face_crop", "find_font", "render_share_card"]

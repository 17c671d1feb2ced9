"""Images drawn on share cards, decoded no larger than the card draws them
(a 12000x12000 PNG portrait, 445 KB, took 8 s and +1.67 GB
to render one card).

``card_image`` reads the header first: a JPEG decodes at reduced scale
(Pillow's draft), close to the size drawn; any other image with more pixels
than ``CARD_IMAGE_MAX_PIXELS`` is refused before decoding (the caller draws
its fallback). What comes back is at most ``CARD_IMAGE_MAX_SIDE`` on its long
side. Pure Pillow.
"""

import warnings

from PIL import Image

# The largest image the card draws from (the face crop comes out of a stored
# photo, itself at most 1024 px; the portrait is drawn about 300 px wide).
CARD_IMAGE_MAX_SIDE = 1024
# An image that cannot be decoded at reduced scale is decoded whole: never
# more than this (2048 x 2048, about 16 MB as RGBA).
CARD_IMAGE_MAX_PIXELS = 2048 * 2048


class CardImageRefused(ValueError):
    """Too large to decode for a card; the caller draws its fallback."""


def card_image(source, *, mode="RGBA", max_side=CARD_IMAGE_MAX_SIDE):
    """Open ``source`` (a path or a binary file) for a card: at most
    ``max_side`` on the long side, in ``mode``. Raises CardImageRefused for
    an image too large to decode, OSError for an unreadable one."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(source)
            width, height = image.size
            progressive = image.info.get("progressive") or image.info.get("progression")
            if image.format == "JPEG" and not progressive:
                # Decoded at 1/2, 1/4 or 1/8 scale, still at least max_side.
                image.draft("RGB", (max_side, max_side))
            elif width * height > CARD_IMAGE_MAX_PIXELS:
                raise CardImageRefused(f"{width}x{height} is too large to draw on a card")
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise CardImageRefused(str(exc)) from None
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side), Image.Resampling.BILINEAR, reducing_gap=2.0)
    return image.convert(mode)

"""Share cards: a 1200x630 (OpenGraph) PNG with the person's face, the hero's
portrait, the hero's name and the match strength. Pure Pillow (the band
names come from heroes.strength, the fonts from heroes.cards.fonts).

When the card would need Hangul and no font on the machine can draw it, the
card switches to English: the fixed texts in English and ``fallback_name``
(or the Latin part of the hero name) instead of the Korean name, so it never
shows tofu boxes.
"""

from __future__ import annotations

import colorsys
import io
import math
from functools import lru_cache
from typing import NamedTuple

from PIL import Image, ImageDraw, ImageFilter, ImageOps

from heroes.cards import fonts
from heroes.cards.fonts import fit_font, font, has_hangul, latin_only
from heroes.strength import NUMBER_FROM, band_code

WIDTH, HEIGHT = 1200, 630

# The band words match heroes.strength's (a test compares them); the number
# follows the words only from strength.NUMBER_FROM up, so the weakest match
# is a card of words, never "0/100".
TEXTS = {
    "ko": {
        "tagline": "나와 닮은 히어로",
        "score": "{score}% 닮았어요",
        "strength": "{words} · 닮음 지수 {value}/100",
        "tie": "두 히어로를 거의 똑같이 닮았어요",
        "very_strong": "쏙 빼닮았어요",
        "strong": "많이 닮았어요",
        "clear": "꽤 닮았어요",
        "mild": "은근히 닮았어요",
        "faint": "숨은 닮은꼴이에요",
    },
    "en": {
        "tagline": "My look-alike hero",
        "score": "{score}% match",
        "strength": "{words} · Resemblance score {value}/100",
        "tie": "Two heroes, almost equally",
        "very_strong": "A striking likeness",
        "strong": "A strong likeness",
        "clear": "A clear likeness",
        "mild": "A subtle likeness",
        "faint": "A hidden likeness",
    },
}
DEFAULT_HERO_NAME_EN = "My hero"


# ----------------------------------------------------------------------------- image helpers


def face_crop(image: Image.Image, box, margin: float = 0.35) -> Image.Image:
    """Square crop around a face box ``(x, y, w, h)`` grown by ``margin`` of the
    box size on every side, shifted/shrunk to stay inside the image."""
    img_w, img_h = image.size
    x, y, w, h = (float(v) for v in box[:4])
    side = max(w, h) * (1 + 2 * margin)
    side = max(1, min(int(round(side)), img_w, img_h))
    cx, cy = x + w / 2, y + h / 2
    left = int(round(cx - side / 2))
    top = int(round(cy - side / 2))
    left = min(max(left, 0), img_w - side)
    top = min(max(top, 0), img_h - side)
    return image.crop((left, top, left + side, top + side))


@lru_cache(maxsize=16)
def _round_mask(size: int, radius: int | None, scale: int = 3) -> Image.Image:
    """Antialiased mask: a circle (radius None) or a rounded square. Cached: do not modify."""
    big = Image.new("L", (size * scale, size * scale), 0)
    d = ImageDraw.Draw(big)
    if radius is None:
        d.ellipse((0, 0, size * scale - 1, size * scale - 1), fill=255)
    else:
        d.rounded_rectangle(
            (0, 0, size * scale - 1, size * scale - 1), radius=radius * scale, fill=255
        )
    return big.resize((size, size), Image.LANCZOS)


def _accent_colour(portrait: Image.Image) -> tuple[int, int, int]:
    """A bright, saturated colour taken from the portrait (for glows and rings)."""
    small = portrait.convert("RGBA").resize((32, 32), Image.BILINEAR)
    best, best_score = None, 0.0
    for count, (r, g, b, a) in small.getcolors(32 * 32) or []:
        if a < 128:
            continue
        h, s, v = colorsys.rgb_to_hsv(r / 255, g / 255, b / 255)
        score = math.sqrt(count) * s * v**4  # bright, saturated details beat big dull areas
        if score > best_score:
            best, best_score = (h, s, v), score
    if best is None:
        return 255, 196, 60
    r, g, b = colorsys.hsv_to_rgb(best[0], max(best[1], 0.55), max(best[2], 0.85))
    return int(r * 255), int(g * 255), int(b * 255)


_FACE_C, _PORTRAIT_C = (295, 290), (905, 290)


@lru_cache(maxsize=1)
def _background_base() -> Image.Image:
    """Dark diagonal gradient, a cool glow behind the face, faint stripes. Cached."""
    top_left, bottom_right = (14, 16, 34), (36, 14, 56)
    # diagonal ramp: horizontal ramp + vertical ramp, both 0..255
    horiz = (
        Image.linear_gradient("L")
        .rotate(90)
        .transpose(Image.FLIP_LEFT_RIGHT)
        .resize((WIDTH, HEIGHT))
    )
    vert = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    ramp = Image.blend(horiz, vert, 0.4)
    bg = Image.composite(
        Image.new("RGB", (WIDTH, HEIGHT), bottom_right),
        Image.new("RGB", (WIDTH, HEIGHT), top_left),
        ramp,
    )
    bg.paste((90, 140, 255), (0, 0), _glow_mask(_FACE_C, 0.35))
    stripes = Image.new("L", (WIDTH, HEIGHT), 0)
    d = ImageDraw.Draw(stripes)
    for x in range(-HEIGHT, WIDTH, 28):
        d.line((x, HEIGHT, x + HEIGHT, 0), fill=10, width=2)
    bg.paste((255, 255, 255), (0, 0), stripes)
    return bg


@lru_cache(maxsize=4)
def _glow_mask(centre: tuple[int, int], strength: float) -> Image.Image:
    """Full-card mask of a soft round glow (255*strength in the middle). Cached."""
    glow = Image.radial_gradient("L").resize((720, 720), Image.BILINEAR)
    glow = glow.point(lambda v: int(max(0, 255 - v * 2) * strength))
    mask = Image.new("L", (WIDTH, HEIGHT), 0)
    mask.paste(glow, (centre[0] - 360, centre[1] - 360))
    return mask


def _background(accent: tuple[int, int, int]) -> Image.Image:
    bg = _background_base().copy()
    bg.paste(accent, (0, 0), _glow_mask(_PORTRAIT_C, 0.55))
    return bg


@lru_cache(maxsize=16)
def _shadow_mask(size: int, radius: int | None, blur: int, opacity: int) -> Image.Image:
    pad = blur * 3
    sh = Image.new("L", (size + pad * 2, size + pad * 2), 0)
    sh.paste(_round_mask(size, radius).point(lambda v: v * opacity // 255), (pad, pad))
    return sh.filter(ImageFilter.GaussianBlur(blur))


def _shadow(
    canvas: Image.Image, size: int, radius: int | None, pos, offset=(0, 12), blur=16, opacity=150
):
    pad = blur * 3
    canvas.paste(
        (0, 0, 0),
        (pos[0] - pad + offset[0], pos[1] - pad + offset[1]),
        _shadow_mask(size, radius, blur, opacity),
    )


@lru_cache(maxsize=16)
def _ring_mask(radius: int, width: int, square_radius: int | None) -> Image.Image:
    size = (radius + width) * 2
    scale = 3
    big = Image.new("L", (size * scale, size * scale), 0)
    d = ImageDraw.Draw(big)
    box = (0, 0, size * scale - 1, size * scale - 1)
    if square_radius is None:
        d.ellipse(box, outline=255, width=width * scale)
    else:
        d.rounded_rectangle(
            box, radius=(square_radius + width) * scale, outline=255, width=width * scale
        )
    return big.resize((size, size), Image.LANCZOS)


def _ring(
    canvas: Image.Image, centre, radius: int, width: int, colour, square_radius: int | None = None
):
    """Antialiased ring (circle or rounded square) around ``centre``."""
    mask = _ring_mask(radius, width, square_radius)
    canvas.paste(colour, (centre[0] - mask.width // 2, centre[1] - mask.height // 2), mask)


@lru_cache(maxsize=1)
def _approx_mask() -> Image.Image:
    """A hand-drawn "≈" (two sine waves), so no font glyph is needed. Cached."""
    scale = 3
    w, h = 96, 70
    big = Image.new("L", (w * scale, h * scale), 0)
    d = ImageDraw.Draw(big)
    for dy in (-15, 15):
        pts = []
        for i in range(41):
            t = i / 40
            x = (8 + t * (w - 16)) * scale
            y = (h / 2 + dy - 9 * math.sin(t * 2 * math.pi)) * scale
            pts.append((x, y))
        d.line(pts, fill=255, width=11 * scale, joint="curve")
        for x, y in (pts[0], pts[-1]):
            r = 11 * scale / 2
            d.ellipse((x - r, y - r, x + r, y + r), fill=255)
    return big.resize((w, h), Image.LANCZOS)


def _text(draw, xy, text, font, fill, anchor="mm", shadow=True):
    if shadow:
        draw.text((xy[0], xy[1] + 3), text, font=font, fill=(0, 0, 0), anchor=anchor)
    draw.text(xy, text, font=font, fill=fill, anchor=anchor)


def _strength_line(texts, strength) -> str | None:
    if strength is None:
        return None
    value = int(round(min(max(float(strength), 0.0), 100.0)))
    words = texts[band_code(value)]
    if value < NUMBER_FROM:
        return words
    return texts["strength"].format(value=value, words=words)


def _wrap_words(draw, text: str, font, max_width: int) -> list[str]:
    """Split ``text`` into lines at spaces only (a Korean word is never cut)."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        left, _top, right, _bottom = draw.textbbox((0, 0), candidate, font=font)
        if line and right - left > max_width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


class CardTexts(NamedTuple):
    """What the card says, in the script the machine's fonts can draw."""

    tagline: str
    strength: str  # "" for a result without a match strength
    tie: str | None
    hero_name: str
    site_name: str
    hangul: bool  # a Hangul-capable font is needed (and present)


def card_texts(
    *,
    hero_name: str,
    strength: float | None,
    language: str,
    site_name: str,
    tagline: str | None,
    fallback_name: str | None,
    tied_with: str | None,
    tied_with_fallback: str | None,
) -> CardTexts:
    """The card's lines in ``language``; all in English when they would need
    Hangul and no font on the machine can draw it."""
    language = language if language in TEXTS else "en"
    hero_name = (hero_name or "").strip()
    texts = TEXTS[language]
    line1 = tagline if tagline else texts["tagline"]
    line2 = _strength_line(texts, strength) or ""
    # Nearly tied: both names side by side, "two heroes, almost equally" above.
    second = (tied_with or "").strip() or None
    tie_line = texts["tie"] if second else None

    hangul = any(
        has_hangul(t) for t in (line1, line2, tie_line, hero_name, second or "", site_name)
    )
    if hangul and fonts.find_font(bold=True, need_hangul=True) is None:
        # No font can draw Korean here: an all-Latin card instead of tofu boxes.
        hangul = False
        texts = TEXTS["en"]
        line1 = tagline if tagline and not has_hangul(tagline) else texts["tagline"]
        line2 = _strength_line(texts, strength) or ""
        if second and has_hangul(second):
            second = (tied_with_fallback or "").strip() or latin_only(second) or None
        tie_line = texts["tie"] if second else None
        if has_hangul(hero_name):
            hero_name = (
                (fallback_name or "").strip() or latin_only(hero_name) or DEFAULT_HERO_NAME_EN
            )
        if has_hangul(site_name):
            site_name = latin_only(site_name) or "MyLittleHero"
    if second:
        hero_name = f"{hero_name} & {second}"
    return CardTexts(line1, line2, tie_line, hero_name, site_name, hangul)


def _draw_face(card: Image.Image, face: Image.Image, accent) -> None:
    """The person's face (left): a circle with a white and an accent ring."""
    face_d = 330
    face_c = _FACE_C
    face_sq = ImageOps.fit(face.convert("RGB"), (face_d, face_d), Image.LANCZOS)
    face_mask = _round_mask(face_d, None)
    face_pos = (face_c[0] - face_d // 2, face_c[1] - face_d // 2)
    _shadow(card, face_d, None, face_pos, offset=(0, 14), blur=18, opacity=170)
    card.paste(face_sq, face_pos, face_mask)
    _ring(card, face_c, face_d // 2 - 2, 8, (255, 255, 255))
    _ring(card, face_c, face_d // 2 + 10, 4, accent)


def _draw_portrait(card: Image.Image, portrait: Image.Image, accent) -> None:
    """The hero's portrait (right): a rounded square, "cover" fit, faces sit high."""
    por_d = 330
    por_c = _PORTRAIT_C
    radius = 44
    por_sq = ImageOps.fit(portrait, (por_d, por_d), Image.LANCZOS, centering=(0.5, 0.35))
    panel = Image.new("RGBA", (por_d, por_d), (20, 20, 32, 255))
    por_sq = Image.alpha_composite(panel, por_sq)
    por_mask = _round_mask(por_d, radius)
    por_pos = (por_c[0] - por_d // 2, por_c[1] - por_d // 2)
    _shadow(card, por_d, radius, por_pos, offset=(0, 14), blur=18, opacity=170)
    card.paste(por_sq.convert("RGB"), por_pos, por_mask)
    _ring(card, por_c, por_d // 2 - 2, 8, (255, 255, 255), square_radius=radius - 2)
    _ring(card, por_c, por_d // 2 + 10, 4, accent, square_radius=radius + 6)


def _draw_badge(card: Image.Image, accent) -> None:
    """The "≈" badge between the two."""
    mid = (600, 290)
    badge_r = 60
    badge_pos = (mid[0] - badge_r, mid[1] - badge_r)
    _shadow(card, badge_r * 2, None, badge_pos, offset=(0, 8), blur=12, opacity=150)
    card.paste(accent, badge_pos, _round_mask(badge_r * 2, None))
    sign = _approx_mask()
    card.paste((20, 20, 32), (mid[0] - sign.width // 2, mid[1] - sign.height // 2), sign)


def _draw_tagline(draw, text: str, accent, hangul: bool) -> None:
    """The tagline at the top, with short accent rules either side."""
    tag_font = fit_font(draw, text, 1000, 38, False, hangul)
    _text(draw, (WIDTH // 2, 62), text, tag_font, (214, 218, 240))
    tw = draw.textbbox((0, 0), text, font=tag_font)
    half = (tw[2] - tw[0]) // 2 + 26
    if half + 70 < WIDTH // 2 - 30:
        draw.line((WIDTH // 2 - half - 70, 64, WIDTH // 2 - half, 64), fill=accent, width=4)
        draw.line((WIDTH // 2 + half, 64, WIDTH // 2 + half + 70, 64), fill=accent, width=4)


def _draw_name_and_strength(draw, texts: CardTexts, accent) -> None:
    """The hero's name (wrapped between words on two lines at most when
    long) and the match-strength line below it."""
    hero_name, line2, hangul = texts.hero_name, texts.strength, texts.hangul
    name_font = fit_font(draw, hero_name, 1080, 70, True, hangul, min_size=48)
    lines = _wrap_words(draw, hero_name, name_font, 1080)
    if len(lines) == 1:
        _text(draw, (WIDTH // 2, 515 if line2 else 535), hero_name, name_font, (255, 255, 255))
    else:
        name_font = font(42, True, hangul)
        lines = _wrap_words(draw, hero_name, name_font, 1080)
        lines = lines[:1] + [" ".join(lines[1:])]
        for number, line in enumerate(lines):
            line_font = fit_font(draw, line, 1080, 42, True, hangul)
            _text(draw, (WIDTH // 2, 488 + 46 * number), line, line_font, (255, 255, 255))
    if line2:
        score_font = fit_font(draw, line2, 1000, 36, True, hangul)
        light_accent = tuple(int(c + (255 - c) * 0.3) for c in accent)
        _text(draw, (WIDTH // 2, 582 if len(lines) > 1 else 575), line2, score_font, light_accent)


def _draw_tie(draw, text: str | None, hangul: bool) -> None:
    if text:
        tie_font = fit_font(draw, text, 900, 30, True, hangul)
        _text(draw, (WIDTH // 2, 104), text, tie_font, (255, 214, 120))


def _draw_footer(draw, site_name: str, accent, hangul: bool) -> None:
    """The site's name bottom right, an accent bar along the bottom."""
    site_font = font(22, True, hangul and has_hangul(site_name))
    _text(
        draw,
        (WIDTH - 36, HEIGHT - 26),
        site_name,
        site_font,
        (170, 176, 205),
        anchor="rs",
        shadow=False,
    )
    draw.rectangle((0, HEIGHT - 8, WIDTH, HEIGHT), fill=accent)


def _png(card: Image.Image) -> bytes:
    buf = io.BytesIO()
    card.save(buf, format="PNG", compress_level=2)
    return buf.getvalue()


def render_share_card(
    *,
    face: Image.Image,
    portrait: Image.Image,
    hero_name: str,
    score: float,
    strength: float | None = None,
    language: str = "ko",
    site_name: str = "MyLittleHero",
    tagline: str | None = None,
    fallback_name: str | None = None,
    tied_with: str | None = None,
    tied_with_fallback: str | None = None,
) -> bytes:
    """Render the share card and return it as PNG bytes (1200x630).

    It leads with the match strength (0-100, with words) when the result has
    one; an older result without it shows the hero alone (``score``, the
    calibrated probability, stays on the result page's full ranking)."""
    texts = card_texts(
        hero_name=hero_name,
        strength=strength,
        language=language,
        site_name=site_name,
        tagline=tagline,
        fallback_name=fallback_name,
        tied_with=tied_with,
        tied_with_fallback=tied_with_fallback,
    )
    portrait = portrait.convert("RGBA")
    accent = _accent_colour(portrait)
    card = _background(accent)
    _draw_face(card, face, accent)
    _draw_portrait(card, portrait, accent)
    _draw_badge(card, accent)
    draw = ImageDraw.Draw(card)
    _draw_tagline(draw, texts.tagline, accent, texts.hangul)
    _draw_name_and_strength(draw, texts, accent)
    _draw_tie(draw, texts.tie, texts.hangul)
    _draw_footer(draw, texts.site_name, accent, texts.hangul)
    return _png(card)

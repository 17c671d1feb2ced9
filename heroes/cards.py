"""Share cards: a 1200x630 (OpenGraph) PNG with the person's face, the hero's
portrait, the hero's name and the match strength. Pure Pillow (the band
names come from heroes.strength).

Fonts: ``find_font`` prefers a Hangul-capable font (Noto Sans CJK from Debian's
``fonts-noto-cjk``, Nanum, Apple SD Gothic Neo, Malgun Gothic, or whatever
``fc-list :lang=ko`` reports), then DejaVu Sans, then Pillow's built-in
``ImageFont.load_default(size=...)``. When the card would need Hangul and no
font on the machine can draw it, the card switches to English: the fixed texts
in English and ``fallback_name`` (or the Latin part of the hero name) instead
of the Korean name, so it never shows tofu boxes.
"""

from __future__ import annotations

import colorsys
import io
import math
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

WIDTH, HEIGHT = 1200, 630

TEXTS = {
    "ko": {
        "tagline": "나와 닮은 히어로",
        "score": "{score}% 닮았어요",
        "strength": "닮음 지수 {value}/100 · {words}",
        "tie": "{second} 거의 동점",
        "very_strong": "아주 많이 닮음",
        "strong": "많이 닮음",
        "clear": "꽤 닮음",
        "mild": "조금 닮음",
        "faint": "살짝 닮음",
    },
    "en": {
        "tagline": "My look-alike hero",
        "score": "{score}% match",
        "strength": "Match strength {value}/100 · {words}",
        "tie": "Nearly tied with {second}",
        "very_strong": "Very strong resemblance",
        "strong": "Strong resemblance",
        "clear": "Clear resemblance",
        "mild": "Mild resemblance",
        "faint": "Faint resemblance",
    },
}
DEFAULT_HERO_NAME_EN = "My hero"


class FontSpec(NamedTuple):
    path: str
    index: int = 0


# Hangul-capable fonts: (regular, bold) candidates, most preferred first.
_HANGUL_FONTS = [
    (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/truetype/noto/NotoSansKR-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSansKR-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
        "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf",
    ),
    ("/System/Library/Fonts/AppleSDGothicNeo.ttc", "/System/Library/Fonts/AppleSDGothicNeo.ttc"),
    ("C:/Windows/Fonts/malgun.ttf", "C:/Windows/Fonts/malgunbd.ttf"),
]
_LATIN_FONTS = [
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
    ("/Library/Fonts/Arial.ttf", "/Library/Fonts/Arial Bold.ttf"),
    ("C:/Windows/Fonts/arial.ttf", "C:/Windows/Fonts/arialbd.ttf"),
]


def _has_hangul(text: str | None) -> bool:
    return bool(text) and any(
        "\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f"
        for ch in text
    )


def _collection_index(path: str) -> int:
    """For a .ttc collection pick the Korean face (e.g. "Noto Sans CJK KR")."""
    if not path.lower().endswith(".ttc"):
        return 0
    for index in range(16):
        try:
            family, _style = ImageFont.truetype(path, 12, index=index).getname()
        except OSError:
            break
        if family and (family.endswith(" KR") or "Gothic" in family) and "Mono" not in family:
            return index
    return 0


def _fc_list_hangul(bold: bool) -> str | None:
    if not shutil.which("fc-list"):
        return None
    try:
        out = subprocess.run(
            ["fc-list", ":lang=ko", "file", "style"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    entries = []
    for line in out.splitlines():
        path, _, style = line.partition(":")
        path = path.strip()
        if not path.lower().endswith((".ttf", ".otf", ".ttc")):
            continue
        is_bold = "bold" in style.lower()
        sans = "sans" in path.lower() or "gothic" in path.lower()
        entries.append((is_bold != bold, not sans, path))
    return min(entries)[2] if entries else None


@lru_cache(maxsize=8)
def find_font(bold: bool = False, need_hangul: bool = False) -> FontSpec | None:
    """A TrueType/OpenType font to use, or None (use Pillow's built-in font).

    With ``need_hangul`` only fonts that can draw Korean are returned (None if
    there is none). Without it a Hangul-capable font is still preferred (it
    draws Latin too, so mixed texts look consistent), then DejaVu Sans.
    """
    for regular, bold_path in _HANGUL_FONTS:
        path = bold_path if bold else regular
        if Path(path).is_file():
            return FontSpec(path, _collection_index(path))
    path = _fc_list_hangul(bold)
    if path:
        return FontSpec(path, _collection_index(path))
    if need_hangul:
        return None
    for regular, bold_path in _LATIN_FONTS:
        path = bold_path if bold else regular
        if Path(path).is_file():
            return FontSpec(path, 0)
    return None


@lru_cache(maxsize=64)
def _load(spec: FontSpec | None, size: int):
    if spec is not None:
        try:
            return ImageFont.truetype(spec.path, size, index=spec.index)
        except OSError:
            pass
    return ImageFont.load_default(size=size)


def _font(size: int, bold: bool, hangul: bool):
    return _load(find_font(bold=bold, need_hangul=hangul) if hangul else find_font(bold=bold), size)


def _fit_font(
    draw, text: str, max_width: int, size: int, bold: bool, hangul: bool, min_size: int = 18
):
    while True:
        font = _font(size, bold, hangul)
        left, _top, right, _bottom = draw.textbbox((0, 0), text, font=font)
        if right - left <= max_width or size <= min_size:
            return font
        size = max(min_size, int(size * 0.92))


def _latin_only(text: str) -> str:
    return " ".join("".join(ch for ch in text if ord(ch) < 0x0250).split())


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


# ----------------------------------------------------------------------------- the card


def _strength_line(texts, strength) -> str | None:
    from heroes.strength import band_code

    if strength is None:
        return None
    value = int(round(min(max(float(strength), 0.0), 100.0)))
    return texts["strength"].format(value=value, words=texts[band_code(value)])


def _tie_line(texts, language, second) -> str | None:
    """"닥터 스트레인지와 거의 동점" when the top two are nearly tied."""
    if not second:
        return None
    if language == "ko":
        from heroes.korean import with_particle

        second = with_particle(second, "과/와")
    return texts["tie"].format(second=second)


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
    language = language if language in TEXTS else "en"
    hero_name = (hero_name or "").strip()
    texts = TEXTS[language]
    line1 = tagline if tagline else texts["tagline"]
    line2 = _strength_line(texts, strength) or ""
    tie_line = _tie_line(texts, language, tied_with)

    hangul = any(_has_hangul(t) for t in (line1, line2, tie_line, hero_name, site_name))
    if hangul and find_font(bold=True, need_hangul=True) is None:
        # No font can draw Korean here: an all-Latin card instead of tofu boxes.
        hangul = False
        texts = TEXTS["en"]
        line1 = tagline if tagline and not _has_hangul(tagline) else texts["tagline"]
        line2 = _strength_line(texts, strength) or ""
        tie_line = _tie_line(texts, "en", tied_with_fallback or tied_with) if tied_with else None
        if tie_line and _has_hangul(tie_line):
            tie_line = None
        if _has_hangul(hero_name):
            hero_name = (
                (fallback_name or "").strip() or _latin_only(hero_name) or DEFAULT_HERO_NAME_EN
            )
        if _has_hangul(site_name):
            site_name = _latin_only(site_name) or "MyLittleHero"

    portrait = portrait.convert("RGBA")
    accent = _accent_colour(portrait)
    card = _background(accent)
    draw = ImageDraw.Draw(card)

    # --- face (left): circle with a white + accent ring
    face_d = 330
    face_c = _FACE_C
    face_sq = ImageOps.fit(face.convert("RGB"), (face_d, face_d), Image.LANCZOS)
    face_mask = _round_mask(face_d, None)
    face_pos = (face_c[0] - face_d // 2, face_c[1] - face_d // 2)
    _shadow(card, face_d, None, face_pos, offset=(0, 14), blur=18, opacity=170)
    card.paste(face_sq, face_pos, face_mask)
    _ring(card, face_c, face_d // 2 - 2, 8, (255, 255, 255))
    _ring(card, face_c, face_d // 2 + 10, 4, accent)

    # --- hero portrait (right): rounded square, "cover" fit, faces sit high
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

    # --- middle: the "≈" badge
    mid = (600, 290)
    badge_r = 60
    badge_pos = (mid[0] - badge_r, mid[1] - badge_r)
    _shadow(card, badge_r * 2, None, badge_pos, offset=(0, 8), blur=12, opacity=150)
    card.paste(accent, badge_pos, _round_mask(badge_r * 2, None))
    sign = _approx_mask()
    card.paste((20, 20, 32), (mid[0] - sign.width // 2, mid[1] - sign.height // 2), sign)

    # --- texts
    tag_font = _fit_font(draw, line1, 1000, 38, False, hangul)
    _text(draw, (WIDTH // 2, 62), line1, tag_font, (214, 218, 240))
    # short accent rules either side of the tagline
    tw = draw.textbbox((0, 0), line1, font=tag_font)
    half = (tw[2] - tw[0]) // 2 + 26
    if half + 70 < WIDTH // 2 - 30:
        draw.line((WIDTH // 2 - half - 70, 64, WIDTH // 2 - half, 64), fill=accent, width=4)
        draw.line((WIDTH // 2 + half, 64, WIDTH // 2 + half + 70, 64), fill=accent, width=4)

    name_font = _fit_font(draw, hero_name, 1080, 70, True, hangul, min_size=48)
    lines = _wrap_words(draw, hero_name, name_font, 1080)
    if len(lines) == 1:
        _text(draw, (WIDTH // 2, 515 if line2 else 535), hero_name, name_font, (255, 255, 255))
    else:  # a long name wraps between words, two lines at most
        name_font = _font(42, True, hangul)
        lines = _wrap_words(draw, hero_name, name_font, 1080)
        lines = lines[:1] + [" ".join(lines[1:])]
        for number, line in enumerate(lines):
            _text(draw, (WIDTH // 2, 488 + 46 * number), line, _fit_font(draw, line, 1080, 42, True, hangul), (255, 255, 255))
    if line2:
        score_font = _fit_font(draw, line2, 1000, 36, True, hangul)
        light_accent = tuple(int(c + (255 - c) * 0.3) for c in accent)
        _text(draw, (WIDTH // 2, 582 if len(lines) > 1 else 575), line2, score_font, light_accent)

    if tie_line:
        tie_font = _fit_font(draw, tie_line, 900, 26, True, hangul)
        _text(draw, (WIDTH // 2, 104), tie_line, tie_font, (255, 214, 120))

    # --- footer: site name bottom right, accent bar along the bottom
    site_font = _font(22, True, hangul and _has_hangul(site_name))
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

    buf = io.BytesIO()
    card.save(buf, format="PNG", compress_level=2)
    return buf.getvalue()


__all__ = ["FontSpec", "TEXTS", "face_crop", "find_font", "render_share_card"]

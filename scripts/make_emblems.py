#!/usr/bin/env python
"""Draw the 22 hero emblem cards (project-made art, Pillow only).

    python scripts/make_emblems.py [--out heroes/static/heroes/emblems] [--only hulk,loki]

Every emblem is a 512x512 PNG (palette + tRNS; opens as RGBA): a rounded card (transparent
outside the corners) with a gradient in the hero's colours, a bold geometric
symbol and the hero's English name in a band at the bottom. Everything is
drawn at 2x and downsampled with LANCZOS for antialiasing, then quantised to
a palette (240 opaque colours + 16 alpha levels for the corners) so each file
stays small (20-50 KB). No randomness: re-running the
script gives byte-identical files for the same Pillow version.
"""

from __future__ import annotations

import argparse
import math
import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "heroes" / "static" / "heroes" / "emblems"

SIZE = 512
SS = 2  # supersampling factor
S = SIZE * SS  # drawing canvas size
CORNER = 56 * SS
BAND_TOP = int(S * 0.78)  # name band starts here
SYMBOL_CY = int(S * 0.41)  # vertical centre of the symbol area
# palette entries for the opaque pixels (keeps files well under 60 KB): median-cut
# colours cover the big gradients, max-coverage ones keep small bright details
# (Thanos' gems) from being merged away
GRADIENT_COLOURS, DETAIL_COLOURS = 176, 48

FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    "/Library/Fonts/Arial Bold.ttf",
    "C:/Windows/Fonts/arialbd.ttf",
]

Color = tuple[int, int, int]


# --------------------------------------------------------------------------- helpers


def find_bold_font() -> str | None:
    for path in FONT_CANDIDATES:
        if Path(path).is_file():
            return path
    if shutil.which("fc-list"):
        try:
            out = subprocess.run(
                ["fc-list", ":style=Bold:lang=en", "file"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        files = sorted(
            path
            for path in (line.split(":")[0].strip() for line in out.splitlines())
            if path.lower().endswith((".ttf", ".otf"))
        )
        if files:
            return files[0]
    return None


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = find_bold_font()
    if path:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def mix(a: Color, b: Color, t: float) -> Color:
    return tuple(round(a[i] + (b[i] - a[i]) * t) for i in range(3))  # type: ignore[return-value]


def radial_background(inner: Color, outer: Color, center=(0.5, 0.38), spread=1.25) -> Image.Image:
    """Radial gradient: ``inner`` at ``center`` (fractions) fading to ``outer``."""
    grad = Image.radial_gradient("L")  # 256x256, 0 in the middle -> 255 at radius 128
    size = int(S * spread * 2)
    grad = grad.resize((size, size), Image.BICUBIC)
    cx, cy = int(S * center[0]), int(S * center[1])
    mask = grad.crop((size // 2 - cx, size // 2 - cy, size // 2 - cx + S, size // 2 - cy + S))
    return Image.composite(Image.new("RGB", (S, S), outer), Image.new("RGB", (S, S), inner), mask)


def linear_blend(img: Image.Image, top: Color, bottom: Color, strength=0.55) -> Image.Image:
    """Overlay a vertical gradient (top -> bottom) with the given opacity."""
    grad = Image.linear_gradient("L").resize((S, S), Image.BICUBIC)
    layer = Image.composite(Image.new("RGB", (S, S), bottom), Image.new("RGB", (S, S), top), grad)
    return Image.blend(img, layer, strength)


def glow(base: Image.Image, shape: Image.Image, radius: int, strength=1.0) -> Image.Image:
    """Alpha-composite a blurred copy of ``shape`` (RGBA) onto ``base``."""
    halo = shape.filter(ImageFilter.GaussianBlur(radius))
    if strength != 1.0:
        a = halo.getchannel("A").point(lambda v: min(255, int(v * strength)))
        halo.putalpha(a)
    return Image.alpha_composite(base, halo)


def layer() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    im = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    return im, ImageDraw.Draw(im)


def shadow(base: Image.Image, shape: Image.Image, offset=(0, 14), radius=18, opacity=150):
    a = shape.getchannel("A").point(lambda v: v * opacity // 255)
    sh = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    sh.putalpha(a)
    sh = sh.filter(ImageFilter.GaussianBlur(radius))
    sh = ImageChops.offset(sh, *offset)
    return Image.alpha_composite(base, sh)


def star_points(cx, cy, r_out, r_in, n=5, rot=-90.0):
    pts = []
    for i in range(n * 2):
        r = r_out if i % 2 == 0 else r_in
        a = math.radians(rot + i * 180.0 / n)
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return pts


def bezier(p0, p1, p2, p3, steps=60):
    pts = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        x = u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0]
        y = u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1]
        pts.append((x, y))
    return pts


def tapered_stroke(path, w_start, w_end):
    """Polygon around a polyline whose width tapers from w_start to w_end."""
    left, right = [], []
    n = len(path)
    for i, (x, y) in enumerate(path):
        x0, y0 = path[max(i - 1, 0)]
        x1, y1 = path[min(i + 1, n - 1)]
        dx, dy = x1 - x0, y1 - y0
        ln = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / ln, dx / ln
        w = (w_start + (w_end - w_start) * (i / (n - 1))) / 2
        left.append((x + nx * w, y + ny * w))
        right.append((x - nx * w, y - ny * w))
    return left + right[::-1]


def outlined(mask: Image.Image, fill: Color, edge: Color, width: int) -> Image.Image:
    """RGBA shape from an L mask: ``fill`` inside, an ``edge`` outline of ``width`` px outside."""
    k = width * 2 + 1
    grown = mask.filter(ImageFilter.MaxFilter(k)) if width > 0 else mask
    out = Image.new("RGBA", (S, S), edge + (0,))
    out.putalpha(grown)
    inner = Image.new("RGBA", (S, S), fill + (255,))
    inner.putalpha(mask)
    return Image.alpha_composite(out, inner)


def new_mask() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    m = Image.new("L", (S, S), 0)
    return m, ImageDraw.Draw(m)


def circle(draw, cx, cy, r, **kw):
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), **kw)


# --------------------------------------------------------------------------- symbols
# Each symbol function gets the RGB background (S x S) and returns an RGBA image.


def sym_black_widow(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY
    red = (214, 22, 36)
    # thin web rings behind
    web, d = layer()
    for r in (250, 330, 410):
        circle(d, cx, cy, r, outline=(120, 18, 26, 120), width=4)
    for k in range(12):
        a = math.radians(k * 30 + 15)
        d.line(
            (cx, cy, cx + 520 * math.cos(a), cy + 520 * math.sin(a)),
            fill=(120, 18, 26, 90),
            width=3,
        )
    out = Image.alpha_composite(out, web)
    # black disc with red rim
    disc, d = layer()
    circle(d, cx, cy, 238, fill=(14, 12, 16, 255))
    circle(d, cx, cy, 238, outline=red + (255,), width=14)
    out = shadow(out, disc, radius=24, opacity=200)
    out = Image.alpha_composite(out, disc)
    # hourglass: two triangles meeting at a narrow waist
    hg, d = layer()
    w, h, gap = 130, 150, 14
    d.polygon(
        [(cx - w, cy - h), (cx + w, cy - h), (cx + 10, cy - gap), (cx - 10, cy - gap)],
        fill=red + (255,),
    )
    d.polygon(
        [(cx - 10, cy + gap), (cx + 10, cy + gap), (cx + w, cy + h), (cx - w, cy + h)],
        fill=red + (255,),
    )
    out = glow(out, hg, 28, 1.2)
    out = Image.alpha_composite(out, hg)
    # highlight on the upper-left edges
    hl, d = layer()
    d.line(
        [(cx - w + 24, cy - h + 16), (cx - 20, cy - gap - 14)], fill=(255, 120, 120, 150), width=8
    )
    d.line(
        [(cx - w + 24, cy + h - 16), (cx - 20, cy + gap + 14)], fill=(255, 120, 120, 110), width=8
    )
    return Image.alpha_composite(out, hl)


def sym_captain_america(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY
    red, white, blue = (200, 24, 38), (244, 244, 246), (22, 62, 160)
    shield, d = layer()
    for r, col in ((300, red), (240, white), (180, red), (122, blue)):
        circle(d, cx, cy, r, fill=col + (255,))
    out = shadow(out, shield, offset=(0, 18), radius=26, opacity=190)
    out = Image.alpha_composite(out, shield)
    star, d = layer()
    d.polygon(star_points(cx, cy + 4, 112, 44), fill=white + (255,))
    out = Image.alpha_composite(out, star)
    # metallic sheen: light from upper-left, shade lower-right
    sheen, d = layer()
    d.pieslice((cx - 300, cy - 300, cx + 300, cy + 300), 180, 270, fill=(255, 255, 255, 40))
    d.pieslice((cx - 300, cy - 300, cx + 300, cy + 300), 0, 90, fill=(0, 0, 0, 45))
    sheen = sheen.filter(ImageFilter.GaussianBlur(30))
    sheen.putalpha(ImageChops.multiply(sheen.getchannel("A"), shield.getchannel("A")))
    out = Image.alpha_composite(out, sheen)
    rim, d = layer()
    circle(d, cx, cy, 300, outline=(120, 10, 20, 255), width=6)
    return Image.alpha_composite(out, rim)


def sym_doctor_strange(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY
    orange = (255, 150, 40, 255)
    gold = (255, 206, 110, 255)
    m, d = layer()
    circle(d, cx, cy, 330, outline=orange, width=12)
    circle(d, cx, cy, 290, outline=orange, width=6)
    # rune ticks between the two outer rings
    for k in range(48):
        a = math.radians(k * 7.5)
        r0, r1 = (298, 322) if k % 2 == 0 else (304, 316)
        d.line(
            (
                cx + r0 * math.cos(a),
                cy + r0 * math.sin(a),
                cx + r1 * math.cos(a),
                cy + r1 * math.sin(a),
            ),
            fill=gold,
            width=5,
        )
    # two overlapping squares -> eight-point star
    for rot in (0, 45):
        pts = [
            (
                cx + 250 * math.cos(math.radians(rot + 45 + 90 * i)),
                cy + 250 * math.sin(math.radians(rot + 45 + 90 * i)),
            )
            for i in range(4)
        ]
        d.polygon(pts, outline=orange, width=8)
    circle(d, cx, cy, 176, outline=orange, width=8)
    # inner triangles (up + down) forming a hexagram
    for rot in (-90, 90):
        pts = [
            (
                cx + 168 * math.cos(math.radians(rot + 120 * i)),
                cy + 168 * math.sin(math.radians(rot + 120 * i)),
            )
            for i in range(3)
        ]
        d.polygon(pts, outline=gold, width=6)
    circle(d, cx, cy, 70, outline=gold, width=8)
    circle(d, cx, cy, 26, fill=gold)
    # small dots at the star points
    for k in range(8):
        a = math.radians(k * 45)
        circle(d, cx + 250 * math.cos(a), cy + 250 * math.sin(a), 14, fill=gold)
    out = glow(out, m, 30, 1.6)
    out = glow(out, m, 10, 1.0)
    return Image.alpha_composite(out, m)


# Hulk's fist: the impact burst's spikes (share of the outer radius), and
# the four finger blocks (width, gap, how far each sits up or down).
HULK_SPIKES = [
    1.0,
    0.72,
    0.93,
    0.66,
    1.05,
    0.78,
    0.9,
    0.62,
    1.0,
    0.75,
    0.88,
    0.68,
    1.04,
    0.7,
    0.95,
    0.64,
]
HULK_GREEN, HULK_DARK, HULK_LIGHT = (96, 184, 52), (24, 60, 16), (160, 226, 96)
HULK_FINGER_W, HULK_FINGER_GAP = 104, 12
HULK_FINGER_LIFTS = (18, -10, -14, 10)


def sym_hulk(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY + 10
    out = Image.alpha_composite(out, _hulk_burst(cx, cy))
    # the fist (knuckles to the viewer): four finger blocks, palm, forearm, thumb across
    fingers = _hulk_fingers(cx, cy)
    fist = outlined(_hulk_fist_mask(cx, cy, fingers), HULK_GREEN, HULK_DARK, 10)
    out = shadow(out, fist, offset=(12, 22), radius=22, opacity=180)
    out = Image.alpha_composite(out, fist)
    out = Image.alpha_composite(out, _hulk_fist_details(cx, cy, fingers))
    # thumb folded across the front of the fingers
    thumb = _hulk_thumb(cx, cy)
    out = shadow(out, thumb, offset=(0, 10), radius=10, opacity=140)
    out = Image.alpha_composite(out, thumb)
    return Image.alpha_composite(out, _hulk_thumb_details(cx, cy))


def _hulk_burst(cx, cy):
    """The impact burst behind the fist: a jagged star with uneven spikes."""
    burst, d = layer()
    pts = []
    n = len(HULK_SPIKES) * 2
    for i in range(n):
        r = 400 * HULK_SPIKES[i // 2] if i % 2 == 0 else 250
        ang = math.radians(-90 + i * 360 / n + (6 if i % 4 == 1 else 0))
        pts.append((cx + r * math.cos(ang), cy + r * math.sin(ang)))
    d.polygon(pts, fill=(240, 170, 40, 235))
    inner = [(cx + (p[0] - cx) * 0.78, cy + (p[1] - cy) * 0.78) for p in pts]
    d.polygon(inner, fill=(255, 224, 100, 255))
    return burst.filter(ImageFilter.GaussianBlur(3))


def _hulk_fingers(cx, cy):
    """The top-left corner (x, y) of each finger block, left to right."""
    x0, top = cx - 226, cy - 190
    return [
        (x0 + i * (HULK_FINGER_W + HULK_FINGER_GAP), top + HULK_FINGER_LIFTS[i]) for i in range(4)
    ]


def _hulk_fist_mask(cx, cy, fingers):
    """Forearm, palm and fingers in one silhouette, cut off at the name band."""
    w = HULK_FINGER_W
    fm, d = new_mask()
    d.rounded_rectangle((cx - 150, cy + 120, cx + 150, S), radius=40, fill=255)  # forearm
    d.rounded_rectangle((cx - 232, cy - 80, cx + 232, cy + 190), radius=70, fill=255)  # palm
    for x, y in fingers:
        d.rounded_rectangle((x, y, x + w, y + 200), radius=50, fill=255)
    # cut the forearm off at the name band
    ImageDraw.Draw(fm).rectangle((0, BAND_TOP, S, S), fill=0)
    return fm


def _hulk_fist_details(cx, cy, fingers):
    """Lines between the fingers, the curled joints and the forearm's muscles."""
    w, gap, dark, light = HULK_FINGER_W, HULK_FINGER_GAP, HULK_DARK, HULK_LIGHT
    det, d = layer()
    for i, (x, y) in enumerate(fingers):
        # separation between fingers + the curled finger joint
        if i:
            d.line((x - gap / 2, y + 60, x - gap / 2, cy + 60), fill=dark + (255,), width=10)
        d.line((x + 24, y + 150, x + w - 24, y + 150), fill=dark + (150,), width=7)
        d.rounded_rectangle((x + 22, y + 22, x + w - 38, y + 48), radius=12, fill=light + (190,))
    d.line(
        (cx - 110, cy + 190, cx - 90, BAND_TOP - 30), fill=dark + (120,), width=8
    )  # forearm muscle
    d.line((cx + 100, cy + 200, cx + 80, BAND_TOP - 20), fill=dark + (120,), width=8)
    return det


def _hulk_thumb(cx, cy):
    tm, d = new_mask()
    d.rounded_rectangle((cx - 250, cy + 10, cx + 70, cy + 100), radius=45, fill=255)
    return outlined(tm, HULK_GREEN, HULK_DARK, 10)


def _hulk_thumb_details(cx, cy):
    hl, d = layer()
    d.rounded_rectangle((cx - 220, cy + 28, cx - 20, cy + 48), radius=10, fill=HULK_LIGHT + (170,))
    d.arc(
        (cx + 10, cy + 26, cx + 60, cy + 84), 270, 90, fill=HULK_DARK + (200,), width=8
    )  # thumbnail
    return hl


def sym_iron_man(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY
    gold, dark = (236, 190, 70, 255), (60, 10, 14, 255)
    housing, d = layer()
    circle(d, cx, cy, 290, fill=(120, 18, 24, 255))
    circle(d, cx, cy, 290, outline=gold, width=20)
    circle(d, cx, cy, 236, fill=dark)
    # segmented coil ring
    for k in range(10):
        a0 = k * 36 + 4
        d.arc(
            (cx - 214, cy - 214, cx + 214, cy + 214),
            a0,
            a0 + 28,
            fill=(200, 230, 240, 255),
            width=34,
        )
    out = shadow(out, housing, offset=(0, 18), radius=24, opacity=180)
    out = Image.alpha_composite(out, housing)
    # glowing core: triangle + inner circle
    core, d = layer()
    tri = [
        (
            cx + 150 * math.cos(math.radians(-90 + 120 * i)),
            cy + 150 * math.sin(math.radians(-90 + 120 * i)),
        )
        for i in range(3)
    ]
    d.polygon(tri, fill=(170, 245, 255, 255))
    tri_in = [
        (
            cx + 70 * math.cos(math.radians(-90 + 120 * i)),
            cy + 70 * math.sin(math.radians(-90 + 120 * i)),
        )
        for i in range(3)
    ]
    d.polygon(tri_in, fill=(255, 255, 255, 255))
    circle(d, cx, cy, 164, outline=(120, 230, 255, 255), width=10)
    ring, d2 = layer()
    for k in range(10):
        a0 = k * 36 + 4
        d2.arc(
            (cx - 214, cy - 214, cx + 214, cy + 214),
            a0,
            a0 + 28,
            fill=(90, 220, 255, 255),
            width=34,
        )
    out = glow(out, ring, 26, 1.3)
    out = glow(out, core, 40, 1.8)
    out = Image.alpha_composite(out, core)
    # rivets on the gold ring
    rv, d = layer()
    for k in range(8):
        a = math.radians(k * 45 + 22.5)
        circle(d, cx + 290 * math.cos(a), cy + 290 * math.sin(a), 9, fill=(140, 100, 20, 255))
    return Image.alpha_composite(out, rv)


def sym_loki(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY + 40
    gold, edge = (232, 186, 60), (110, 76, 8)
    hm = _loki_helmet_mask(cx, cy)
    helm = outlined(hm, gold, edge, 7)
    out = shadow(out, helm, offset=(0, 20), radius=22, opacity=190)
    out = Image.alpha_composite(out, helm)
    det = _loki_helmet_details(cx, cy, edge)
    det.putalpha(ImageChops.multiply(det.getchannel("A"), hm))
    return Image.alpha_composite(out, det)


def _loki_helmet_mask(cx, cy):
    """Horns, dome and cheek guards, with the face opening cut out."""
    hm, d = new_mask()
    for side in (-1, 1):
        # horn centreline: from the temple out and up, curling back in at the tip
        p0 = (cx + side * 120, cy - 40)
        p1 = (cx + side * 300, cy - 80)
        p2 = (cx + side * 330, cy - 300)
        p3 = (cx + side * 190, cy - 400)
        d.polygon(tapered_stroke(bezier(p0, p1, p2, p3, 80), 120, 8), fill=255)
    # dome + cheek guards
    d.pieslice((cx - 190, cy - 170, cx + 190, cy + 210), 180, 360, fill=255)
    d.polygon(
        [
            (cx - 190, cy + 18),
            (cx + 190, cy + 18),
            (cx + 168, cy + 150),
            (cx + 120, cy + 240),
            (cx - 120, cy + 240),
            (cx - 168, cy + 150),
        ],
        fill=255,
    )
    # face opening: a brow that dips to a point in the middle, open at the chin
    d.polygon(
        [
            (cx - 118, cy + 10),
            (cx - 40, cy + 40),
            (cx, cy + 72),
            (cx + 40, cy + 40),
            (cx + 118, cy + 10),
            (cx + 104, cy + 150),
            (cx + 70, cy + 250),
            (cx - 70, cy + 250),
            (cx - 104, cy + 150),
        ],
        fill=0,
    )
    return hm


def _loki_helmet_details(cx, cy, edge):
    """The brow ridge and the highlights on the horns and the dome."""
    det, d = layer()
    # brow ridge + highlights
    d.line(
        [
            (cx - 176, cy - 14),
            (cx - 60, cy - 2),
            (cx, cy + 20),
            (cx + 60, cy - 2),
            (cx + 176, cy - 14),
        ],
        fill=edge + (200,),
        width=7,
        joint="curve",
    )
    for side in (-1, 1):
        hl = bezier(
            (cx + side * 150, cy - 80),
            (cx + side * 270, cy - 110),
            (cx + side * 285, cy - 270),
            (cx + side * 200, cy - 360),
            50,
        )
        d.line(hl, fill=(255, 240, 180, 160), width=10, joint="curve")
    d.arc((cx - 160, cy - 140, cx + 160, cy + 180), 205, 250, fill=(255, 240, 180, 160), width=12)
    return det


def sym_spider_man(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY
    webc = (30, 10, 20, 170)
    web, d = layer()
    spokes = 12
    for k in range(spokes):
        a = math.radians(k * 360 / spokes)
        d.line((cx, cy, cx + 900 * math.cos(a), cy + 900 * math.sin(a)), fill=webc, width=5)
    for r in range(90, 900, 85):
        # each web ring sags slightly between spokes
        pts = []
        for k in range(spokes + 1):
            a0 = math.radians(k * 360 / spokes)
            a1 = math.radians((k + 1) * 360 / spokes)
            p0 = (cx + r * math.cos(a0), cy + r * math.sin(a0))
            p1 = (cx + r * math.cos(a1), cy + r * math.sin(a1))
            mid = ((p0[0] + p1[0]) / 2, (p0[1] + p1[1]) / 2)
            pull = 0.12
            m = (mid[0] + (cx - mid[0]) * pull, mid[1] + (cy - mid[1]) * pull)
            pts += bezier(p0, m, m, p1, 10)[:-1]
        d.line(pts, fill=webc, width=4, joint="curve")
    out = Image.alpha_composite(out, web)
    # spider: head, thorax, abdomen + 8 legs
    sp, d = layer()
    blk = (18, 14, 22, 255)
    circle(d, cx, cy - 120, 42, fill=blk)
    d.ellipse((cx - 60, cy - 100, cx + 60, cy + 40), fill=blk)
    d.ellipse((cx - 48, cy + 20, cx + 48, cy + 210), fill=blk)
    legs = [  # (shoulder dy, elbow, foot) per side (x positive, mirrored)
        ((-70), (150, -190), (200, -320)),
        ((-40), (190, -90), (300, -160)),
        ((-5), (190, 40), (300, 130)),
        ((20), (150, 140), (210, 300)),
    ]
    for sdy, (ex, ey), (fx, fy) in legs:
        for side in (-1, 1):
            pts = [(cx + side * 30, cy + sdy), (cx + side * ex, cy + ey), (cx + side * fx, cy + fy)]
            d.line(pts, fill=blk, width=26, joint="curve")
            circle(d, pts[1][0], pts[1][1], 13, fill=blk)
    out = glow(out, sp, 20, 0.8)  # soft dark halo for contrast
    return Image.alpha_composite(out, sp)


# Thanos's gauntlet: each finger (x offset, top, length) and each stone
# (x and y offset, colour, radius).
THANOS_FINGERS = [(-165, -210, 250), (-58, -262, 300), (50, -252, 290), (152, -200, 240)]
THANOS_STONES = [
    (-165, -20, (60, 130, 255), 30),
    (-58, -70, (230, 30, 50), 30),
    (50, -60, (160, 60, 230), 30),
    (152, -10, (255, 220, 40), 30),
    (-290, -70, (255, 140, 20), 26),
    (-5, 110, (40, 200, 90), 58),
]


def sym_thanos(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY + 30
    gold, edge = (226, 176, 52), (104, 66, 8)
    # open hand, fingers up: four fingers, palm, thumb, cuff (one outlined silhouette)
    hand = outlined(_thanos_hand_mask(cx, cy), gold, edge, 8)
    out = shadow(out, hand, offset=(0, 18), radius=22, opacity=190)
    out = Image.alpha_composite(out, hand)
    out = Image.alpha_composite(out, _thanos_hand_details(cx, cy, edge))
    gems = _thanos_stones(cx, cy, edge)
    out = glow(out, gems, 22, 1.4)
    out = Image.alpha_composite(out, gems)
    return Image.alpha_composite(out, _thanos_stone_highlights(cx, cy))


def _thanos_hand_mask(cx, cy):
    hm, d = new_mask()
    for fx, ftop, flen in THANOS_FINGERS:
        d.rounded_rectangle(
            (cx + fx - 46, cy + ftop, cx + fx + 46, cy + ftop + flen), radius=46, fill=255
        )
    d.rounded_rectangle((cx - 215, cy - 40, cx + 205, cy + 240), radius=70, fill=255)
    thumb = bezier(
        (cx - 150, cy + 150), (cx - 250, cy + 90), (cx - 300, cy - 10), (cx - 300, cy - 80), 40
    )
    d.polygon(tapered_stroke(thumb, 110, 84), fill=255)
    circle(d, cx - 300, cy - 80, 42, fill=255)
    d.rounded_rectangle((cx - 180, cy + 200, cx + 170, cy + 300), radius=22, fill=255)
    return hm


def _thanos_hand_details(cx, cy, edge):
    """Finger joint plates, the cuff's seam and a highlight."""
    det, d = layer()
    for fx, ftop, _flen in THANOS_FINGERS:  # finger joint plates
        d.arc(
            (cx + fx - 40, cy + ftop + 70, cx + fx + 40, cy + ftop + 120),
            200,
            340,
            fill=edge + (200,),
            width=6,
        )
    d.line((cx - 180, cy + 228, cx + 170, cy + 228), fill=edge + (255,), width=8)  # cuff seam
    d.rounded_rectangle(
        (cx - 190, cy - 20, cx - 160, cy + 200), radius=14, fill=(255, 230, 150, 90)
    )
    return det


def _thanos_stones(cx, cy, edge):
    gems, d = layer()
    for dx, dy, col, r in THANOS_STONES:
        x, y = cx + dx, cy + dy
        circle(d, x, y, r + 9, fill=edge + (255,))
        circle(d, x, y, r, fill=col + (255,))
    return gems


def _thanos_stone_highlights(cx, cy):
    hl, d = layer()
    for dx, dy, _col, r in THANOS_STONES:
        x, y = cx + dx, cy + dy
        circle(d, x - r * 0.35, y - r * 0.35, r * 0.28, fill=(255, 255, 255, 200))
    return hl


# --------------------------------------------------------------------------- symbols (0008)
# The fourteen heroes added in migration 0008. Same conventions as above; many
# are drawn upright on their own layer and then tilted with ``tilted``.


def tilted(im: Image.Image, degrees: float, center=None) -> Image.Image:
    """Rotate an RGBA layer counter-clockwise about ``center`` (default: the symbol centre)."""
    return im.rotate(degrees, resample=Image.BICUBIC, center=center or (S // 2, SYMBOL_CY))


def polar(cx, cy, r, degrees):
    a = math.radians(degrees)
    return (cx + r * math.cos(a), cy + r * math.sin(a))


def lens(cx, cy, w, h, tilt=0.0, steps=30):
    """Almond (two arcs meeting in points), ``w`` wide and ``h`` tall, tilted by ``tilt`` degrees."""
    pts = []
    for i in range(steps * 2):
        t = i / steps
        if i < steps:
            x, y = -w / 2 + w * t, -h / 2 * math.sin(math.pi * t)
        else:
            t -= 1
            x, y = w / 2 - w * t, h / 2 * math.sin(math.pi * t)
        a = math.radians(tilt)
        pts.append((cx + x * math.cos(a) - y * math.sin(a), cy + x * math.sin(a) + y * math.cos(a)))
    return pts


def sprinkle(n, seed):
    """Deterministic pseudo-random points in [0, 1)^2 (no RNG state: same every run)."""
    pts = []
    for i in range(n):
        u = math.sin((i + 1) * 12.9898 + seed * 78.233) * 43758.5453
        v = math.sin((i + 1) * 39.3468 + seed * 11.135) * 24634.6345
        pts.append((u - math.floor(u), v - math.floor(v)))
    return pts


def swelling_stroke(path, w_mid):
    """Polygon around a polyline, pointed at both ends and ``w_mid`` wide in the middle."""
    left, right = [], []
    n = len(path)
    for i, (x, y) in enumerate(path):
        x0, y0 = path[max(i - 1, 0)]
        x1, y1 = path[min(i + 1, n - 1)]
        ln = math.hypot(x1 - x0, y1 - y0) or 1.0
        nx, ny = -(y1 - y0) / ln, (x1 - x0) / ln
        w = (2 + w_mid * math.sin(math.pi * i / (n - 1))) / 2
        left.append((x + nx * w, y + ny * w))
        right.append((x - nx * w, y - ny * w))
    return left + right[::-1]


def sym_scarlet_witch(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY
    red, pink, core = (236, 28, 72, 255), (255, 110, 150, 255), (255, 225, 235, 255)
    m, d = layer()
    for r, w, rot in ((336, 12, -90), (296, 5, -60)):
        d.polygon([polar(cx, cy, r, rot + 60 * i) for i in range(6)], outline=red, width=w)
    for i in range(6):  # small sigils on the outer hexagon's corners
        x, y = polar(cx, cy, 336, -90 + 60 * i)
        circle(d, x, y, 16, fill=pink)
    # the chaos swirl: six tapering wisps spiralling out of a bright core
    for k in range(6):
        path = []
        for i in range(70):
            t = i / 69
            path.append(polar(cx, cy, 46 + 230 * t, k * 60 + 210 * t))
        d.polygon(tapered_stroke(path, 44, 3), fill=red if k % 2 else pink)
    circle(d, cx, cy, 70, fill=pink)
    circle(d, cx, cy, 42, fill=core)
    out = glow(out, m, 36, 1.8)
    out = glow(out, m, 12, 1.0)
    return Image.alpha_composite(out, m)


def sym_captain_marvel(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY + 10
    rays, d = layer()
    for k in range(16):
        a = -90 + k * 22.5 + 11.25
        long = 470 if k % 2 else 380
        d.polygon(
            [polar(cx, cy, 120, a - 6), polar(cx, cy, long, a), polar(cx, cy, 120, a + 6)],
            fill=(255, 214, 110, 120),
        )
    rays = rays.filter(ImageFilter.GaussianBlur(4))
    out = Image.alpha_composite(out, rays)
    # a faceted gold star: each point split into a lit and a shaded half
    pts = star_points(cx, cy, 320, 128)
    star, d = layer()
    d.polygon(pts, fill=(255, 205, 60, 255))
    out = glow(out, star, 40, 1.5)
    out = shadow(out, star, offset=(0, 16), radius=20, opacity=170)
    light, shade = (255, 226, 120, 255), (214, 140, 24, 255)
    for i in range(10):
        tri = [(cx, cy), pts[i], pts[(i + 1) % 10]]
        d.polygon(tri, fill=light if i % 2 == 0 else shade)
    d.polygon(pts + [pts[0]], outline=(140, 80, 10, 255), width=6)
    out = Image.alpha_composite(out, star)
    hl, d = layer()
    circle(d, cx, cy, 34, fill=(255, 250, 220, 255))
    out = glow(out, hl, 26, 1.6)
    return Image.alpha_composite(out, hl)


def sym_gamora(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY
    # a slash trail behind the blade
    trail, d = layer()
    arc = [polar(cx + 120, cy + 120, 400, a) for a in range(150, 290, 2)]
    d.polygon(swelling_stroke(arc, 70), fill=(255, 70, 170, 190))
    out = glow(out, trail, 24, 1.4)
    out = Image.alpha_composite(out, trail)
    # the sword, drawn upright and then tilted: curved blade, guard, wrapped grip
    sw, d = layer()
    steel, edge = (222, 232, 236, 255), (40, 60, 64, 255)
    spine = bezier((cx, cy + 150), (cx + 10, cy - 60), (cx + 60, cy - 240), (cx + 10, cy - 380), 60)
    d.polygon(tapered_stroke(spine, 132, 4), fill=edge)
    d.polygon(tapered_stroke(spine, 112, 0), fill=steel)
    d.line(
        bezier((cx - 8, cy + 140), (cx + 2, cy - 60), (cx + 48, cy - 230), (cx + 8, cy - 350), 40),
        fill=(150, 170, 176, 255),
        width=12,
    )
    d.polygon(
        [(cx - 150, cy + 150), (cx + 150, cy + 150), (cx + 120, cy + 190), (cx - 120, cy + 190)],
        fill=(40, 46, 50, 255),
        outline=(255, 70, 170, 255),
        width=6,
    )
    d.rounded_rectangle((cx - 30, cy + 190, cx + 30, cy + 350), radius=12, fill=(30, 36, 40, 255))
    for y in range(cy + 205, cy + 340, 28):
        d.line((cx - 28, y, cx + 28, y + 14), fill=(120, 200, 160, 255), width=8)
    circle(d, cx, cy + 372, 30, fill=(255, 70, 170, 255))
    sw = tilted(sw, -38)
    out = shadow(out, sw, offset=(10, 18), radius=18, opacity=190)
    return Image.alpha_composite(out, sw)


def sym_rescue(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY + 10
    blue, dark, silver = (58, 96, 196), (14, 22, 54), (206, 214, 228)
    hm, d = new_mask()
    d.ellipse((cx - 230, cy - 320, cx + 230, cy + 120), fill=255)
    d.polygon(
        [
            (cx - 230, cy - 100),
            (cx + 230, cy - 100),
            (cx + 200, cy + 150),
            (cx + 90, cy + 300),
            (cx - 90, cy + 300),
            (cx - 200, cy + 150),
        ],
        fill=255,
    )
    helm = outlined(hm, blue, dark, 9)
    out = shadow(out, helm, offset=(0, 20), radius=22, opacity=190)
    out = Image.alpha_composite(out, helm)
    # silver faceplate with a central ridge
    fm, d = new_mask()
    d.polygon(
        [
            (cx - 150, cy - 170),
            (cx, cy - 210),
            (cx + 150, cy - 170),
            (cx + 165, cy + 40),
            (cx + 110, cy + 200),
            (cx + 60, cy + 262),
            (cx - 60, cy + 262),
            (cx - 110, cy + 200),
            (cx - 165, cy + 40),
        ],
        fill=255,
    )
    face = outlined(fm, silver, dark, 6)
    out = Image.alpha_composite(out, face)
    det, d = layer()
    d.line((cx, cy - 205, cx, cy - 60), fill=(150, 160, 184, 255), width=8)
    d.line((cx - 70, cy + 180, cx + 70, cy + 180), fill=dark + (255,), width=10)
    out = Image.alpha_composite(out, det)
    eyes, d = layer()
    for side in (-1, 1):
        d.polygon(
            [
                (cx + side * 30, cy - 20),
                (cx + side * 140, cy - 46),
                (cx + side * 128, cy + 8),
                (cx + side * 40, cy + 16),
            ],
            fill=(150, 240, 255, 255),
        )
    out = glow(out, eyes, 22, 1.8)
    out = Image.alpha_composite(out, eyes)
    hl, d = layer()
    d.arc((cx - 200, cy - 300, cx + 200, cy + 100), 200, 250, fill=(255, 255, 255, 120), width=14)
    return Image.alpha_composite(out, hl)


def hammer(head: Color, edge: Color, grip: Color) -> Image.Image:
    """An upright war hammer (head on top) on its own layer, centred on the symbol."""
    cx, cy = S // 2, SYMBOL_CY
    hm, d = new_mask()
    d.rounded_rectangle((cx - 200, cy - 300, cx + 200, cy - 70), radius=30, fill=255)
    d.rounded_rectangle((cx - 34, cy - 90, cx + 34, cy + 290), radius=14, fill=255)
    img = outlined(hm, head, edge, 9)
    d = ImageDraw.Draw(img)
    lighter = mix(head, (255, 255, 255), 0.35)
    darker = mix(head, (0, 0, 0), 0.35)
    d.rounded_rectangle((cx - 184, cy - 286, cx + 184, cy - 240), radius=18, fill=lighter + (255,))
    d.rectangle((cx - 196, cy - 120, cx + 196, cy - 74), fill=darker + (255,))
    for x in (-120, 120):  # end faces
        d.line((cx + x, cy - 296, cx + x, cy - 76), fill=darker + (255,), width=8)
    d.rounded_rectangle((cx - 34, cy - 70, cx + 34, cy + 290), radius=14, fill=grip + (255,))
    for y in range(cy - 50, cy + 270, 30):
        d.line((cx - 32, y, cx + 32, y + 16), fill=mix(grip, (0, 0, 0), 0.45) + (255,), width=7)
    d.ellipse((cx - 40, cy + 270, cx + 40, cy + 318), fill=mix(head, (0, 0, 0), 0.2) + (255,))
    return img


def bolt(cx, cy, length, width, tilt):
    """A zig-zag lightning bolt polygon, pointing along ``tilt`` degrees."""
    shape = [(0, 0), (0.42, -0.1), (0.38, 0.06), (1.0, 0.0), (0.55, 0.16), (0.6, 0.02), (0.0, 0.0)]
    a = math.radians(tilt)
    pts = []
    for u, v in shape:
        x, y = u * length, v * width * 4
        pts.append((cx + x * math.cos(a) - y * math.sin(a), cy + x * math.sin(a) + y * math.cos(a)))
    return pts


def sym_thor(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY
    bolts, d = layer()
    for sx, sy, tilt, length in (
        (cx - 40, cy - 150, 200, 330),
        (cx + 40, cy - 170, -25, 330),
        (cx - 20, cy + 60, 155, 300),
        (cx + 30, cy + 40, 20, 300),
    ):
        d.polygon(bolt(sx, sy, length, 60, tilt), fill=(255, 240, 150, 255))
    out = glow(out, bolts, 26, 1.7)
    out = Image.alpha_composite(out, bolts)
    ham = tilted(hammer((150, 160, 176), (30, 34, 44), (120, 70, 40)), 24)
    ham = ImageChops.offset(ham, 30, 40)
    out = shadow(out, ham, offset=(8, 20), radius=20, opacity=200)
    return Image.alpha_composite(out, ham)


def sym_mighty_thor(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY
    ring, d = layer()
    circle(d, cx, cy - 20, 350, outline=(190, 235, 255, 200), width=8)
    for k in range(10):
        x, y = polar(cx, cy - 20, 350, k * 36 + 18)
        d.polygon(bolt(x, y, 90, 22, k * 36 + 18), fill=(220, 245, 255, 255))
    out = glow(out, ring, 18, 1.4)
    out = Image.alpha_composite(out, ring)
    ham = hammer((196, 204, 216), (40, 44, 60), (90, 80, 120))
    # the reforged head: glowing cracks across its face
    cracks, d = layer()
    for pts in (
        [(-200, -250), (-130, -210), (-90, -160), (-20, -190), (30, -120), (80, -150)],
        [(200, -140), (140, -180), (110, -250), (60, -270)],
        [(-60, -300), (-40, -250), (-90, -160)],
        [(30, -120), (50, -80)],
    ):
        d.line(
            [(cx + x, cy + y) for x, y in pts], fill=(120, 230, 255, 255), width=10, joint="curve"
        )
    cracks.putalpha(ImageChops.multiply(cracks.getchannel("A"), ham.getchannel("A")))
    ham = glow(ham, cracks, 10, 1.6)
    ham = Image.alpha_composite(ham, cracks)
    ham = ImageChops.offset(tilted(ham, -24), -30, 40)
    out = shadow(out, ham, offset=(-8, 20), radius=20, opacity=200)
    return Image.alpha_composite(out, ham)


def sym_jean_grey(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY + 30
    orange, gold, white = (255, 110, 20, 255), (255, 196, 50, 255), (255, 246, 210, 255)
    bird, d = layer()
    # wings: flame feathers fanning up and out from the shoulders, longest outside
    for side in (-1, 1):
        for i, (reach, lift, width) in enumerate(
            ((390, 330, 80), (350, 250, 76), (300, 160, 70), (240, 80, 60), (170, 10, 50))
        ):
            p0 = (cx + side * 30, cy - 10)
            p1 = (cx + side * reach * 0.45, cy - 20)
            p2 = (cx + side * reach * 0.8, cy - lift * 0.6)
            p3 = (cx + side * reach, cy - lift)
            d.polygon(
                tapered_stroke(bezier(p0, p1, p2, p3, 40), width, 4), fill=orange if i % 2 else gold
            )
    # tail flames
    for dx, length, width in ((-70, 280, 56), (0, 330, 64), (70, 280, 56)):
        path = bezier(
            (cx, cy + 40),
            (cx + dx * 0.3, cy + 140),
            (cx + dx * 1.6, cy + length * 0.7),
            (cx + dx, cy + length),
            40,
        )
        d.polygon(tapered_stroke(path, width, 4), fill=orange)
    # body and head, with a crest of flame
    d.ellipse((cx - 46, cy - 90, cx + 46, cy + 110), fill=gold)
    circle(d, cx, cy - 130, 44, fill=gold)
    d.polygon(
        tapered_stroke(
            bezier(
                (cx, cy - 160), (cx + 10, cy - 220), (cx - 40, cy - 260), (cx - 10, cy - 320), 30
            ),
            40,
            2,
        ),
        fill=orange,
    )
    core, d2 = layer()
    d2.ellipse((cx - 22, cy - 60, cx + 22, cy + 80), fill=white)
    circle(d2, cx, cy - 130, 18, fill=white)
    out = glow(out, bird, 44, 1.8)
    out = glow(out, bird, 14, 1.1)
    out = Image.alpha_composite(out, bird)
    out = glow(out, core, 16, 1.3)
    return Image.alpha_composite(out, core)


def sym_mystique(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY
    # scale texture over the whole card
    sc, d = layer()
    step = 64
    for row in range(-1, S // (step // 2) + 1):
        for col in range(-1, S // step + 2):
            x = col * step + (step // 2 if row % 2 else 0)
            y = row * step // 2
            d.arc(
                (x - step // 2, y - step // 2, x + step // 2, y + step // 2),
                20,
                160,
                fill=(10, 20, 70, 110),
                width=5,
            )
    out = Image.alpha_composite(out, sc)
    # a mask: a dark band across the eyes with two golden, slit-pupilled eyes
    mm, d = new_mask()
    d.polygon(lens(cx, cy, 720, 300), fill=255)
    mask = outlined(mm, (14, 24, 70), (120, 20, 30), 10)
    out = shadow(out, mask, offset=(0, 18), radius=22, opacity=200)
    out = Image.alpha_composite(out, mask)
    eyes, d = layer()
    for side in (-1, 1):
        d.polygon(lens(cx + side * 150, cy, 230, 120, tilt=side * -10), fill=(255, 206, 40, 255))
    out = glow(out, eyes, 28, 1.7)
    out = Image.alpha_composite(out, eyes)
    det, d = layer()
    for side in (-1, 1):
        d.polygon(lens(cx + side * 150, cy, 104, 30, tilt=90), fill=(20, 10, 10, 255))
        circle(d, cx + side * 150 - 40, cy - 22, 12, fill=(255, 250, 220, 220))
    return Image.alpha_composite(out, det)


def sym_jessica_jones(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY
    # rain and a night skyline
    city, d = layer()
    for i, (u, v) in enumerate(sprinkle(70, 3)):
        x, y = u * S, v * BAND_TOP
        d.line((x, y, x - 12, y + 50), fill=(200, 190, 255, 70 if i % 3 else 110), width=3)
    x = 30
    heights = [180, 260, 210, 330, 240, 300, 190, 280, 220]
    for i, h in enumerate(heights):
        w = 96 + (i * 37) % 40
        d.rectangle((x, BAND_TOP - h, x + w, BAND_TOP), fill=(16, 10, 26, 255))
        for wy in range(BAND_TOP - h + 30, BAND_TOP - 20, 46):
            for wx in range(x + 18, x + w - 20, 34):
                if (wx * 7 + wy * 3 + i) % 5 == 0:
                    d.rectangle((wx, wy, wx + 14, wy + 20), fill=(255, 214, 120, 220))
        x += w + 6
    out = Image.alpha_composite(out, city)
    # a magnifying glass
    mg, d = layer()
    gx, gy, r = cx - 50, cy - 50, 210
    d.line(
        (gx + r * 0.7, gy + r * 0.7, gx + r * 1.55, gy + r * 1.55), fill=(30, 20, 30, 255), width=64
    )
    d.line(
        (gx + r * 0.78, gy + r * 0.78, gx + r * 1.5, gy + r * 1.5),
        fill=(120, 70, 40, 255),
        width=46,
    )
    circle(d, gx, gy, r, fill=(220, 210, 255, 70))
    circle(d, gx, gy, r, outline=(30, 20, 30, 255), width=46)
    circle(d, gx, gy, r - 6, outline=(196, 196, 210, 255), width=30)
    d.arc(
        (gx - r + 50, gy - r + 50, gx + r - 50, gy + r - 50),
        200,
        250,
        fill=(255, 255, 255, 190),
        width=16,
    )
    out = shadow(out, mg, offset=(0, 18), radius=20, opacity=190)
    return Image.alpha_composite(out, mg)


def sym_star_lord(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY + 10
    out = Image.alpha_composite(out, _star_field())
    tape = tilted(_cassette(cx, cy), 8)
    out = shadow(out, tape, offset=(0, 22), radius=22, opacity=200)
    out = glow(out, tape, 30, 0.5)
    return Image.alpha_composite(out, tape)


def _star_field():
    stars, d = layer()
    for i, (u, v) in enumerate(sprinkle(90, 7)):
        r = 3 + (i % 4) * 2
        circle(d, u * S, v * BAND_TOP, r, fill=(255, 240, 220, 140 + (i % 3) * 40))
    return stars


def _cassette(cx, cy):
    """A cassette tape, upright: shell, label, window, reels, the bottom
    ridge and its holes, the screws."""
    w, h = 660, 420
    x0, y0 = cx - w // 2, cy - h // 2
    tape, d = layer()
    d.rounded_rectangle(
        (x0, y0, x0 + w, y0 + h),
        radius=34,
        fill=(40, 40, 48, 255),
        outline=(12, 12, 16, 255),
        width=8,
    )
    d.rounded_rectangle(
        (x0 + 40, y0 + 36, x0 + w - 40, y0 + 270), radius=18, fill=(246, 140, 40, 255)
    )
    for k, col in enumerate(((255, 200, 80), (220, 70, 40))):
        d.rectangle((x0 + 40, y0 + 196 + k * 26, x0 + w - 40, y0 + 214 + k * 26), fill=col + (255,))
    d.rounded_rectangle(
        (x0 + 60, y0 + 52, x0 + w - 60, y0 + 82), radius=8, fill=(255, 236, 200, 255)
    )
    d.rounded_rectangle((cx - 170, y0 + 104, cx + 170, y0 + 184), radius=40, fill=(22, 20, 26, 255))
    _cassette_reels(d, cx, y0 + 144)
    d.polygon(
        [
            (x0 + 120, y0 + h),
            (x0 + 160, y0 + h - 90),
            (x0 + w - 160, y0 + h - 90),
            (x0 + w - 120, y0 + h),
        ],
        fill=(70, 70, 80, 255),
    )
    for side in (-1, 1):
        circle(d, cx + side * 120, y0 + h - 44, 14, fill=(20, 20, 24, 255))
    for x in (x0 + 24, x0 + w - 24):
        for y in (y0 + 24, y0 + h - 24):
            circle(d, x, y, 9, fill=(120, 120, 130, 255))
    return tape


def _cassette_reels(d, cx, ry):
    for side in (-1, 1):
        rx = cx + side * 110
        circle(d, rx, ry, 44, fill=(236, 236, 240, 255))
        circle(d, rx, ry, 18, fill=(22, 20, 26, 255))
        for k in range(6):
            a = math.radians(k * 60)
            d.line(
                (
                    rx + 18 * math.cos(a),
                    ry + 18 * math.sin(a),
                    rx + 34 * math.cos(a),
                    ry + 34 * math.sin(a),
                ),
                fill=(22, 20, 26, 255),
                width=8,
            )


def arrow(length, head: Color, shaft: Color, fletch: Color) -> Image.Image:
    """An arrow pointing up, its tip at the symbol centre."""
    cx, cy = S // 2, SYMBOL_CY
    im, d = layer()
    d.line((cx, cy + 40, cx, cy + length), fill=shaft + (255,), width=16)
    d.polygon(
        [(cx, cy - 20), (cx - 36, cy + 60), (cx, cy + 44), (cx + 36, cy + 60)], fill=head + (255,)
    )
    for side in (-1, 1):
        d.polygon(
            [
                (cx + side * 6, cy + length - 150),
                (cx + side * 46, cy + length - 110),
                (cx + side * 46, cy + length - 10),
                (cx + side * 6, cy + length - 40),
            ],
            fill=fletch + (255,),
        )
    return im


def sym_hawkeye(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY
    target, d = layer()
    for r, col in (
        (310, (246, 240, 250)),
        (250, (120, 40, 170)),
        (190, (246, 240, 250)),
        (130, (120, 40, 170)),
        (70, (236, 40, 60)),
    ):
        circle(d, cx, cy, r, fill=col + (255,))
    circle(d, cx, cy, 310, outline=(40, 10, 60, 255), width=10)
    out = shadow(out, target, offset=(0, 18), radius=22, opacity=190)
    out = Image.alpha_composite(out, target)
    purple, dark = (160, 70, 220), (30, 24, 36)
    for angle in (-42, 30):
        a = tilted(arrow(440, (220, 224, 232), dark, purple), angle)
        out = shadow(out, a, offset=(10, 12), radius=8, opacity=150)
        out = Image.alpha_composite(out, a)
    hole, d = layer()
    circle(d, cx, cy, 16, fill=(60, 10, 20, 255))
    return Image.alpha_composite(out, hole)


def sym_falcon(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY + 40
    red, silver, edge = (214, 30, 44), (218, 224, 232), (28, 36, 56)
    wings, d = layer()
    # each wing: six blade-like feathers fanning out from the shoulder
    for side in (-1, 1):
        for i in range(6):
            ang = 200 - i * 16 if side < 0 else -20 + i * 16
            length = 470 - abs(i - 2) * 38
            base = (cx + side * 40, cy + 10)
            tip = polar(base[0], base[1], length, ang)
            nx, ny = polar(0, 0, 34, ang + 90)
            fx, fy = polar(0, 0, length * 0.78, ang)
            feather = [
                (base[0] + nx, base[1] + ny),
                (base[0] + fx + nx * 0.8, base[1] + fy + ny * 0.8),
                tip,
                (base[0] + fx - nx, base[1] + fy - ny),
                (base[0] - nx, base[1] - ny),
            ]
            d.polygon(
                feather, fill=(red if i == 0 else silver) + (255,), outline=edge + (255,), width=6
            )
    out = shadow(out, wings, offset=(0, 20), radius=20, opacity=180)
    out = Image.alpha_composite(out, wings)
    body, d = layer()
    circle(d, cx, cy + 10, 96, fill=edge + (255,))
    circle(d, cx, cy + 10, 96, outline=silver + (255,), width=8)
    d.polygon(
        [
            (cx - 62, cy - 30),
            (cx, cy + 20),
            (cx + 62, cy - 30),
            (cx + 62, cy + 14),
            (cx, cy + 66),
            (cx - 62, cy + 14),
        ],
        fill=red + (255,),
    )
    return Image.alpha_composite(out, body)


def sym_wolverine(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY
    # three slash marks torn through the card, widest in the middle
    sl, d = layer()
    for dx in (-150, 0, 150):
        p0 = (cx + dx - 190, cy - 320 + abs(dx) * 0.2)
        p3 = (cx + dx + 190, cy + 300 - abs(dx) * 0.2)
        path = bezier(p0, (p0[0] + 80, p0[1] + 140), (p3[0] - 80, p3[1] - 140), p3, 50)
        d.polygon(swelling_stroke(path, 50), fill=(40, 20, 4, 200))
    out = Image.alpha_composite(out, sl)
    # three steel claws rising from a dark glove
    claws, d = layer()
    base_y = cy + 210
    for i, tilt in enumerate((-14, 0, 14)):
        c, dd = layer()
        bx = cx + (i - 1) * 96
        dd.polygon(
            [(bx - 30, base_y), (bx - 24, cy - 250), (bx + 8, cy - 350), (bx + 30, base_y)],
            fill=(218, 226, 236, 255),
            outline=(40, 46, 60, 255),
            width=7,
        )
        dd.line((bx - 12, base_y - 20, bx - 8, cy - 260), fill=(255, 255, 255, 200), width=8)
        claws = Image.alpha_composite(claws, tilted(c, -tilt, center=(bx, base_y)))
    out = glow(out, claws, 18, 0.9)
    out = shadow(out, claws, offset=(8, 16), radius=14, opacity=170)
    out = Image.alpha_composite(out, claws)
    glove, d = layer()
    d.rounded_rectangle(
        (cx - 210, base_y - 30, cx + 210, base_y + 150),
        radius=60,
        fill=(24, 40, 96, 255),
        outline=(8, 14, 36, 255),
        width=8,
    )
    for i in range(3):
        bx = cx + (i - 1) * 96
        d.rounded_rectangle(
            (bx - 42, base_y - 40, bx + 42, base_y + 10), radius=20, fill=(40, 62, 130, 255)
        )
    ImageDraw.Draw(glove).rectangle((0, BAND_TOP, S, S), fill=(0, 0, 0, 0))
    out = shadow(out, glove, offset=(0, 14), radius=16, opacity=170)
    return Image.alpha_composite(out, glove)


def sym_venom(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY + 10
    bm, d = new_mask()
    # an ink blot: a core plus lobes and splashes, with drips running down
    d.ellipse((cx - 280, cy - 240, cx + 280, cy + 250), fill=255)
    for k, (u, v) in enumerate(sprinkle(14, 11)):
        ang = k * 360 / 14 + u * 12
        x, y = polar(cx, cy, 230 + v * 40, ang)
        circle(d, x, y, 40 + v * 30, fill=255)
    for k, (u, v) in enumerate(sprinkle(8, 13)):
        x, y = polar(cx, cy, 340 + u * 30, k * 45 + 20)
        circle(d, x, y, 14 + v * 18, fill=255)
    for dx, length in ((-180, 160), (-60, 230), (90, 200), (210, 130)):
        d.rounded_rectangle(
            (cx + dx - 26, cy + 180, cx + dx + 26, cy + 220 + length), radius=26, fill=255
        )
        circle(d, cx + dx, cy + 220 + length, 36, fill=255)
    d.rectangle((0, BAND_TOP, S, S), fill=0)
    blot = outlined(bm, (12, 12, 18), (190, 200, 220), 4)
    out = glow(out, blot, 30, 0.9)
    out = Image.alpha_composite(out, blot)
    face, d = layer()
    white = (246, 246, 250, 255)
    for side in (-1, 1):  # big hooked eyes
        path = bezier(
            (cx + side * 40, cy - 40),
            (cx + side * 110, cy - 60),
            (cx + side * 190, cy - 120),
            (cx + side * 215, cy - 195),
            40,
        )
        d.polygon(tapered_stroke(path, 90, 6), fill=white)
    # a wide grin: jaw crescent with jagged fangs
    d.chord((cx - 230, cy - 40, cx + 230, cy + 200), 10, 170, fill=white)
    teeth, d2 = layer()
    n = 11
    for i in range(n):
        x = cx - 210 + i * 420 / (n - 1)
        d2.polygon([(x - 20, cy + 80), (x + 20, cy + 80), (x, cy + 140)], fill=(12, 12, 18, 255))
    d2.line((cx - 210, cy + 80, cx + 210, cy + 80), fill=(12, 12, 18, 255), width=10)
    d2.ellipse((cx - 60, cy + 110, cx + 100, cy + 190), fill=(200, 30, 60, 255))
    face = Image.alpha_composite(face, teeth)
    return Image.alpha_composite(out, face)


# --------------------------------------------------------------------------- heroes

HEROES = {
    # key: (name, inner colour, outer colour, gradient top tint, bottom tint, accent, symbol)
    "black-widow": (
        "Black Widow",
        (110, 14, 24),
        (8, 6, 10),
        (40, 6, 10),
        (4, 4, 6),
        (214, 22, 36),
        sym_black_widow,
    ),
    "captain-america": (
        "Captain America",
        (50, 90, 190),
        (10, 22, 62),
        (30, 60, 150),
        (8, 14, 40),
        (200, 24, 38),
        sym_captain_america,
    ),
    "doctor-strange": (
        "Doctor Strange",
        (36, 60, 150),
        (6, 10, 40),
        (20, 30, 90),
        (20, 8, 30),
        (255, 150, 40),
        sym_doctor_strange,
    ),
    "hulk": (
        "Hulk",
        (110, 60, 170),
        (26, 10, 44),
        (60, 30, 100),
        (16, 50, 20),
        (120, 210, 60),
        sym_hulk,
    ),
    "iron-man": (
        "Iron Man",
        (230, 170, 60),
        (120, 12, 20),
        (190, 40, 40),
        (90, 10, 16),
        (236, 190, 70),
        sym_iron_man,
    ),
    "loki": (
        "Loki",
        (40, 140, 80),
        (4, 30, 18),
        (20, 90, 50),
        (4, 20, 12),
        (232, 186, 60),
        sym_loki,
    ),
    "spider-man": (
        "Spider-Man",
        (236, 50, 50),
        (130, 10, 20),
        (220, 30, 40),
        (20, 60, 200),
        (40, 90, 210),
        sym_spider_man,
    ),
    "thanos": (
        "Thanos",
        (140, 70, 190),
        (30, 10, 50),
        (90, 40, 140),
        (40, 20, 40),
        (226, 176, 52),
        sym_thanos,
    ),
    # 0008
    "scarlet-witch": (
        "Scarlet Witch",
        (150, 16, 60),
        (24, 2, 14),
        (90, 10, 40),
        (20, 2, 10),
        (236, 28, 72),
        sym_scarlet_witch,
    ),
    "captain-marvel": (
        "Captain Marvel",
        (40, 70, 170),
        (8, 14, 50),
        (24, 44, 120),
        (130, 16, 30),
        (255, 200, 60),
        sym_captain_marvel,
    ),
    "gamora": (
        "Gamora",
        (30, 130, 120),
        (4, 26, 30),
        (20, 90, 86),
        (30, 8, 30),
        (255, 70, 170),
        sym_gamora,
    ),
    "rescue": (
        "Rescue",
        (150, 170, 200),
        (22, 30, 50),
        (110, 130, 170),
        (14, 20, 40),
        (120, 210, 255),
        sym_rescue,
    ),
    "mighty-thor": (
        "Mighty Thor",
        (110, 150, 220),
        (20, 24, 70),
        (70, 110, 190),
        (30, 20, 60),
        (120, 230, 255),
        sym_mighty_thor,
    ),
    "jean-grey": (
        "Jean Grey",
        (120, 20, 30),
        (14, 4, 8),
        (70, 10, 20),
        (10, 4, 6),
        (255, 160, 40),
        sym_jean_grey,
    ),
    "mystique": (
        "Mystique",
        (50, 100, 210),
        (8, 16, 60),
        (30, 70, 170),
        (10, 14, 50),
        (255, 206, 40),
        sym_mystique,
    ),
    "jessica-jones": (
        "Jessica Jones",
        (110, 80, 140),
        (14, 10, 24),
        (70, 50, 100),
        (20, 12, 30),
        (190, 140, 230),
        sym_jessica_jones,
    ),
    "thor": (
        "Thor",
        (90, 104, 130),
        (12, 16, 26),
        (60, 70, 96),
        (14, 16, 24),
        (214, 30, 40),
        sym_thor,
    ),
    "star-lord": (
        "Star-Lord",
        (110, 40, 60),
        (8, 8, 30),
        (60, 20, 50),
        (10, 10, 36),
        (246, 140, 40),
        sym_star_lord,
    ),
    "hawkeye": (
        "Hawkeye",
        (90, 40, 130),
        (12, 6, 24),
        (60, 24, 90),
        (14, 6, 24),
        (160, 70, 220),
        sym_hawkeye,
    ),
    "falcon": (
        "Falcon",
        (140, 190, 240),
        (20, 50, 110),
        (110, 170, 230),
        (16, 36, 90),
        (214, 30, 44),
        sym_falcon,
    ),
    "wolverine": (
        "Wolverine",
        (255, 214, 60),
        (170, 100, 10),
        (250, 200, 50),
        (120, 70, 10),
        (30, 60, 150),
        sym_wolverine,
    ),
    "venom": (
        "Venom",
        (80, 90, 110),
        (8, 8, 14),
        (50, 56, 72),
        (6, 6, 10),
        (236, 236, 244),
        sym_venom,
    ),
}


def draw_emblem(key: str) -> Image.Image:
    name, inner, outer, top, bottom, accent, symbol = HEROES[key]
    bg = radial_background(inner, outer)
    bg = linear_blend(bg, top, bottom, 0.45)
    card = symbol(bg)

    # name band: dark translucent strip with an accent line on top
    band, d = layer()
    d.rectangle((0, BAND_TOP, S, S), fill=(0, 0, 0, 165))
    d.rectangle((0, BAND_TOP, S, BAND_TOP + 10), fill=accent + (255,))
    card = Image.alpha_composite(card, band)
    txt, d = layer()
    size = 92
    while True:
        f = font(size)
        x0, t, x1, b = d.textbbox((0, 0), name.upper(), font=f)
        if x1 - x0 <= S - 120 or size <= 40:
            break
        size -= 4
    band_mid = (BAND_TOP + 10 + S) / 2
    tx = (S - (x1 - x0)) / 2 - x0
    ty = band_mid - (t + b) / 2
    d.text((tx, ty + 5), name.upper(), font=f, fill=(0, 0, 0, 180))
    d.text((tx, ty), name.upper(), font=f, fill=(255, 255, 255, 255))
    card = Image.alpha_composite(card, txt)

    # inner border + rounded-corner mask
    frame, d = layer()
    d.rounded_rectangle(
        (10, 10, S - 11, S - 11), radius=CORNER - 10, outline=accent + (200,), width=6
    )
    d.rounded_rectangle(
        (22, 22, S - 23, S - 23), radius=CORNER - 22, outline=(255, 255, 255, 50), width=2
    )
    card = Image.alpha_composite(card, frame)
    mask = Image.new("L", (S, S), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, S - 1, S - 1), radius=CORNER, fill=255)
    card.putalpha(ImageChops.multiply(card.getchannel("A"), mask))
    return card.resize((SIZE, SIZE), Image.LANCZOS)


def save_small(img: Image.Image, path: Path) -> None:
    """Write a palette PNG: up to 240 colours for the opaque card (no dithering:
    smooth gradients compress well) plus 16 semi-transparent entries (tRNS) for
    the antialiased rounded corners."""
    rgb = img.convert("RGB")
    alpha = img.getchannel("A")
    colours = []
    for method, n in (
        (Image.Quantize.MEDIANCUT, GRADIENT_COLOURS),
        (Image.Quantize.MAXCOVERAGE, DETAIL_COLOURS),
    ):
        pal = rgb.quantize(colors=n, method=method, dither=Image.Dither.NONE).getpalette() or []
        colours += [tuple(pal[i : i + 3]) for i in range(0, min(len(pal), n * 3), 3)]
    colours = list(dict.fromkeys(colours))[:240]  # drop duplicates, keep order
    n_opaque = len(colours)
    # pad with copies of the first colour so every index >= n_opaque maps back to 0 exactly
    padded = colours + [colours[0]] * (256 - n_opaque)
    pal_img = Image.new("P", (1, 1))
    pal_img.putpalette([c for rgb3 in padded for c in rgb3])
    q = rgb.quantize(palette=pal_img, dither=Image.Dither.NONE)
    q_idx = Image.frombytes("L", q.size, q.tobytes()).point(lambda i: i if i < n_opaque else 0)
    palette = [c for rgb3 in colours for c in rgb3]
    palette += [0, 0, 0] * (240 - n_opaque)
    # edge pixels: one palette entry per alpha level (0..15), coloured with the
    # mean colour of the card's opaque border pixels of that level's neighbourhood
    edge = alpha.point(lambda v: 255 if v < 250 else 0)
    edge_idx = alpha.point(lambda v: 240 + min(15, v // 16))
    idx = Image.composite(edge_idx, q_idx, edge)
    # colour of the semi-transparent entries: average colour of the outermost ring
    ring = Image.new("L", img.size, 0)
    ImageDraw.Draw(ring).rounded_rectangle(
        (3, 3, SIZE - 4, SIZE - 4), radius=CORNER // SS - 3, outline=255, width=2
    )
    ring = ImageChops.multiply(ring, alpha.point(lambda v: 255 if v >= 250 else 0))
    n = max(1, sum(ring.histogram()[255:]))
    rgb_sum = [
        sum(
            i * c
            for i, c in enumerate(
                Image.composite(band, Image.new("L", img.size, 0), ring).histogram()
            )
        )
        for band in rgb.split()
    ]
    edge_col = [round(v / n) for v in rgb_sum]
    for _ in range(16):
        palette += edge_col
    out = Image.frombytes("P", idx.size, idx.tobytes())
    out.putpalette(palette)
    trns = bytes([255] * 240 + [min(255, lvl * 16 + 8) if lvl else 0 for lvl in range(16)])
    out.save(path, format="PNG", optimize=True, transparency=trns)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--only", default="", help="comma-separated keys (default: all)")
    args = ap.parse_args(argv)
    keys = [k for k in args.only.split(",") if k] or list(HEROES)
    unknown = set(keys) - set(HEROES)
    if unknown:
        ap.error(f"unknown keys: {', '.join(sorted(unknown))}")
    args.out.mkdir(parents=True, exist_ok=True)
    for key in keys:
        path = args.out / f"{key}.png"
        save_small(draw_emblem(key), path)
        print(
            f"{path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path}"
            f"  {path.stat().st_size / 1024:.1f} KB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

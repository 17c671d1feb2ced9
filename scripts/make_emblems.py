#!/usr/bin/env python
"""Draw the eight hero emblem cards (project-made art, Pillow only).

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


def sym_hulk(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY + 10
    # impact burst behind the fist: a jagged star with uneven spikes
    burst, d = layer()
    spikes = [
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
    pts = []
    n = len(spikes) * 2
    for i in range(n):
        r = 400 * spikes[i // 2] if i % 2 == 0 else 250
        ang = math.radians(-90 + i * 360 / n + (6 if i % 4 == 1 else 0))
        pts.append((cx + r * math.cos(ang), cy + r * math.sin(ang)))
    d.polygon(pts, fill=(240, 170, 40, 235))
    inner = [(cx + (p[0] - cx) * 0.78, cy + (p[1] - cy) * 0.78) for p in pts]
    d.polygon(inner, fill=(255, 224, 100, 255))
    burst = burst.filter(ImageFilter.GaussianBlur(3))
    out = Image.alpha_composite(out, burst)
    # the fist (knuckles to the viewer): four finger blocks, palm, forearm, thumb across
    green, dark, light = (96, 184, 52), (24, 60, 16), (160, 226, 96)
    x0, w, gap = cx - 226, 104, 12
    top = cy - 190
    lifts = (18, -10, -14, 10)
    fm, d = new_mask()
    d.rounded_rectangle((cx - 150, cy + 120, cx + 150, S), radius=40, fill=255)  # forearm
    d.rounded_rectangle((cx - 232, cy - 80, cx + 232, cy + 190), radius=70, fill=255)  # palm
    for i in range(4):
        x = x0 + i * (w + gap)
        d.rounded_rectangle((x, top + lifts[i], x + w, top + lifts[i] + 200), radius=50, fill=255)
    # cut the forearm off at the name band
    ImageDraw.Draw(fm).rectangle((0, BAND_TOP, S, S), fill=0)
    fist = outlined(fm, green, dark, 10)
    out = shadow(out, fist, offset=(12, 22), radius=22, opacity=180)
    out = Image.alpha_composite(out, fist)
    det, d = layer()
    for i in range(4):
        x = x0 + i * (w + gap)
        y = top + lifts[i]
        # separation between fingers + the curled finger joint
        if i:
            d.line((x - gap / 2, y + 60, x - gap / 2, cy + 60), fill=dark + (255,), width=10)
        d.line((x + 24, y + 150, x + w - 24, y + 150), fill=dark + (150,), width=7)
        d.rounded_rectangle((x + 22, y + 22, x + w - 38, y + 48), radius=12, fill=light + (190,))
    d.line(
        (cx - 110, cy + 190, cx - 90, BAND_TOP - 30), fill=dark + (120,), width=8
    )  # forearm muscle
    d.line((cx + 100, cy + 200, cx + 80, BAND_TOP - 20), fill=dark + (120,), width=8)
    out = Image.alpha_composite(out, det)
    # thumb folded across the front of the fingers
    tm, d = new_mask()
    d.rounded_rectangle((cx - 250, cy + 10, cx + 70, cy + 100), radius=45, fill=255)
    thumb = outlined(tm, green, dark, 10)
    out = shadow(out, thumb, offset=(0, 10), radius=10, opacity=140)
    out = Image.alpha_composite(out, thumb)
    hl, d = layer()
    d.rounded_rectangle((cx - 220, cy + 28, cx - 20, cy + 48), radius=10, fill=light + (170,))
    d.arc((cx + 10, cy + 26, cx + 60, cy + 84), 270, 90, fill=dark + (200,), width=8)  # thumbnail
    return Image.alpha_composite(out, hl)


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
    helm = outlined(hm, gold, edge, 7)
    out = shadow(out, helm, offset=(0, 20), radius=22, opacity=190)
    out = Image.alpha_composite(out, helm)
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
    det.putalpha(ImageChops.multiply(det.getchannel("A"), hm))
    return Image.alpha_composite(out, det)


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


def sym_thanos(bg: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    cx, cy = S // 2, SYMBOL_CY + 30
    gold, edge = (226, 176, 52), (104, 66, 8)
    # open hand, fingers up: four fingers, palm, thumb, cuff (one outlined silhouette)
    fingers = [(-165, -210, 250), (-58, -262, 300), (50, -252, 290), (152, -200, 240)]
    hm, d = new_mask()
    for fx, ftop, flen in fingers:
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
    hand = outlined(hm, gold, edge, 8)
    out = shadow(out, hand, offset=(0, 18), radius=22, opacity=190)
    out = Image.alpha_composite(out, hand)
    det, d = layer()
    for fx, ftop, _flen in fingers:  # finger joint plates
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
    out = Image.alpha_composite(out, det)
    gems, d = layer()
    colours = [
        (60, 130, 255),
        (230, 30, 50),
        (160, 60, 230),
        (255, 220, 40),
        (255, 140, 20),
        (40, 200, 90),
    ]
    spots = [
        (cx - 165, cy - 20),
        (cx - 58, cy - 70),
        (cx + 50, cy - 60),
        (cx + 152, cy - 10),
        (cx - 290, cy - 70),
        (cx - 5, cy + 110),
    ]
    sizes = [30, 30, 30, 30, 26, 58]
    for (x, y), col, r in zip(spots, colours, sizes, strict=True):
        circle(d, x, y, r + 9, fill=edge + (255,))
        circle(d, x, y, r, fill=col + (255,))
    out = glow(out, gems, 22, 1.4)
    out = Image.alpha_composite(out, gems)
    hl, d = layer()
    for (x, y), r in zip(spots, sizes, strict=True):
        circle(d, x - r * 0.35, y - r * 0.35, r * 0.28, fill=(255, 255, 255, 200))
    return Image.alpha_composite(out, hl)


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

"""Share-card renderer and the emblem art (pure Pillow; no database)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont, ImageStat

from heroes import cards
from heroes.cards import fonts
from heroes.migrations._more_heroes import ALL_DEFAULT_HERO_KEYS

pytestmark = pytest.mark.nodb

EMBLEMS = Path(__file__).resolve().parents[1] / "static" / "heroes" / "emblems"
HERO_KEYS = list(ALL_DEFAULT_HERO_KEYS)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def face() -> Image.Image:
    """A synthetic "face": skin-tone oval with eyes and a mouth on a grey photo."""
    img = Image.new("RGB", (480, 360), (120, 130, 140))
    d = ImageDraw.Draw(img)
    d.ellipse((170, 60, 310, 250), fill=(232, 190, 160), outline=(110, 70, 50), width=4)
    d.ellipse((200, 120, 220, 140), fill=(30, 30, 30))
    d.ellipse((260, 120, 280, 140), fill=(30, 30, 30))
    d.arc((205, 160, 275, 215), 20, 160, fill=(150, 50, 50), width=5)
    return cards.face_crop(img, (170, 60, 140, 190))


@pytest.fixture
def portrait() -> Image.Image:
    with Image.open(EMBLEMS / "iron-man.png") as im:
        return im.convert("RGBA")


def decode(png: bytes) -> Image.Image:
    assert png[:8] == PNG_SIGNATURE
    img = Image.open(io.BytesIO(png))
    img.load()
    return img


def render(face, portrait, **kw) -> bytes:
    args = {"hero_name": "아이언맨", "fallback_name": "Iron Man", "score": 0.873, "language": "ko"}
    args.update(kw)
    return cards.render_share_card(face=face, portrait=portrait, **args)


def test_card_is_a_1200x630_png_and_not_blank(face, portrait):
    img = decode(render(face, portrait))
    assert img.size == (1200, 630)
    stddev = ImageStat.Stat(img.convert("L")).stddev[0]
    assert stddev > 20, "card looks blank"
    # the face sits on the left, the portrait on the right
    left = ImageStat.Stat(img.crop((150, 150, 450, 430)).convert("RGB")).mean
    assert left[0] > 120  # skin tones, not the dark background


@pytest.mark.usefixtures("hangul_font")
def test_korean_and_english_cards_differ(face, portrait):
    ko = render(face, portrait, language="ko")
    en = render(face, portrait, language="en", hero_name="Iron Man")
    assert ko != en
    assert decode(en).size == (1200, 630)


@pytest.mark.usefixtures("hangul_font")
def test_tagline_override_changes_card(face, portrait):
    assert render(face, portrait, tagline="오늘의 히어로") != render(face, portrait)


def test_accepts_any_portrait_size_and_mode(face):
    wide = Image.new("L", (900, 300), 90)
    ImageDraw.Draw(wide).ellipse((380, 40, 520, 260), fill=200)
    img = decode(
        cards.render_share_card(
            face=face, portrait=wide, hero_name="Hulk", score=1.7, language="en"
        )
    )
    assert img.size == (1200, 630)
    tiny_face = Image.new("RGB", (7, 13), (200, 160, 140))
    img = decode(
        cards.render_share_card(
            face=tiny_face, portrait=wide, hero_name="Hulk", score=-1, language="xx"
        )
    )
    assert img.size == (1200, 630)


def _glyph_mask(font, ch: str) -> bytes:
    img = Image.new("L", (80, 80), 0)
    ImageDraw.Draw(img).text((10, 10), ch, font=font, fill=255)
    return img.tobytes()


def test_hangul_font_draws_real_glyphs(face, portrait, hangul_font):
    spec = hangul_font
    font = ImageFont.truetype(spec.path, 48, index=spec.index)
    # missing glyphs all render as the same .notdef box; real ones differ
    assert _glyph_mask(font, "아") != _glyph_mask(font, "맨")
    assert any(_glyph_mask(font, "아"))
    img = decode(render(face, portrait, hero_name="아이언맨"))
    assert img.size == (1200, 630)


def test_falls_back_to_latin_when_no_hangul_font(face, portrait, monkeypatch):
    real_find_font = cards.find_font
    dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

    def latin_only(bold=False, need_hangul=False):
        if need_hangul:
            return None
        # a machine without CJK fonts: DejaVu if present, else Pillow's default
        spec = real_find_font(bold=bold, need_hangul=False)
        if spec and "CJK" in spec.path:
            return cards.FontSpec(dejavu, 0) if Path(dejavu).is_file() else None
        return spec

    monkeypatch.setattr(fonts, "find_font", latin_only)
    fallback = render(face, portrait, hero_name="아이언맨", fallback_name="Iron Man", language="ko")
    assert decode(fallback).size == (1200, 630)
    # identical to the plain English card: English fixed texts + the fallback name
    english = render(face, portrait, hero_name="Iron Man", fallback_name=None, language="en")
    assert fallback == english
    # no fallback name: still renders (Latin-only text), no error
    assert decode(render(face, portrait, hero_name="아이언맨", fallback_name=None)).size == (
        1200,
        630,
    )
    # a Korean tagline is replaced too
    assert render(face, portrait, tagline="오늘의 히어로") == fallback


def test_falls_back_to_pillow_default_font(face, portrait, monkeypatch):
    monkeypatch.setattr(fonts, "find_font", lambda bold=False, need_hangul=False: None)
    img = decode(render(face, portrait))
    assert img.size == (1200, 630)
    assert ImageStat.Stat(img.convert("L")).stddev[0] > 20


@pytest.mark.parametrize(
    "box, expected",
    [
        ((0, 0, 50, 50), (0, 0, 85, 85)),  # top-left corner: shifted right/down to 0
        ((170, 70, 30, 30), (149, 49, 200, 100)),  # bottom-right corner: shifted back in
        ((-20, -20, 400, 400), (100, 0, 200, 100)),  # bigger than the image: shrunk to 100
        ((80, 30, 40, 40), (66, 16, 134, 84)),  # fits: centred, 40 * 1.7 = 68 px
    ],
)
def test_face_crop_clamps_to_image(box, expected):
    img = Image.new("RGB", (200, 100))
    img.putdata([(x, y, 0) for y in range(100) for x in range(200)])  # pixel = its coordinates
    crop = cards.face_crop(img, box)
    left, top, right, bottom = expected
    assert crop.size == (right - left, bottom - top)
    assert crop.getpixel((0, 0)) == (left, top, 0)
    assert crop.getpixel((crop.width - 1, crop.height - 1)) == (right - 1, bottom - 1, 0)


def test_face_crop_margin():
    img = Image.new("RGB", (1000, 1000))
    assert cards.face_crop(img, (400, 400, 100, 100), margin=0.5).size == (200, 200)
    assert cards.face_crop(img, (400, 400, 100, 100), margin=0).size == (100, 100)


def test_all_emblems_exist():
    for key in HERO_KEYS:
        path = EMBLEMS / f"{key}.png"
        assert path.is_file(), f"missing emblem {path} (run scripts/make_emblems.py)"
        assert path.stat().st_size < 80 * 1024, f"{path.name} is too big"
        assert path.read_bytes()[:8] == PNG_SIGNATURE
        with Image.open(path) as im:
            assert im.size == (512, 512)
            rgba = im.convert("RGBA")
        assert rgba.getpixel((0, 0))[3] == 0  # transparent rounded corner
        assert rgba.getpixel((256, 256))[3] == 255
        assert ImageStat.Stat(rgba.convert("L")).stddev[0] > 20


def test_emblems_are_told_apart_at_small_size():
    """At 64 px (a ranking row) no two heroes' symbol areas look alike."""
    import itertools

    import numpy as np

    small = {}
    for key in HERO_KEYS:
        with Image.open(EMBLEMS / f"{key}.png") as im:
            thumb = im.convert("RGBA").convert("RGB").resize((64, 64), Image.LANCZOS)
        small[key] = np.asarray(thumb, dtype=float)[:50]  # above the name band
    for a, b in itertools.combinations(HERO_KEYS, 2):
        assert np.abs(small[a] - small[b]).mean() > 12, (a, b)

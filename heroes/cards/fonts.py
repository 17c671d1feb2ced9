"""Fonts for the share cards.

``find_font`` prefers a Hangul-capable font (Noto Sans CJK from Debian's
``fonts-noto-cjk``, Nanum, Apple SD Gothic Neo, Malgun Gothic, or whatever
``fc-list :lang=ko`` reports), then DejaVu Sans, then Pillow's built-in
``ImageFont.load_default(size=...)``.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from PIL import ImageFont


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


def has_hangul(text: str | None) -> bool:
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


def font(size: int, bold: bool, hangul: bool):
    return _load(find_font(bold=bold, need_hangul=hangul) if hangul else find_font(bold=bold), size)


def fit_font(
    draw, text: str, max_width: int, size: int, bold: bool, hangul: bool, min_size: int = 18
):
    while True:
        candidate = font(size, bold, hangul)
        left, _top, right, _bottom = draw.textbbox((0, 0), text, font=candidate)
        if right - left <= max_width or size <= min_size:
            return candidate
        size = max(min_size, int(size * 0.92))


def latin_only(text: str) -> str:
    return " ".join("".join(ch for ch in text if ord(ch) < 0x0250).split())

"""Make the Pretendard subsets the site serves (static/fonts/).

Pretendard (SIL Open Font License 1.1) comes from the npm package
``pretendard``; only the subsets written here are committed, with the
licence. The subsets are renamed "MyLittleHero Sans" (Pretendard is a Reserved
Font Name, and a subset is a modified version). The subset holds every character of the site's own texts (the
Korean catalogue, the templates, the hero names) plus Latin, digits and
punctuation; any other character (a person's display name) falls back to
the system's Korean font.

    npm pack pretendard@1.3.9 && tar xzf pretendard-1.3.9.tgz
    python -m venv /tmp/fontvenv && /tmp/fontvenv/bin/pip install fonttools brotli
    /tmp/fontvenv/bin/python scripts/subset_fonts.py package/dist/web/static/woff2
"""

import re
import sys
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "static" / "fonts"
WEIGHTS = {"Regular": 400, "Bold": 700}
# Korean names of heroes that may join the catalogue, so their syllables are in.
EXTRA = (
    "스칼렛 위치 캡틴 마블 가모라 레스큐 마이티 토르 진 그레이 미스틱 제시카 존스 스타로드 "
    "호크아이 팔콘 울버린 베놈 블랙 위도우 아메리카 닥터 스트레인지 헐크 아이언맨 로키 스파이더맨 타노스"
)


def site_text():
    chunks = [EXTRA]
    for path in [*ROOT.glob("locale/*/LC_MESSAGES/django.po"), *ROOT.glob("templates/**/*.html")]:
        chunks.append(path.read_text(encoding="utf-8"))
    for path in ROOT.glob("heroes/migrations/_*.py"):
        chunks.append(path.read_text(encoding="utf-8"))
    chunks.append(Path(ROOT / "heroes" / "strength.py").read_text(encoding="utf-8"))
    text = "".join(chunks)
    hangul = set(re.findall(r"[\uac00-\ud7a3\u3131-\u318e]", text))
    ascii_ = {chr(c) for c in range(0x20, 0x7F)}
    punctuation = set("·…–—‘’“”«»•≈×°%№€₩→←↑↓✓✕")
    return "".join(sorted(hangul | ascii_ | punctuation))


FAMILY = "MyLittleHero Sans"


def _rename(font, style):
    """A subset is a modified version under the OFL, and "Pretendard" is a
    Reserved Font Name: the subset gets a family name of its own."""
    table = font["name"]
    for record in list(table.names):
        if record.nameID in (1, 3, 4, 6, 16, 17):
            table.removeNames(nameID=record.nameID)
    table.setName(FAMILY, 1, 3, 1, 0x409)
    table.setName(f"{FAMILY} {style}", 4, 3, 1, 0x409)
    table.setName(f"MyLittleHeroSans-{style}", 6, 3, 1, 0x409)
    table.setName(f"{FAMILY} {style}; subset of Pretendard 1.3.9", 3, 3, 1, 0x409)


def main(source_dir):
    OUT.mkdir(parents=True, exist_ok=True)
    text = site_text()
    for name in WEIGHTS:
        source = Path(source_dir) / f"Pretendard-{name}.woff2"
        options = subset.Options()
        options.flavor = "woff2"
        options.layout_features = ["kern", "liga", "calt", "tnum"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        font = subset.load_font(str(source), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=text)
        subsetter.subset(font)
        _rename(font, name)
        target = OUT / f"pretendard-{name.lower()}-subset.woff2"
        subset.save_font(font, str(target), options)
        print(
            f"{target.relative_to(ROOT)}: {target.stat().st_size / 1024:.1f} KiB, {len(text)} characters"
        )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "package/dist/web/static/woff2")

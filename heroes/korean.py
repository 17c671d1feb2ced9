"""Korean particles (조사) chosen from the last syllable of a word.

Korean writes 을/를, 은/는, 이/가, 과/와 and (이)랑 differently after a
syllable that ends in a consonant (받침) and after one that ends in a vowel.
``particle("로키", "을/를")`` gives "를"; ``with_particle`` joins them
("로키를"). A word ending in a Latin letter or a digit is read the way a
Korean speaker says it (M "엠" ends in a consonant, 7 "칠" does too, X
"엑스" does not).
"""

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3

# Letters whose Korean reading ends in a consonant: L 엘, M 엠, N 엔, R 알.
_LATIN_WITH_FINAL = set("lmnr")
# Digits read in Sino-Korean: 0 영, 1 일, 3 삼, 6 육, 7 칠, 8 팔 end in a consonant.
_DIGITS_WITH_FINAL = set("013678")

# (after a consonant, after a vowel)
PARTICLES = {
    "을/를": ("을", "를"),
    "은/는": ("은", "는"),
    "이/가": ("이", "가"),
    "과/와": ("과", "와"),
    "이랑/랑": ("이랑", "랑"),
    "아/야": ("아", "야"),
    "이에요/예요": ("이에요", "예요"),
}
# Short names: "을", "를" and "을/를" all mean the same pair.
_ALIASES = {part: pair for pair in PARTICLES for part in pair.split("/")}
_ALIASES.update({"(이)랑": "이랑/랑", "랑": "이랑/랑"})


def ends_with_consonant(word: str) -> bool | None:
    """Whether the last sounded character of ``word`` ends in a consonant;
    None when it cannot be told (no letter or digit at all)."""
    for ch in reversed(word.strip()):
        code = ord(ch)
        if _HANGUL_FIRST <= code <= _HANGUL_LAST:
            return (code - _HANGUL_FIRST) % 28 != 0
        if ch.isascii() and ch.isalpha():
            return ch.lower() in _LATIN_WITH_FINAL
        if ch.isascii() and ch.isdigit():
            return ch in _DIGITS_WITH_FINAL
        # punctuation, brackets, spaces: look further left
    return None


def particle(word: str, pair: str) -> str:
    """The form of ``pair`` ("을/를", "은/는", "이/가", ...) that follows ``word``.
    When it cannot be told, both are written, e.g. "을(를)"."""
    key = _ALIASES.get(pair, pair)
    after_consonant, after_vowel = PARTICLES[key]
    final = ends_with_consonant(word)
    if final is None:
        return f"{after_consonant}({after_vowel})"
    return after_consonant if final else after_vowel


def with_particle(word: str, pair: str) -> str:
    return f"{word}{particle(word, pair)}"

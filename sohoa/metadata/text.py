"""Text helpers shared by the field readers: normalisation, folding, Vietnamese case.

`fold` is the key every tolerant comparison uses: Tesseract `vie` drops or
swaps stacked diacritics (DESIGN.md pitfalls), so names are compared without
them and the diacritics are taken back from a vocabulary.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")
#: Dashes OCR reads for the hyphen of `Độc lập - Tự do`, `QĐ-UBND`, `Bà Rịa - Vũng Tàu`.
DASHES = "-‐‑‒–—―−"
_DASH_TABLE = str.maketrans(dict.fromkeys(DASHES, "-"))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def squash(text: str) -> str:
    """NFC, single spaces, stripped."""
    return _SPACES.sub(" ", nfc(text)).strip()


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, no diacritics, one kind of dash, single spaces ("Quyết  định" → "quyet dinh")."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return _SPACES.sub(" ", text.translate(_DASH_TABLE).lower()).strip()


def fold_letters(text: str) -> str:
    """`fold` keeping letters and digits only ("Số:" → "so")."""
    return "".join(c for c in fold(text) if c.isalnum())


def upper_vn(text: str) -> str:
    """Upper case that keeps Vietnamese letters precomposed (NFC)."""
    return nfc(nfc(text).upper())


def title_vn(text: str) -> str:
    """Title case word by word ("NGUYỄN văn AN" → "Nguyễn Văn An")."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in nfc(text).split())


def letters(text: str) -> list[str]:
    return [c for c in text if c.isalpha()]


def is_upper_text(text: str, minimum: int = 2) -> bool:
    """Mostly upper-case letters (OCR may read one small letter in a heading)."""
    found = letters(text)
    if len(found) < minimum:
        return False
    lower = sum(1 for c in found if c.islower())
    return lower == 0 or (len(found) >= 8 and lower <= 1)


def is_title_word(word: str) -> bool:
    found = letters(word)
    return bool(found) and found[0].isupper() and all(c.islower() for c in found[1:])


def has_vietnamese_marks(text: str) -> bool:
    """True when the text carries letters only Vietnamese uses (ă â đ ê ô ơ ư or tones)."""
    return any(c in "đĐ" or unicodedata.decomposition(c) != "" for c in nfc(text) if c.isalpha())


def strip_punct(word: str, chars: str = ".,;:!?\"'`()[]{}|_~*") -> str:
    return word.strip(chars)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (rapidfuzz, C speed)."""
    from rapidfuzz.distance import Levenshtein

    return int(Levenshtein.distance(a, b))


def similarity(a: str, b: str) -> float:
    """0–1 normalised similarity of two strings (1: equal)."""
    from rapidfuzz.distance import Levenshtein

    return float(Levenshtein.normalized_similarity(a, b))

"""Vietnamese syllables: what a word of running text can look like.

Vietnamese is written one syllable per word: an onset, a vowel nucleus and an
optional coda, plus a tone mark. A word that has no such shape (`Ngưyễm`,
`tỉnhh`, `cồng1`) is an OCR error for sure; one that has it may still be a
wrong tone, so the check vouches only a little for a word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from sohoa.models import OcrWord

_ONSET = "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
_VOWELS = "aăâeêioôơuưy"
_CODA = "(?:ng|nh|ch|[cmnpt])?"
_SYLLABLE = re.compile(f"^{_ONSET}[{_VOWELS}]{{1,3}}{_CODA}$")
#: Tone marks (grave, acute, hook above, tilde, dot below), removed to check the shape.
_TONES = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}
_PUNCT = ".,;:!?\"'()[]…/%-–"


def _base(syllable: str) -> str:
    """Lower case with tone marks removed but vowel shapes kept (ă â ê ô ơ ư đ)."""
    decomposed = unicodedata.normalize("NFD", syllable.lower())
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))


def tone_count(word: str) -> int:
    return sum(1 for c in unicodedata.normalize("NFD", word) if c in _TONES)


def is_syllable(word: str) -> bool:
    """A plausible Vietnamese syllable: its shape, and at most one tone mark."""
    return bool(_SYLLABLE.match(_base(word))) and tone_count(word) <= 1


_VOWEL_BASES = set("aeiouyAEIOUY")


def is_vietnamese_letter(char: str) -> bool:
    """A letter of the Vietnamese alphabet (with its marks), or a Latin one of loanwords."""
    if char in "đĐ":
        return True
    base, *marks = unicodedata.normalize("NFD", char)
    if not ("a" <= base.lower() <= "z"):
        return False  # Œ, ß, ©… are OCR's, not the document's
    return not marks or base in _VOWEL_BASES  # no tilde on an N, no cedilla on a C


def foreign_letters(text: str) -> bool:
    return any(c.isalpha() and not is_vietnamese_letter(c) for c in text)


def plausible_word(token: str) -> bool:
    """A syllable, a number, a date, an abbreviation (`UBND`, `TTHC`) or a symbol (`151/QĐ-STC`)."""
    bare = token.strip(_PUNCT)
    if not bare:
        return True
    if foreign_letters(bare):
        return False
    if any(c.isdigit() for c in bare):
        return bool(re.fullmatch(r"[\d/.\-A-ZĐa-z]+", bare))
    if bare.isupper() and len(bare) <= 8:
        return True
    return is_syllable(bare)


def text_confidence(words: Sequence[OcrWord]) -> float:
    """0–1 for a run of free text: the least sure word, a real syllable vouching a little for itself."""
    scores = []
    for word in words:
        ocr = word.confidence / 100.0
        scores.append(1 - (1 - ocr) * 0.6 if plausible_word(word.text) else ocr * 0.8)
    return min(scores, default=0.0)

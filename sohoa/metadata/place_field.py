"""The địa danh of the date line, checked against known places and the organ's own name.

The place is usually the unit the organ is named after (`SỞ TƯ PHÁP` under
`UBND TỈNH QUẢNG NAM` writes `Quảng Nam, ngày …`; `ỦY BAN NHÂN DÂN XÃ ĐÔNG ANH`
writes `Đông Anh, ngày …`): two readings of one name in two places on the
page, so their agreement is strong evidence, and the organ line can give
back the diacritics OCR dropped in the date line (or the reverse).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sohoa.metadata.organ import Organs
from sohoa.metadata.places import match_place, split_unit
from sohoa.metadata.review import combine
from sohoa.metadata.syllables import is_syllable
from sohoa.metadata.text import fold, is_title_word, squash, strip_punct, title_vn
from sohoa.models import OcrWord


@dataclass(frozen=True)
class PlaceReading:
    name: str
    score: float


def _organ_places(organs: Organs) -> list[str]:
    """Unit names in the organ lines (`TỈNH QUẢNG NAM` → `QUẢNG NAM`), upper case."""
    out = []
    for text in (organs.organ, organs.parent):
        if not text:
            continue
        words = text.split()
        for i in range(len(words)):
            unit, rest = split_unit(" ".join(words[i:]))
            if unit is not None and rest:
                out.append(rest)
                break
    return out


def read_place(words: Sequence[OcrWord], organs: Organs) -> PlaceReading | None:
    texts = [strip_punct(w.text, ".,;:") for w in words if strip_punct(w.text, ".,;:-")]
    if not texts:
        return None
    raw = squash(" ".join(texts))
    confidence = min(w.confidence for w in words) / 100.0
    in_organ = [p for p in _organ_places(organs) if fold(p) == fold(raw)]
    found = match_place(raw)
    if found is not None:
        # A known place read with its diacritics vouches for itself; one whose
        # diacritics came back from the list a little less; a fuzzy one least.
        if found.exact:
            score = combine(confidence, 0.8)
        elif found.score >= 1.0:
            score = combine(confidence, 0.6)
        else:
            score = confidence * found.score
        if in_organ or any(fold(p) == fold(found.name) for p in _organ_places(organs)):
            score = combine(score, 0.5)  # the organ line names the same place
        return PlaceReading(found.name, score)
    # Not a place we know (a small commune): believe a clean reading only.
    if not all(is_title_word(t) and is_syllable(t) for t in raw.split()):
        return _completed_from_organ(raw, organs, words[0].confidence / 100.0)
    if in_organ:
        return PlaceReading(raw, 1 - (1 - confidence * 0.9) * 0.6)
    return PlaceReading(title_vn(raw), confidence * 0.75)


def _completed_from_organ(raw: str, organs: Organs, confidence: float) -> PlaceReading | None:
    """The organ's own place when the date line's reading opens with its first syllable
    and the rest is spoiled (`Đà v, ngày …` under `UBND THÀNH PHỐ ĐÀ NẴNG`): a known
    place of the organ line, given and reviewed. `confidence`: the first word's."""
    words = raw.split()
    if not words or not (is_title_word(words[0]) and is_syllable(words[0])):
        return None
    for place in _organ_places(organs):
        found = match_place(place, fuzzy=False)
        name = found.name if found is not None else None
        if name is None or len(name.split()) < 2 or len(words) > len(name.split()):
            continue
        if words[0].casefold() == name.split()[0].casefold():
            return PlaceReading(name, confidence * 0.7)
    return None

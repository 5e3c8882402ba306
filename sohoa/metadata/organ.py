"""The organ lines of the left header block: cơ quan chủ quản and cơ quan ban hành.

Nghị định 30/2020 Phụ lục I: the parent organ (upper case, regular) over the
issuing organ (upper case, bold), each possibly over two lines. OCR loses
the boldness, so the split is made by the grammar of organ names: a name is
not complete on `ỦY BAN NHÂN DÂN` or `CÔNG AN` alone, and a line that starts
with an administrative unit (`TỈNH LÂM ĐỒNG`, `XÃ ĐÔNG ANH`) continues the
line above it, unless that line already names its own unit
(`UBND TỈNH GIA LAI` / `SỞ TÀI CHÍNH` are two organs).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sohoa.metadata.layout import Segment
from sohoa.metadata.places import UNIT_WORDS, all_places, match_place
from sohoa.metadata.text import DASHES, fold, is_upper_text, strip_punct, upper_vn
from sohoa.metadata.vocab import (
    ORGAN_PHRASES,
    POSITIONS,
    WordFix,
    fix_upper_word,
    organ_words_like,
    split_glued,
)

#: Organ names that need a unit or a field after them to be complete.
_INCOMPLETE = (
    "uy ban nhan dan", "ubnd", "hoi dong nhan dan", "hdnd", "cong an", "so", "bo", "ban",
    "cuc", "chi cuc", "phong", "van phong", "toa an nhan dan", "vien kiem sat nhan dan",
    "trung tam", "thanh tra", "kho bac nha nuoc", "bao hiem xa hoi",
)  # fmt: skip
#: Units named only by what they are under their parent organ's line.
_UNITS_OF_PARENT = frozenset({"van phong", "phong", "ban", "thanh tra", "trung tam"})
_UNITS = tuple(sorted((fold(u) for u in UNIT_WORDS), key=len, reverse=True))


@dataclass(frozen=True)
class OrganLine:
    text: str
    score: float
    """OCR confidence of the words times how sure the word fixes are."""
    raw: tuple[str, ...]
    """The words as OCR read them (punctuation stripped)."""
    confidences: tuple[float, ...]
    """OCR confidence of each word, 0–1."""
    unit_start: bool
    """Starts with an administrative unit (TỈNH, HUYỆN, XÃ…)."""
    has_unit: bool
    """Names a unit followed by a known place (UBND TỈNH GIA LAI)."""


@dataclass(frozen=True)
class Organs:
    organ: str | None
    organ_score: float
    parent: str | None
    parent_score: float


_PUNCT = ".,;:!?\"'`()[]{}|_~*„“”"
#: How much a word fix is worth, whatever Tesseract's confidence (it gives 13%
#: to a perfect `LAI CHÂU` and 93% to a wrong `TĨNH`): a word of the vocabulary
#: read as printed is good evidence; a restored one nearly as good.
_KNOWN, _RESTORED, _AMBIGUOUS = 0.96, 0.9, 0.6


def read_organ_line(segment: Segment) -> OrganLine | None:
    """Fix one upper-case header line word by word; None when it is not an organ line."""
    # A dash between two words is part of the name (`LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI`),
    # and one that ends the line says the name goes on below; one before the name is not.
    words = [
        w
        for i, w in enumerate(segment.words)
        if strip_punct(w.text, _PUNCT + "-") or (i > 0 and _is_dash(w.text))
    ]
    if not words or _is_dash(words[0].text):
        return None
    # Ink of a stamp over the organ block read as a word before the name (`TT” SỞ TƯ
    # PHÁP`): read with no confidence and no word of the vocabulary, it is not the name's.
    while (
        len(words) > 1
        and words[0].confidence < 10
        and fix_upper_word(strip_punct(words[0].text, _PUNCT)).status == "unknown"
    ):
        words = words[1:]
    texts: list[str] = []
    confidences: list[float] = []
    for word in words:
        text = strip_punct(word.text, _PUNCT)
        text = "-" if _is_dash(text) else text.lstrip("-")
        # `ĐỘNG-` at the end of a line: the word, then the dash that joins the next line.
        pieces = [text[:-1], "-"] if len(text) > 1 and _is_dash(text[-1]) else [text]
        texts += pieces
        confidences += [word.confidence / 100.0] * len(pieces)
    if not is_upper_text(" ".join(texts)):
        return None
    return read_organ_words(texts, confidences)


def _is_dash(text: str) -> bool:
    return bool(text) and all(c in DASHES for c in text)


def _unglue(texts: Sequence[str], confs: Sequence[float]) -> tuple[list[str], list[float]]:
    """Split words Tesseract glued together (`BANNHÂNDÂN`, `SƠNLA`) at vocabulary words."""
    out_t: list[str] = []
    out_c: list[float] = []
    for text, conf in zip(texts, confs, strict=True):
        pieces = split_glued(text) if fix_upper_word(text).status == "unknown" else None
        for piece in pieces or [text]:
            out_t.append(piece)
            out_c.append(conf)
    return out_t, out_c


def read_organ_words(texts: Sequence[str], confs: Sequence[float]) -> OrganLine:
    """Restore diacritics of organ words from the vocabulary and of places from the place list."""
    texts, confs = _unglue(texts, confs)
    folded = [fold(t) for t in texts]
    out: list[str] = []
    scores: list[float] = []
    i = 0
    unit_start = has_unit = False
    while i < len(texts):
        unit_len = _unit_at(folded, i)
        place = match_place(" ".join(texts[i + unit_len :])) if unit_len else None
        if unit_len and (place is not None or i == 0):
            unit_start = unit_start or i == 0
            unit = " ".join(folded[i : i + unit_len])
            out += upper_vn(next(u for u in UNIT_WORDS if fold(u) == unit)).split()
            scores.append(max(min(confs[i : i + unit_len]), _KNOWN))
            i += unit_len
            if place is not None:
                has_unit = True
                written = upper_vn(place.name)
                exact = written == upper_vn(" ".join(texts[i:]))
                scores.append(max(min(confs[i:]), _KNOWN) if exact else _RESTORED * place.score)
                out.append(written)
                i = len(texts)
            continue
        if _is_dash(texts[i]):
            out.append("-")
            scores.append(max(confs[i], _KNOWN))
            i += 1
            continue
        fix = fix_upper_word(texts[i])
        if i == 0:
            fix = _organ_head(texts[i], fix)
        if fix.status == "ambiguous":
            fix = _in_context(texts[i], out[-1] if out else None, _next_word(texts, i))
        out.append(fix.word)
        scores.append(
            {
                "known": max(confs[i], _KNOWN),
                "restored": _RESTORED,
                "ambiguous": _AMBIGUOUS,
                "unknown": confs[i] * 0.85,
            }[fix.status]
        )
        i += 1
    return OrganLine(
        " ".join(out), min(scores, default=0.0), tuple(texts), tuple(confs), unit_start, has_unit
    )


def _next_word(texts: Sequence[str], i: int) -> str | None:
    if i + 1 >= len(texts):
        return None
    return fix_upper_word(texts[i + 1]).word


@lru_cache(maxsize=1)
def _phrases() -> frozenset[str]:
    """Two-word runs of organ names, units and positions, upper case (`CÔNG AN`, `TỈNH ĐẮK`)."""
    runs = set()
    for phrase in ORGAN_PHRASES + UNIT_WORDS + POSITIONS + all_places():
        words = upper_vn(phrase).replace(",", " ").split()
        runs.update(f"{a} {b}" for a, b in itertools.pairwise(words))
    return frozenset(runs)


def _in_context(text: str, before: str | None, after: str | None) -> WordFix:
    """A word whose folded form names several (`CONG`: CÔNG, CỘNG) is the one that makes a
    run of an organ name with its neighbour (`CÔNG AN`); else it stays ambiguous."""
    fix = fix_upper_word(text)
    candidates = organ_words_like(text)
    fits = [
        c
        for c in candidates
        if (before and f"{before} {c}" in _phrases()) or (after and f"{c} {after}" in _phrases())
    ]
    if len(fits) == 1:
        return WordFix(fits[0], "known" if fits[0] == upper_vn(text) else "restored")
    return fix


@lru_cache(maxsize=1)
def _heads() -> dict[str, str]:
    """Folded first word of an organ name → as printed (`PHONG` → `PHÒNG`)."""
    table: dict[str, set[str]] = {}
    for phrase in ORGAN_PHRASES:
        head = upper_vn(phrase.split()[0])
        table.setdefault(fold(head), set()).add(head)
    return {k: next(iter(v)) for k, v in table.items() if len(v) == 1}


def _organ_head(text: str, fix: WordFix) -> WordFix:
    """An organ line starts with what an organ is (`PHÒNG`, `SỞ`, `BỘ`), never with a place
    word that folds alike (`PHONG` of `Yên Phong`): the organ word wins at the start."""
    head = _heads().get(fold(text))
    if head is None or head == fix.word:
        return fix
    return WordFix(head, "known" if upper_vn(text) == head else "restored")


def _unit_at(folded: Sequence[str], i: int) -> int:
    """Number of words of an administrative unit word starting at `i` (0: none)."""
    for unit in _UNITS:
        size = len(unit.split())
        if " ".join(folded[i : i + size]) == unit and i + size < len(folded):
            return size
    return 0


def _ends_open(line: OrganLine) -> bool:
    """The line cannot end a name: an incomplete head, or a trailing unit word, `VÀ`, `-`, `,`."""
    folded = fold(line.text)
    if folded in _INCOMPLETE or folded.endswith((" va", " -", ",")):
        return True
    # "… TỈNH" waits for its place; "… HÀ TĨNH" is a place that ends like a unit.
    return not line.has_unit and any(folded.endswith(" " + unit) for unit in _UNITS)


def _ends_with_unit(line: OrganLine) -> bool:
    folded = fold(line.text)
    return any(folded.endswith(" " + unit) for unit in _UNITS)


def _joins(upper: OrganLine, lower: OrganLine) -> OrganLine | None:
    """The two lines read as one name, when the grammar says they are one."""
    lower_key = fold(lower.text)
    # `HỘI KHUYẾN HỌC TỈNH` / `HỘI ĐỒNG …`: the unit word waits for a place, and the next line
    # starts a name of its own (an organ word, not a place): two organs, the parent first.
    new_name = lower_key.split()[0] in _heads() and not lower.unit_start
    open_end = _ends_open(upper) and not (new_name and _ends_with_unit(upper))
    continues = (
        open_end
        or lower_key.startswith(("va ", "- ", "& "))
        or (lower.unit_start and not upper.has_unit)
    )
    joined = read_organ_words(upper.raw + lower.raw, upper.confidences + lower.confidences)
    if continues:
        return joined
    # A place cut in two: "CÔNG AN TỈNH BÀ" / "RỊA - VŨNG TÀU".
    if joined.has_unit and not upper.has_unit and not lower.has_unit:
        return joined
    return None


def split_organs(lines: Sequence[OrganLine]) -> Organs:
    """Parent and issuing organ from the organ lines, top to bottom.

    The issuing organ is the last name; it takes lines from above while the
    grammar says they belong to it; what is left is the parent organ.
    """
    if not lines:
        return Organs(None, 0.0, None, 0.0)
    organ = lines[-1]
    index = len(lines) - 2
    while index >= 0:
        joined = _joins(lines[index], organ)
        if joined is None:
            break
        organ = joined
        index -= 1
    parent_lines = list(lines[: index + 1])
    organ_score = organ.score
    # A unit of the parent organ is named by what it is (`BỘ TƯ PHÁP` / `VĂN PHÒNG`).
    unit_of_parent = bool(parent_lines) and fold(organ.text) in _UNITS_OF_PARENT
    if (fold(organ.text) in _INCOMPLETE or _ends_open(organ)) and not unit_of_parent:
        organ_score *= 0.5  # "ỦY BAN NHÂN DÂN" and nothing after it: a line was lost
    if not parent_lines:
        return Organs(organ.text, organ_score, None, organ_score)
    parent = parent_lines[0]
    for line in parent_lines[1:]:
        parent = read_organ_words(parent.raw + line.raw, parent.confidences + line.confidences)
    return Organs(organ.text, organ_score, parent.text, parent.score)

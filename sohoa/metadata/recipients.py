"""The Nơi nhận list (bottom left of the last page).

Nghị định 30/2020 Phụ lục I: `Nơi nhận:` then one item per line, each after a
dash and closed by `;`, the last by `.`; the last item is always the
archive's copy, `Lưu: VT, …` (the văn thư keeps one, then the drafting unit).
An item too long for the narrow column wraps onto a line with no dash; a `;`
inside a line means OCR lost the next dash. A list that does not end with
`Lưu:` has lost lines (the seal, a fold): it is returned but marked unsure.

Items are formulaic (`Như trên`, `UBND tỉnh (b/c)`, `CT, các PCT UBND`), so a
word of the formula vouches for itself when Tesseract doubts it (it gives
`(b/c);` 30%); any other word is only as sure as Tesseract says.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sohoa.metadata.grammar import fix_symbol_part, near_symbol
from sohoa.metadata.layout import Column, Segment
from sohoa.metadata.places import UNIT_WORDS, all_places
from sohoa.metadata.review import combine
from sohoa.metadata.syllables import plausible_word
from sohoa.metadata.text import fold, similarity, squash
from sohoa.metadata.vocab import ORGAN_PHRASES, POSITIONS

_DASH = re.compile(r"^\s*(?:[-–—•+*~=]\s*)+")
#: `(b/c)` (báo cáo) as OCR reads it: `(b/©)`, `(Đ/c)`, `(bíc)`, `(b/e)`, `(hb/c)`.
_BC = re.compile(r"\(\s*(?:h?[bBđĐ6h]\s*[/|lI1íi]?|[/|])\s*[cCe©ẹ€]\s*\)")
_END = ";.,:"

#: Words of the formulas of a Nơi nhận list, as printed.
FORMULA_WORDS: tuple[str, ...] = (
    "Như", "trên", "Điều", "thành", "phần", "mời", "Lưu", "VT", "VP", "UBND", "HĐND",
    "TT", "TU", "HU", "ĐU", "GĐ", "PGĐ", "CT", "PCT", "BT", "TT", "Thứ", "trưởng", "Bộ",
    "(b/c)", "(t/h)", "(để", "b/c)", "t/h)", "(theo", "dõi)", "(thực", "hiện)", "biết)",
    "các", "Sở", "ban", "ngành", "đơn", "vị", "cơ", "quan", "liên", "quan", "trực",
    "thuộc", "Lãnh", "đạo", "Chủ", "tịch", "Giám", "đốc", "Phó", "Văn", "phòng", "Phòng",
    "Ban", "Cổng", "thông", "tin", "điện", "tử", "Website", "Trung", "tâm", "Thường",
    "trực", "Đảng", "ủy", "Tỉnh", "tỉnh", "thành", "phố", "huyện", "xã", "phường",
    "quận", "Chính", "phủ", "Thủ", "tướng", "Đoàn", "Hội", "đồng", "Công", "an", "UB",
    "MTTQ", "và", "đoàn", "thể", "địa", "phương", "Kho", "bạc", "Cục", "Thuế", "Báo",
    "Đài", "PTTH", "KT", "TH", "NC", "PC", "TC", "KH", "ĐT", "Như", "Điều", "1", "2",
    "3", "4", "5",
)  # fmt: skip


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    words: set[str] = set(FORMULA_WORDS)
    for phrase in ORGAN_PHRASES + UNIT_WORDS + all_places() + POSITIONS:
        for word in phrase.replace(",", " ").split():
            words.add(word)
            words.add(word.lower())
            words.add(word[:1].upper() + word[1:].lower())
    return frozenset(words)


@dataclass(frozen=True)
class Recipients:
    items: tuple[str, ...]
    score: float


def read_recipients(
    found: Sequence[Segment],
    label: Segment | None,
    column: Column,
    unit_codes: Sequence[str] = (),
) -> Recipients | None:
    """The items under `Nơi nhận:`; `unit_codes` are the notation's parts (for `Lưu: VT, VP`)."""
    if label is None:
        return None
    limit = column.left + 0.5 * column.width
    lines = [s for s in found if s.top > label.bottom - 2 and s.left < limit and s.right < limit]
    groups: list[list[Segment]] = []
    previous = label
    for segment in lines:
        if segment.top - previous.bottom > 1.3 * max(segment.height, previous.height):
            break
        # A new item starts with a dash; when OCR lost the dash, after a line
        # that closed its item (`;`) or with the archive's `Lưu:`.
        closed = bool(groups) and groups[-1][-1].text.rstrip().endswith((";", "."))
        starts = _DASH.match(segment.text) or fold(segment.text).startswith("luu")
        if starts or closed or not groups:
            groups.append([segment])
        else:
            groups[-1].append(segment)
        previous = segment
    items: list[tuple[str, float]] = []
    for group in groups:
        items += _items(group, unit_codes)
    items = [(text, score) for text, score in items if text]
    if not items:
        return None
    score = min(s for _, s in items)
    if not fold(items[-1][0]).startswith("luu"):
        score *= 0.4  # the archive's copy is always last: lines are missing
    return Recipients(tuple(text for text, _ in items), score)


def _items(group: Sequence[Segment], unit_codes: Sequence[str]) -> list[tuple[str, float]]:
    """One dashed line and its continuations: one item, or several if OCR lost a dash."""
    words = [w for segment in group for w in segment.words]
    while words and _DASH.sub("", words[0].text) == "":
        words = words[1:]  # the dash (or two, when a speck sits before it)
    texts = [_case(_trim(w.text)) for w in words]
    text = _BC.sub("(b/c)", _DASH.sub("", squash(" ".join(texts)), count=1))
    if fold(text).startswith("luu"):
        return [_archive_item(text, words, unit_codes)]
    out = []
    parts = re.split(r";\s+(?=\S)", text)
    for index, part in enumerate(parts):
        # Phụ lục I: every item but the last ends with `;`; an item without it
        # lost its end to the seal or to a neighbouring line.
        closed = index < len(parts) - 1 or part.rstrip().endswith((";", ",", ":"))
        part = part.rstrip(_END).strip()
        if len(part) <= 1:
            continue  # a speck after the semicolon
        formula = _formula(part)
        if formula is None:
            formula = (part, _score(part, words))
        out.append(formula if closed else (formula[0], formula[1] * 0.5))
    return out


#: Items every list is made of (Phụ lục III models).
FORMULAS: tuple[str, ...] = (
    "Như trên", "Như Điều 1", "Như Điều 2", "Như Điều 3", "Như Điều 4", "Như Điều 5",
    "Như thành phần mời", "Như Kính gửi",
)  # fmt: skip


def _formula(text: str) -> tuple[str, float] | None:
    """A standard item read with damage (`Ñhư'tiển` → `Như trên`)."""
    if text in FORMULAS:
        return None  # read as printed: scored like any other item
    key = fold(text)
    scored = sorted(((similarity(key, fold(f)), f) for f in FORMULAS), key=lambda x: -x[0])
    (best, formula), runner = scored[0], scored[1][0]
    if best >= 0.75 and best - runner >= 0.1 and key[:2] == fold(formula)[:2]:
        # Reconstructed, not read: given, but the document is reviewed.
        return formula, 0.55 + 0.2 * (best - 0.75) / 0.25
    return None


def _trim(token: str) -> str:
    """`Sở;'ˆ` → `Sở;`: specks glued after the closing punctuation."""
    return re.sub(r"([;.])[^\w()]+$", r"\1", token)


#: Letters whose capital has the lower-case shape: Tesseract mixes their case (`SỞ` for `Sở`).
_SAME_SHAPE = set("cosuvwxzơởờớợỡòóỏõọôồốổỗộùúủũụ")


def _case(token: str) -> str:
    """`SỞ` → `Sở` when only the vocabulary's case differs and the letters look alike in both cases."""
    bare = token.strip(_END + "()")
    vocabulary = _vocabulary()
    if bare in vocabulary or len(bare) < 2 or not bare.isupper():
        return token
    titled = bare[0] + bare[1:].lower()
    if titled in vocabulary and set(bare[1:].lower()) <= _SAME_SHAPE:
        return token.replace(bare, titled)
    return token


def _score(text: str, words: Sequence) -> float:
    """The least sure word: formula words vouch for themselves."""
    vocabulary = _vocabulary()
    confidence = {w.text.strip(_END): w.confidence / 100.0 for w in words}
    scores = []
    for token in text.split():
        bare = token.strip(_END)
        ocr = confidence.get(bare, min(confidence.values(), default=0.0))
        known = bare in vocabulary or bare.strip("()") in vocabulary or bare == "(b/c)"
        if known:
            scores.append(combine(ocr, 0.85))
        else:
            scores.append(ocr if plausible_word(bare) else ocr * 0.5)
    return min(scores, default=0.0)


def _archive_item(text: str, words: Sequence, unit_codes: Sequence[str]) -> tuple[str, float]:
    """`Lưu: VT, VP`: the văn thư's code, then the drafting unit's (often the notation's last part)."""
    head, _, rest = text.partition(":")
    codes = [c.strip(" .;,") for c in re.split(r"[,;\s]", rest) if c.strip(" .;,")]
    confidence = [w.confidence / 100.0 for w in words]
    # One score per printed word: "Lưu:", then the codes in order.
    scores = [combine(confidence[0] if confidence else 0.0, 0.85)]
    out: list[str] = []
    for index, code in enumerate(codes):
        ocr = confidence[index + 1] if index + 1 < len(confidence) else min(confidence, default=0.0)
        fixed, changed = fix_symbol_part(code)
        if fixed == "VT" or (index == 0 and near_symbol(fixed, "VT")):
            out.append("VT")
            scores.append(combine(ocr, 0.85 if fixed == "VT" else 0.6))
            continue
        match = next((u for u in unit_codes if u == fixed or near_symbol(u, fixed)), None)
        if match is not None:
            out.append(match)
            scores.append(combine(ocr, 0.85 if match == fixed else 0.5))
        else:
            out.append(fixed)
            scores.append(combine(ocr, 0.0 if changed else 0.5))
    if not out:
        return "", 0.0
    label = "Lưu" if fold(head.strip()) == "luu" else head.strip()
    return f"{label}: {', '.join(out)}", min(scores)

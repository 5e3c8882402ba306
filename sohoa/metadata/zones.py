"""The zones of Phụ lục I on a page: header blocks, title, signer block, Nơi nhận.

Page 1 (Nghị định 30/2020 Phụ lục I, the header table):

    ┌ left block ───────────┐   ┌ right block ─────────────────────────┐
    │ CƠ QUAN CHỦ QUẢN      │   │ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM   │
    │ CƠ QUAN BAN HÀNH      │   │ Độc lập - Tự do - Hạnh phúc          │
    │ Số: 151/QĐ-STC        │   │ Gia Lai, ngày 31 tháng 5 năm 2021    │
    │ V/v … (công văn)      │   └──────────────────────────────────────┘
    └───────────────────────┘
                     TÊN LOẠI  (centred)
                  trích yếu (centred, 1–3 lines)

Last page: Nơi nhận bottom-left, the signer block bottom-right, their first
lines on one baseline. The anchors are found by what they say (tolerant of
OCR damage), the blocks by x position relative to them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sohoa.metadata.dates import DateReading, place_words_of, read_date_line
from sohoa.metadata.layout import Column, Segment
from sohoa.metadata.places import match_place
from sohoa.metadata.text import fold_letters, similarity
from sohoa.models import OcrPage

_NATIONAL = "conghoaxahoichunghiavietnam"
_MOTTO = "doclaptudohanhphuc"
#: `Số:` as OCR reads it: S (or 5, $) then o with any mark (or 0, 6), then a colon or the number.
_NUMBER_LABEL = re.compile(r"^[S5$][oóòỏõọôốồổỗộơớờởỡợ06ôö]?\s*[:;.,]?", re.IGNORECASE)


@dataclass(frozen=True)
class Header:
    """The header of page 1, split into its two blocks."""

    left: tuple[Segment, ...]
    """Left-block segments, top to bottom (organs, number line, V/v lines)."""
    number: Segment | None
    national: Segment | None
    motto: Segment | None
    date: Segment | None
    date_reading: DateReading | None
    place_words: tuple[int, ...]
    """Indexes in `date` of the words of the địa danh (even when the date is unreadable)."""
    split_x: float
    """x separating the left block from the right block."""
    bottom: float
    """y below which the title (type name, subject) starts."""


def _is_national(segment: Segment) -> bool:
    key = fold_letters(segment.text)
    return len(key) >= 15 and similarity(key[: len(_NATIONAL) + 4], _NATIONAL) >= 0.7


def _national_start(segment: Segment) -> int | None:
    """Index of the word where `CỘNG HÒA XÃ HỘI …` starts in a segment (it may follow the parent organ)."""
    best, best_score = None, 0.75
    for i in range(len(segment.words)):
        key = fold_letters(" ".join(w.text for w in segment.words[i : i + 8]))
        score = similarity(key[: len(_NATIONAL)], _NATIONAL) if len(key) >= 15 else 0.0
        if score > best_score:
            best, best_score = i, score
    return best


def _split_at(found: Sequence[Segment], x: float, until: float) -> list[Segment]:
    """Cut segments above `until` that straddle `x` (left-block lines joined to right-block ones)."""
    out: list[Segment] = []
    for segment in found:
        if segment.top > until:
            out.append(segment)
            continue
        left = tuple(w for w in segment.words if (w.box[0] + w.box[2]) / 2 < x)
        right = tuple(w for w in segment.words if (w.box[0] + w.box[2]) / 2 >= x)
        out.extend(Segment(part) for part in (left, right) if part)
    return sorted(out, key=lambda s: (s.top, s.left))


def _known_place_prefix(tokens: Sequence[str]) -> tuple[int, ...] | None:
    """The first two or three words of `tokens` when they name a known place exactly
    (`Hà Nội`, `Thừa Thiên Huế`), with more words after them (the rest of a date line)."""
    for count in (3, 2):
        if len(tokens) > count:
            words = [t.strip(",.;:") for t in tokens[:count]]
            if all(w[:1].isupper() for w in words):
                found = match_place(" ".join(words), fuzzy=False)
                if found is not None and found.exact:
                    return tuple(range(count))
    return None


def _with_word_before(
    segment: Segment,
    reading: DateReading | None,
    place_words: tuple[int, ...],
    others: Sequence[Segment],
) -> tuple[Segment, DateReading | None, tuple[int, ...]]:
    """The date line with the place's first word OCR put on a line of its own (`Đà`
    beside `v ngày 26 tháng 7 …`): a word or two ending just left of the line, on
    its line (within most of a line height: OCR may set it a little lower), belong
    to it."""
    first = segment.words[0].box
    height = segment.height
    for other in others:
        if other is segment or len(other.words) > 2:
            continue
        gap = first[0] - other.right
        if -2 <= gap <= 1.5 * height and abs(other.middle - segment.middle) <= 0.9 * height:
            joined = Segment((*other.words, *segment.words))
            again = read_date_line(joined.tokens)
            found = again.place_words if again is not None else place_words_of(joined.tokens)
            if found and len(found) <= 6 and (again is not None or reading is None):
                return joined, again, found
    return segment, reading, place_words


def _is_motto(segment: Segment) -> bool:
    key = fold_letters(segment.text)
    return len(key) >= 10 and similarity(key[: len(_MOTTO) + 3], _MOTTO) >= 0.7


def is_number_line(segment: Segment) -> bool:
    """`Số: 151/QĐ-STC` (the label may be glued to the number, or spoiled)."""
    first = segment.words[0].text
    match = _NUMBER_LABEL.match(first)
    if not match:
        return False
    body = first[match.end() :] + "".join(w.text for w in segment.words[1:])
    if not any(c.isdigit() or c == "/" for c in body):
        return False
    label = fold_letters(first)
    return label[:2] in ("so", "s0", "s6", "5o") or first.startswith(("Số", "SỐ", "Sô"))


def _split_number_and_date(found: Sequence[Segment]) -> list[Segment]:
    """`Số: 151/QĐ-STC Gia Lai, ngày …` read as one line with no title to split by:
    the place starts at the first capitalised word after the number."""
    out: list[Segment] = []
    for segment in found:
        cut = None
        if is_number_line(segment) and read_date_line(segment.tokens) is not None:
            cut = next(
                (i for i, w in enumerate(segment.words[1:], 1) if w.text[:1].isupper() and
                 w.text.rstrip(",").isalpha()),
                None,
            )  # fmt: skip
        if cut:
            out += [Segment(segment.words[:cut]), Segment(segment.words[cut:])]
        else:
            out.append(segment)
    return out


def find_header(page: OcrPage, found: Sequence[Segment], column: Column) -> Header:
    """Locate the header blocks of page 1."""
    limit = page.height * 0.4
    top_part = [s for s in found if s.top < limit]
    for segment in top_part:
        start = _national_start(segment)
        if start is not None:
            x = segment.words[start].box[0] - segment.height / 2
            top_part = _split_at(top_part, x, segment.bottom + 4 * segment.height)
            break
    else:
        top_part = _split_number_and_date(top_part)
    national = next((s for s in top_part if _is_national(s)), None)
    motto = next((s for s in top_part if _is_motto(s)), None)
    date_segment, date_reading, place_words = None, None, ()
    right_block = [s for s in top_part if s.left >= column.left + 0.3 * column.width]
    for segment in right_block:
        # The date line is the right block's, and only the địa danh (a few words)
        # comes before `ngày`.
        reading = read_date_line(segment.tokens)
        if reading is not None and 1 <= len(reading.place_words) <= 6:
            date_segment, date_reading, place_words = segment, reading, reading.place_words
            break
    if date_segment is None:
        for segment in right_block:
            found_place = place_words_of(segment.tokens)
            if found_place:
                date_segment, place_words = segment, found_place
                break
    if date_segment is not None:
        date_segment, date_reading, place_words = _with_word_before(
            date_segment, date_reading, place_words, right_block
        )
    if date_segment is None and motto is not None:
        # `ngày` itself lost (the day and month written by hand over it): the line
        # under the motto that opens with a place we know, diacritics and all.
        for segment in right_block:
            if motto.bottom <= segment.top <= motto.bottom + 4 * motto.height:
                found_place = _known_place_prefix(segment.tokens)
                if found_place:
                    date_segment, place_words = segment, found_place
                    break
    if national is not None:
        split_x = national.left - national.height
    elif motto is not None:
        split_x = min(motto.left, column.left + 0.45 * column.width)
    elif date_segment is not None:
        split_x = date_segment.left - date_segment.height
    else:
        split_x = column.left + 0.45 * column.width
    split_x = max(split_x, column.left + 0.25 * column.width)
    anchors = [s for s in (national, motto, date_segment) if s is not None]
    header_top = min((s.top for s in anchors), default=0) - 3 * _height(anchors, found)
    left = [
        s
        for s in top_part
        if s.top >= header_top and s.centre < split_x and s.right < split_x + s.height * 3
    ]
    number = next((s for s in left if is_number_line(s)), None)
    if number is None:
        left, number = _join_label(left)
    bottom_parts = [s.bottom for s in (number, date_segment, national, motto) if s is not None]
    bottom = max(bottom_parts) if bottom_parts else page.height * 0.18
    left = [s for s in left if s.top < bottom + 8 * _height(anchors, found)]
    return Header(
        left=tuple(sorted(left, key=lambda s: s.top)),
        number=number,
        national=national,
        motto=motto,
        date=date_segment,
        date_reading=date_reading,
        place_words=place_words,
        split_x=split_x,
        bottom=bottom,
    )


def _join_label(left: list[Segment]) -> tuple[list[Segment], Segment | None]:
    """`Số:` alone, the notation `/UBND-VP` further right on its baseline: Tesseract lost the
    handwritten number between them, and the gap split the line. Join them again."""
    for label in left:
        text = label.words[0].text
        if len(label.words) != 1 or len(text) < 2 or not _NUMBER_LABEL.fullmatch(text):
            continue
        for rest in left:
            gap = rest.left - label.right
            same_line = abs(rest.middle - label.middle) < 0.6 * label.height
            if rest is not label and same_line and 0 < gap < 10 * label.height:
                joined = Segment(label.words + rest.words)
                if is_number_line(joined):
                    others = [s for s in left if s is not label and s is not rest]
                    return sorted([*others, joined], key=lambda s: s.top), joined
    return left, None


def _height(anchors: Sequence[Segment], found: Sequence[Segment]) -> float:
    pool = anchors or found
    if not pool:
        return 40.0
    heights = sorted(s.height for s in pool)
    return heights[len(heights) // 2]


def is_label(segment: Segment, label: str) -> bool:
    """The segment starts with `label` ("noinhan", "kinhgui") as OCR may spell it."""
    words = [t for t in segment.tokens if any(c.isalpha() for c in t)]  # `- — Nơi nhận:`
    key = fold_letters(" ".join(words[:3]))
    return key.startswith(label) or similarity(key[: len(label)], label) >= 0.8


def is_centred(segment: Segment, column: Column, tolerance: float = 0.06) -> bool:
    """Centred in the text column (title lines are; justified body lines start at the margin)."""
    off_centre = abs(segment.centre - column.centre) <= tolerance * column.width
    inset = 0.015 * column.width
    return (
        off_centre and segment.left > column.left + inset and segment.right < column.right - inset
    )

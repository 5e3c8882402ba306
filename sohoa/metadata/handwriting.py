"""The số and the day the văn thư writes by hand after signing, read a second time.

On most real papers the number (`Số: 572 /UBND-VP`) and the day of the date
line are handwritten. Tesseract reads the print around them well and the ink
badly, with a fair confidence: `54/` for 572. So the two lines are found by
layout (the `Số:` line and the date line of the header), read again by the
line recognizer of `sohoa.ocr.lines` (worker side, `read_field_lines`, it
needs pixels), and each field is then read alone from its own crop: between
`Số:` and the `/` of the notation, between `ngày` and `tháng`, between
`tháng` and `năm`. The parent (`number_reading`, `date_part`) believes a
value only when the line and the lone field agree digit for digit, and it is
as sure as the least sure digit: a partial reading (`5` for 5710) or a
guess gives nothing, and the field stays null for a clerk.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PIL import Image

from sohoa.metadata.dates import EARLIEST, MonthYear
from sohoa.metadata.layout import Segment, segments, text_column
from sohoa.metadata.review import combine
from sohoa.metadata.zones import find_header
from sohoa.models import EncodedImage, FieldLine, OcrPage
from sohoa.ocr.lines import LineReading

#: How much of the line height to add around a line crop (handwriting rises above it).
_PAD_ABOVE, _PAD_BELOW, _PAD_SIDE = 0.7, 0.5, 0.6
#: How far inside the characters around a field its crops start and end (× line height,
#: left and right): where a character stands is known to a few pixels, and a handwritten
#: digit leans into the `/` after it, so the field is cut three ways.
_MARGINS = ((0.2, 0.0), (0.2, 0.2), (0.4, 0.1))


# --- worker side: find the lines, read them --------------------------------------------


def read_field_lines(image: Image.Image, page: OcrPage) -> tuple[FieldLine, ...]:
    """The lines of a page read again by a line recognizer (`image` is the OCR image the
    word boxes live in): on page 1 the `Số:` line and the date line, each whole and each
    field alone; on a page with a signer block, its name line (`signer_lines`)."""
    from sohoa.metadata.signer_lines import read_signer_lines

    found = _number_and_date_lines(image, page) if page.index == 0 else ()
    return found + read_signer_lines(image, page)


def _number_and_date_lines(image: Image.Image, page: OcrPage) -> tuple[FieldLine, ...]:
    """Read by the first recognizer, and by the second too where the first did not settle
    the number and the day."""
    from sohoa.ocr.lines import recognizer, vietnamese_recognizer

    found = tuple(line for line, _ in field_crops(image, page, recognizer().read))
    if not found or _settled(found):
        return found
    other = field_crops(image, page, vietnamese_recognizer().read)
    return found + tuple(dataclasses.replace(line, reader="aster") for line, _ in other)


#: Both fields read at least this sure by the first recognizer: print, no need of another.
SETTLED = 0.95


def _settled(lines: tuple[FieldLine, ...]) -> bool:
    page = OcrPage(
        index=0, source=Path(), width=1, height=1, dpi=1, dpi_assumed=False, rotation=0,
        skew_degrees=0.0, words=(), text="", mean_confidence=0.0, image=_NO_IMAGE,
        field_lines=lines,
    )  # fmt: skip
    readings = (number_reading(page), date_part(page, "day"))
    return all(r is not None and r.confidence >= SETTLED for r in readings)


_NO_IMAGE = EncodedImage(b"", "FlateDecode", 1, 1, "L")


def field_crops(
    image: Image.Image, page: OcrPage, read: Callable[[Image.Image], LineReading]
) -> list[tuple[FieldLine, Image.Image]]:
    """Each reading with the crop it was read from (bench/bench_handwriting.py gives the
    same crops to other recognizers)."""
    found = segments(page)
    if not found:
        return []
    header = find_header(page, found, text_column(page, found))
    out: list[tuple[FieldLine, Image.Image]] = []
    for field, segment in (("number", header.number), ("date", header.date)):
        if segment is None:
            continue
        crop = image.crop(_line_box(segment, image))
        line = read(crop)
        whole = FieldLine(field, "line", line.text, line.probabilities)
        out.append((whole, crop))
        spans = _number_span(line.text) if field == "number" else _date_spans(line.text)
        for name, (before, after) in spans.items():
            in_line = _between(whole, (before, after))
            if in_line is None:
                continue  # no crop can agree with a line that read no digits there (`_agree`)
            # From just right of the character before the field to just left of the one
            # after; any of the cuts may agree with the line, and the first that agrees
            # surely settles it (the others would only add reading time).
            for left_margin, right_margin in _MARGINS:
                left = line.positions[before] * crop.width + left_margin * segment.height
                right = line.positions[after] * crop.width - right_margin * segment.height
                if right - left < 0.5 * segment.height:
                    continue
                part_image = crop.crop((int(left), 0, int(right), crop.height))
                part = read(part_image)
                alone = FieldLine(field, name, part.text, part.probabilities)
                out.append((alone, part_image))
                agreed = _agree(in_line, [alone])
                if agreed is not None and agreed.confidence >= SETTLED:
                    break
    return out


def _line_box(segment: Segment, image: Image.Image) -> tuple[int, int, int, int]:
    h = segment.height
    return (
        max(0, int(segment.left - _PAD_SIDE * h)),
        max(0, int(segment.top - _PAD_ABOVE * h)),
        min(image.width, int(segment.right + _PAD_SIDE * h)),
        min(image.height, int(segment.bottom + _PAD_BELOW * h)),
    )


# --- where the fields stand in a line reading ---------------------------------------------

#: The recognizer writes Vietnamese without marks (`So:`, `S6:`, `ngay`, `thang`, `nam`).
_NUMBER = re.compile(r"[:;]([^/:;]*)/")
_RUN = re.compile(r"[^\W\d_]+|\d+|\S")


def _number_span(text: str) -> dict[str, tuple[int, int]]:
    """Index of the characters around the number: `Số:`'s colon and the notation's `/`."""
    match = _NUMBER.search(text)
    if match is None:
        return {}
    return {"digits": (match.start(1) - 1, match.end(1))}


def _keyword_run(run: str, start: str, after_comma: bool) -> bool:
    """`ngày` (or `tháng`, `năm`) as the recognizer spells it. Without the place's comma, the
    place itself may start with `ng` (`Nghệ An`): `ngày` then must end like it (`ngay`, `ngy`)."""
    key = run.lower()
    if not key.startswith(start):
        return False
    return after_comma or start != "ng" or (key.endswith("y") and len(key) <= 5)


def _date_spans(text: str) -> dict[str, tuple[int, int]]:
    """Index of the characters around the day and the month: after the place's comma,
    the last letter of `ngày` and the first of `tháng`, the last of `tháng` and the first of `năm`."""
    comma = text.find(",")
    runs = [m for m in _RUN.finditer(text, comma + 1) if m.group().isalpha()]
    keys: list[re.Match[str]] = []
    for want in ("ng", "t", "n"):
        later = [m for m in runs if not keys or m.start() > keys[-1].end()]
        found = next((m for m in later if _keyword_run(m.group(), want, comma >= 0)), None)
        if found is None:
            return {}
        keys.append(found)
    pairs = zip(("day", "month"), itertools.pairwise(keys), strict=False)
    return {name: (before.end() - 1, after.start()) for name, (before, after) in pairs}


# --- parent side: what the readings agree on ----------------------------------------------


@dataclass(frozen=True)
class DigitsReading:
    digits: str
    confidence: float
    """The least probability of a digit, in either reading."""


def _digits_of(text: str, probabilities: Sequence[float]) -> tuple[str, tuple[float, ...]] | None:
    """The digits of a field and the probability of each (spaces between handwritten
    digits dropped, and the edge of a neighbour's `:` or `/` cut with the field); None
    when anything but digits was read there."""
    kept = [(c, p) for c, p in zip(text, probabilities, strict=True) if not c.isspace()]
    while kept and kept[0][0] in _EDGES:
        kept = kept[1:]
    while kept and kept[-1][0] in _EDGES:
        kept = kept[:-1]
    if not kept or not all(c.isdigit() for c, _ in kept):
        return None
    return "".join(c for c, _ in kept), tuple(p for _, p in kept)


_EDGES = ":;/.,|'"


def _agree(
    line: tuple[str, tuple[float, ...]] | None, alone: Sequence[FieldLine]
) -> DigitsReading | None:
    """The digits the line and a crop of the field alone both give, as sure as the least
    sure digit (each digit's probability the mean of its two readings'); the surest crop."""
    if line is None:
        return None
    found = []
    for part in alone:
        reading = _digits_of(part.text, part.probabilities)
        if reading is not None and reading[0] == line[0]:
            both = [(a + b) / 2 for a, b in zip(line[1], reading[1], strict=True)]
            found.append(DigitsReading(line[0], min(both)))
    return max(found, key=lambda r: r.confidence, default=None)


def _readings(page: OcrPage, field: str, crop: str, reader: str = "ppocr") -> list[FieldLine]:
    return [
        f for f in page.field_lines if f.field == field and f.crop == crop and f.reader == reader
    ]


def _readers(page: OcrPage) -> list[str]:
    return list(dict.fromkeys(f.reader for f in page.field_lines))


def _either(found: Sequence[DigitsReading | None]) -> DigitsReading | None:
    """What two recognizers give: a reading sure enough in one, unless the other is as sure
    of other digits (then one of them misreads, and nobody can say which)."""
    sure = [r for r in found if r is not None and r.confidence >= ACCEPT]
    if len({r.digits for r in sure}) > 1:
        return None
    pool = sure or [r for r in found if r is not None]
    return max(pool, key=lambda r: r.confidence, default=None)


def number_reading(page: OcrPage) -> DigitsReading | None:
    """The số as the line and the number read alone both give it (by either recognizer), or None."""
    return _either([_number_reading(page, reader) for reader in _readers(page)])


def _number_reading(page: OcrPage, reader: str) -> DigitsReading | None:
    lines = _readings(page, "number", "line", reader)
    if not lines:
        return None
    span = _number_span(lines[0].text).get("digits")
    return _agree(_between(lines[0], span), _readings(page, "number", "digits", reader))


def notation_reading(page: OcrPage) -> tuple[str, float] | None:
    """The ký hiệu as the recognizer read it on the `Số:` line (after the first `/`, no
    diacritics), and its least sure character's probability."""
    lines = _readings(page, "number", "line")
    if not lines or "/" not in lines[0].text:
        return None
    line = lines[0]
    start = line.text.index("/") + 1
    kept = [
        (c, p)
        for c, p in zip(line.text[start:], line.probabilities[start:], strict=True)
        if not c.isspace()
    ]
    while kept and not kept[-1][0].isalnum():
        kept = kept[:-1]
    text = "".join(c for c, _ in kept)
    if not re.fullmatch(r"[A-Za-z0-9]+(?:[-/][A-Za-z0-9]+)*", text):
        return None
    return text, min(p for _, p in kept)


def date_part(page: OcrPage, part: str) -> DigitsReading | None:
    """The day or the month ("day", "month") as the line and the part alone both give it
    (by either recognizer)."""
    return _either([_date_part(page, part, reader) for reader in _readers(page)])


def _date_part(page: OcrPage, part: str, reader: str) -> DigitsReading | None:
    lines = _readings(page, "date", "line", reader)
    if not lines:
        return None
    span = _date_spans(lines[0].text).get(part)
    return _agree(_between(lines[0], span), _readings(page, "date", part, reader))


def _between(line: FieldLine, span: tuple[int, int] | None) -> tuple[str, tuple[float, ...]] | None:
    if span is None:
        return None
    before, after = span
    return _digits_of(line.text[before + 1 : after], line.probabilities[before + 1 : after])


# --- the decision: printed reading, handwritten reading, or nothing ---------------------

#: Tesseract's own confidence above which its digits are print read whole (handwritten
#: digits come back at 10–75%, print at 85–97% on the real-dev scans).
PRINTED = 0.85
#: The least digit probability at which a handwritten reading is given (calibrated on
#: real-dev: bench/bench_handwriting.py prints the curve).
ACCEPT = 0.75


def choose_number(
    printed: str | None, score: float, ocr: float, hand: DigitsReading | None
) -> tuple[str | None, float]:
    """The số from Tesseract's reading (`printed`, its field score and its OCR confidence)
    and the recognizer's: never a mix of the two; when neither is sure, None."""
    if hand is not None and printed == hand.digits:
        return printed, combine(score, hand.confidence)
    if printed is not None and ocr >= PRINTED:
        sure_other = hand is not None and hand.confidence >= ACCEPT
        return printed, score * 0.6 if sure_other else score
    # Phụ lục I: numbers below 10 carry a leading zero, so one digit alone is a part.
    if hand is not None and hand.confidence >= ACCEPT and len(hand.digits) >= 2:
        return hand.digits, hand.confidence
    return None, 0.0


def choose_date(
    printed: tuple[date, float] | None,
    month_year: MonthYear,
    day: DigitsReading | None,
    month: DigitsReading | None,
) -> tuple[date, float] | None:
    """The issued date: Tesseract's whole reading, checked by the handwritten day; or
    the handwritten day (and month) with the printed month and year."""
    if printed is not None:
        issued, score = printed
        if day is not None and _number(day.digits) == issued.day:
            return issued, combine(score, day.confidence)
        if day is not None and day.confidence >= ACCEPT:
            return issued, score * 0.6  # the two readings disagree on the day
        return printed
    # Phụ lục I: days below 10 carry a leading zero: a handwritten day has two digits.
    if day is None or day.confidence < ACCEPT or len(day.digits) != 2:
        return None
    found_month, month_score = _month(month_year, month)
    if found_month is None or month_year.year is None or month_year.year_confidence < PRINTED:
        return None
    try:
        issued = date(month_year.year, found_month, int(day.digits))
    except ValueError:
        return None
    if issued < EARLIEST:
        return None
    return issued, min(day.confidence, month_score, month_year.year_confidence)


def _number(digits: str) -> int:
    return int(digits) if digits.isdigit() else -1


def _month(month_year: MonthYear, hand: DigitsReading | None) -> tuple[int | None, float]:
    """The month printed, or written by hand (months 1 and 2 with their leading zero)."""
    printed = month_year.month if month_year.month_confidence >= PRINTED else None
    written = None
    if hand is not None and hand.confidence >= ACCEPT:
        value = int(hand.digits)
        if 1 <= value <= 12 and (value >= 3 or len(hand.digits) == 2):
            written = value
    if printed is not None and written is not None and printed != written:
        return None, 0.0
    if printed is not None:
        return printed, month_year.month_confidence
    if written is not None and hand is not None:
        return written, hand.confidence
    return None, 0.0

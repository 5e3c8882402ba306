"""Extract the fields of a Vietnamese administrative document from its OCR words and boxes.

The recipe (Nghị định 30/2020 Phụ lục I layout, read by x/y position, not flat text):

    page 1     segments → text column → header blocks → organ lines, number line,
               date line, V/v lines → type heading and trích yếu
    last page  Nơi nhận list (bottom left) and signer block (bottom right)
    grammar    type abbreviation ↔ type name, organ initials ↔ notation,
               calendar dates, known places, Vietnamese names
    decision   per field a confidence 0–1; under NULL_BELOW the field is None
               (a clerk types it in seconds; a wrong value costs trust), under
               REVIEW_BELOW the document needs review.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sohoa.metadata.dates import read_month_year
from sohoa.metadata.grammar import (
    CONG_VAN,
    TYPE_ABBREVIATIONS,
    TYPE_NAMES,
    initials_options,
    same_symbol,
)
from sohoa.metadata.handwriting import (
    choose_date,
    choose_number,
    date_part,
    notation_reading,
    number_reading,
)
from sohoa.metadata.layout import Segment, segments, text_column
from sohoa.metadata.numbers import NumberReading, read_number
from sohoa.metadata.organ import Organs, read_organ_line, split_organs
from sohoa.metadata.place_field import read_place
from sohoa.metadata.recipients import read_recipients
from sohoa.metadata.review import (
    OPTIONAL_FIELDS,
    combine,
    null_below,
    review_below,
    unsure_fields,
)
from sohoa.metadata.signer import Signer, read_signer
from sohoa.metadata.signer_lines import name_from_lines
from sohoa.metadata.text import has_vietnamese_marks, is_upper_text
from sohoa.metadata.title import Title, prose_subject, read_title
from sohoa.metadata.zones import Header, find_header
from sohoa.models import METADATA_FIELDS, DocumentMetadata, OcrPage


@dataclass(frozen=True)
class Field:
    value: Any
    score: float
    """0–1; for a None value of an optional field, how sure it is absent (0: unknown)."""


_UNKNOWN = Field(None, 0.0)


def extract_metadata(pages: Sequence[OcrPage]) -> DocumentMetadata:
    """OCR pages → DocumentMetadata: unreadable fields None, `confidence` per field, `needs_review`."""
    fields: dict[str, Field] = {name: _UNKNOWN for name in METADATA_FIELDS}
    fields["page_amount"] = Field(len(pages), 1.0)
    if pages:
        fields.update(_first_page(pages[0]))
        notation = fields["code_notation"].value
        fields.update(_last_page(pages, notation.split("-")[1:] if notation else []))
        fields["language"] = _language(pages)
    return _decide(fields)


# --- page 1 ---------------------------------------------------------------------------


def _first_page(page: OcrPage) -> dict[str, Field]:
    found = segments(page)
    if not found:
        return {}
    column = text_column(page, found)
    header = find_header(page, found, column)
    organ_segments = _organ_segments(header)
    organs = split_organs(
        [line for line in map(read_organ_line, organ_segments) if line is not None]
    )
    if organs.parent is None and _line_lost_above(organ_segments, header):
        organs = dataclasses.replace(organs, parent_score=0.0)  # unknown, not absent
    title = read_title(found, header, column)
    number, type_field = _number_and_type(header, title, organs)
    out: dict[str, Field] = {
        "organ_name": Field(organs.organ, organs.organ_score),
        "parent_organ": Field(organs.parent, organs.parent_score),
        "type_name": type_field,
        "subject": Field(title.subject, title.subject_score),
    }
    if number is not None:
        ocr = _number_confidence(header.number)
        digits = Field(number.number, combine(ocr, number.number_evidence))
        out["code_number"] = Field(
            *choose_number(digits.value, digits.score, ocr, number_reading(page))
        )
        out["code_notation"] = _notation(page, number, ocr, title, organs)
        notation = out["code_notation"]
        inferred = type_field.value == CONG_VAN and title.type_name is None and not title.cong_van
        if inferred and notation.score >= null_below("code_notation") and _prose_under(header):
            # No heading, a notation without a type part, and sentence-case lines under the
            # number where a công văn puts its trích yếu (the `V/v` lost): Phụ lục III's
            # layout of a công văn. Given, and reviewed.
            out["type_name"] = Field(CONG_VAN, max(type_field.score, 0.6))
            if title.subject is None:
                # Its trích yếu is those lines; found by their place alone: reviewed.
                subject, score = prose_subject(header)
                out["subject"] = Field(subject, 0.8 * score)
    date = _issued_date(page, header)
    if date is not None:
        out["issued_date"] = date
    if header.date is not None and header.place_words:
        place = read_place([header.date.words[i] for i in header.place_words], organs)
        if place is not None:
            out["place"] = Field(place.name, place.score)
    return out


def _number_confidence(segment: Segment | None) -> float:
    """OCR confidence of the number: the first word after `Số:` (or the label glued to it)."""
    if segment is None:
        return 0.0
    words = segment.words[1:] or segment.words
    return words[0].confidence / 100.0


def _prose_under(header: Header) -> bool:
    """Sentence-case lines right under the number line, in the left block."""
    if header.number is None:
        return False
    under = [s for s in header.left if s.top > header.number.bottom - 2]
    if not under or under[0].top - header.number.bottom > 1.5 * header.number.height:
        return False
    return not is_upper_text(under[0].text, minimum=3) and len(under[0].words) >= 3


def _notation(
    page: OcrPage, number: NumberReading, ocr: float, title: Title, organs: Organs
) -> Field:
    """The ký hiệu as Tesseract read it, checked by the line recognizer's reading of the
    same line (no diacritics there: `SGDDT` for `SGDĐT`). Two readers that agree vouch
    for each other; where Tesseract's is lost, the recognizer's is taken when the
    grammar vouches for each part of it (the heading's type, the organ's initials)."""
    other = notation_reading(page)
    if number.notation is not None:
        score = combine(ocr, number.notation_evidence)
        if other is not None and same_symbol(other[0], number.notation.split("/")[-1]):
            score = combine(score, 0.6 * other[1])
        return Field(number.notation, score)
    if other is None:
        return _UNKNOWN
    reading = read_number(
        ["Số:", f"0/{other[0]}"],
        type_abbreviation=TYPE_NAMES.get(title.type_name or ""),
        cong_van=title.cong_van,
        organ_abbreviations=initials_options(organs.organ or ""),
        vouched_only=True,
    )
    if reading.notation is None:
        return _UNKNOWN
    return Field(reading.notation, combine(other[1] * 0.8, reading.notation_evidence))


def _issued_date(page: OcrPage, header: Header) -> Field | None:
    """The date line as Tesseract read it, its handwritten day and month read again."""
    if header.date is None:
        return None
    reading = header.date_reading
    printed = None
    if reading is not None:
        words = [header.date.words[i] for i in reading.day_words]
        # A real calendar date written by the zero-padding rule of Phụ lục I vouches a
        # little for its digits (a misread digit rarely keeps both true).
        evidence = (0.4 if reading.padded else 0.1) * (0.5 if reading.corrected else 1.0)
        printed = (reading.issued, combine(min(w.confidence for w in words) / 100.0, evidence))
    month_year = read_month_year(
        header.date.tokens, [w.confidence / 100 for w in header.date.words]
    )
    found = choose_date(printed, month_year, date_part(page, "day"), date_part(page, "month"))
    return None if found is None else Field(*found)


def _line_lost_above(organ_segments: Sequence[Segment], header: Header) -> bool:
    """The left block's first line shares the baseline of the Quốc hiệu (Phụ lục I); an
    organ line starting lower means the line above it (a parent organ?) was lost."""
    if not organ_segments or header.national is None:
        return not organ_segments
    first = organ_segments[0]
    return first.top > header.national.top + 0.8 * header.national.height


def _organ_segments(header: Header) -> list[Segment]:
    """Left-block lines above the number line (or, without one, above the header's bottom)."""
    if header.number is not None:
        limit = header.number.top - 0.3 * header.number.height
        return [s for s in header.left if s.bottom <= limit + 2 and s is not header.number]
    # No number line (a handwritten number the OCR lost with its label): the organ block is
    # the run of upper-case lines at the top of the left block, line after line.
    lines: list[Segment] = []
    for segment in header.left:
        if not is_upper_text(segment.text, minimum=3):
            if lines:
                break
            continue
        if lines and segment.top - lines[-1].bottom > 1.0 * lines[-1].height:
            break
        lines.append(segment)
    return lines


def _number_and_type(
    header: Header, title: Title, organs: Organs
) -> tuple[NumberReading | None, Field]:
    """Read the number line and the type name together: each checks the other."""
    expected = TYPE_NAMES.get(title.type_name or "")
    options = initials_options(organs.organ or "")
    number = None
    if header.number is not None:
        tokens = header.number.tokens
        number = read_number(
            tokens, type_abbreviation=expected, cong_van=title.cong_van, organ_abbreviations=options
        )
        if title.type_name is None and not title.cong_van and number.notation is None:
            # No heading, no V/v: a notation without a type part is a công văn's.
            number = read_number(
                tokens, type_abbreviation=None, cong_van=True, organ_abbreviations=options
            )
            if number.notation is not None:
                return number, Field(CONG_VAN, 0.55 * number.notation_evidence)
    if title.cong_van:
        score = title.type_score
        if number is not None and number.notation is not None:
            first = number.notation.split("-")[0].split("/")[-1]
            if first in TYPE_ABBREVIATIONS:
                score *= 0.6  # a công văn's notation has no type part
            else:
                score = combine(score, 0.5)  # and this one has none: they agree
        return number, Field(CONG_VAN, score)
    if title.type_name is None:
        if number is not None and number.type_abbreviation and number.notation:
            name = TYPE_ABBREVIATIONS[number.type_abbreviation]
            return number, Field(name, 0.6 * number.notation_evidence)
        return number, _UNKNOWN
    score = title.type_score
    if number is not None and number.notation is not None:
        score = 1 - (1 - score) * 0.5  # the notation's type part agrees
    elif number is not None and number.disagrees:
        score *= 0.6  # the notation says another type: one of them is misread
    return number, Field(title.type_name, score)


# --- last page ------------------------------------------------------------------------


def _last_page(pages: Sequence[OcrPage], unit_codes: Sequence[str]) -> dict[str, Field]:
    """Signer block and Nơi nhận, on the last page that has them; before a Phụ lục (a letter
    of one page and an appendix of five) on the last page that has `Nơi nhận:`."""
    last = list(reversed(pages[-2:]))
    earlier = list(reversed(pages[:-2]))
    for page in last + earlier:
        found = segments(page)
        if not found:
            continue
        column = text_column(page, found)
        signer = read_signer(found, column)
        reread = name_from_lines(page)
        if signer is None or (signer.label is None and signer.full_name is None and not reread):
            continue
        if any(page is p for p in earlier) and signer.label is None:
            continue
        out = _signer_fields(signer)
        out["signer_full_name"] = _full_name(out["signer_full_name"], reread)
        recipients = read_recipients(found, signer.label, column, unit_codes)
        if recipients is not None:
            out["recipients"] = Field(recipients.items, recipients.score)
        return out
    return {}


def _full_name(read: Field, reread: tuple[str, float] | None) -> Field:
    """Tesseract's reading of the name, or the Vietnamese recognizer's of the name line
    (`signer_lines`) where Tesseract read no name at all; two readings that differ are two
    guesses (an unsure one stays unsure), and agreeing ones vouch for each other."""
    if reread is None:
        return read
    if read.value is None:
        return Field(*reread)
    if read.value == reread[0]:
        return Field(read.value, combine(read.score, reread[1]))
    return Field(read.value, min(read.score, review_below("signer_full_name") - 0.01))


def _signer_fields(signer: Signer) -> dict[str, Field]:
    return {
        "signer_authority": Field(signer.authority, signer.authority_score),
        "signer_position": Field(signer.position, signer.position_score),
        "signer_full_name": Field(signer.full_name, signer.name_score),
    }


def _language(pages: Sequence[OcrPage]) -> Field:
    words = [w.text for page in pages[:2] for w in page.words if w.text.isalpha()]
    if len(words) < 5:
        return _UNKNOWN
    marked = sum(1 for w in words if has_vietnamese_marks(w))
    share = marked / len(words)
    return Field("vi", 1.0) if share >= 0.2 else _UNKNOWN


# --- decision -------------------------------------------------------------------------


def _decide(fields: dict[str, Field]) -> DocumentMetadata:
    values: dict[str, Any] = {}
    confidence: dict[str, float] = {}
    for name in METADATA_FIELDS:
        field = fields[name]
        score = max(0.0, min(1.0, field.score))
        value = field.value
        if value is not None and score < null_below(name):
            value, score = None, 0.0  # a guess is not a reading
        if value is None and name not in OPTIONAL_FIELDS:
            score = 0.0
        values[name] = value
        if score > 0:
            confidence[name] = round(score, 3)
    if values["code_notation"] is None and values["code_number"] is not None:
        # Số and ký hiệu are one field of Phụ lục VI: a number without its notation is a
        # part of it, and a part is not given (issue 10).
        values["code_number"] = None
        confidence.pop("code_number", None)
    # The Nơi nhận list is kept as read; on real papers it is half stamps and pen, and a
    # list given but unsure does not alone send a document to a clerk (`sohoa review`
    # lists it); a list not given does.
    unsure = set(unsure_fields(values, confidence))
    if values["recipients"] is not None:
        unsure.discard("recipients")
    needs_review = bool(unsure)
    return DocumentMetadata(**values, confidence=confidence, needs_review=needs_review)

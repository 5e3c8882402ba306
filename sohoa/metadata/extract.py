"""Extract the fields of a Vietnamese administrative document from its OCR text.

Reads the number line (`Số: 151/QĐ-STC`), the place and date line
(`Gia Lai, ngày 31 tháng 5 năm 2021`), the type heading and subject, the
issuing organ and the signer block. A field that cannot be read is None.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from sohoa.metadata.grammar import (
    AUTHORITY_PREFIXES,
    CONG_VAN,
    TYPE_ABBREVIATIONS,
    fold,
    nfc,
    type_name_from_heading,
)
from sohoa.models import DocumentMetadata, OcrPage

# "Số:" as OCR reads it: S + o with any diacritic (or 6/0), optional colon.
_NUMBER_RE = re.compile(
    r"\bS[ốốôoóò0ö6]\s*[:;.]?\s*(?P<number>[0-9OoIl]{1,6})\s*/\s*(?P<notation>[0-9A-Za-zĐđƠơƯư/\-–.]+)"
)
_DATE_RE = re.compile(
    r"(?P<place>[^\n,;:]{2,40}?)\s*,\s*ng[àaá]y\s+(?P<day>\d{1,2})\s+th[áa]ng\s+(?P<month>\d{1,2})"
    r"\s+n[ăaâ]m\s+(?P<year>\d{4})",
    re.IGNORECASE,
)
_VV_RE = re.compile(r"^\s*V/v[:.]?\s*(?P<subject>.+)$", re.MULTILINE)
_NAME_RE = re.compile(r"^[A-ZĐÀ-Ỹ][a-zà-ỹđ]+(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){1,4}$")


def _digits(text: str) -> str:
    return text.translate(str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1"}))


def _is_upper_line(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def _lines(page: OcrPage) -> list[str]:
    return [nfc(line.strip()) for line in page.text.splitlines() if line.strip()]


def extract_metadata(pages: Sequence[OcrPage]) -> DocumentMetadata:
    """OCR pages → DocumentMetadata (fields not found are None, needs_review set)."""
    if not pages:
        return DocumentMetadata(page_amount=0, needs_review=True)
    first = pages[0]
    text = nfc(first.text)
    lines = _lines(first)
    fields: dict[str, object] = {"page_amount": len(pages), "language": "vi"}
    confidence: dict[str, float] = {}

    number_match = _NUMBER_RE.search(text)
    number_line_index = None
    if number_match:
        fields["code_number"] = _digits(number_match.group("number"))
        fields["code_notation"] = number_match.group("notation").rstrip(".-–")
        confidence["code_number"] = confidence["code_notation"] = 0.8
        number_line_index = next(
            (
                i
                for i, line in enumerate(lines)
                if number_match.group("number") in line and "/" in line
            ),
            None,
        )

    date_match = _DATE_RE.search(text)
    if date_match:
        try:
            fields["issued_date"] = date(
                int(date_match.group("year")),
                int(date_match.group("month")),
                int(date_match.group("day")),
            )
            confidence["issued_date"] = 0.9
        except ValueError:
            pass
        place = date_match.group("place").strip(" .-")
        place = place.split("\n")[-1].strip()
        if place and len(place) <= 30:
            fields["place"] = place
            confidence["place"] = 0.7

    # Type heading: the first upper-case line naming a document type.
    type_index = None
    for i, line in enumerate(lines):
        name = type_name_from_heading(line)
        if name:
            fields["type_name"] = name
            confidence["type_name"] = 0.9
            type_index = i
            break
    if type_index is not None:
        subject_lines = []
        for line in lines[type_index + 1 : type_index + 4]:
            if line.startswith(
                ("Căn cứ", "Kính gửi", "Theo", "Điều", "I.", "1.")
            ) or _is_upper_line(line):
                break
            subject_lines.append(line)
        if subject_lines:
            fields["subject"] = " ".join(subject_lines)
            confidence["subject"] = 0.6
    else:
        vv = _VV_RE.search(text)
        if vv:
            fields["type_name"] = CONG_VAN
            fields["subject"] = vv.group("subject").strip()
            confidence["type_name"] = confidence["subject"] = 0.6

    # Issuing organ: the upper-case line just above the number line.
    if number_line_index is not None:
        above = [
            ln
            for ln in lines[max(0, number_line_index - 3) : number_line_index]
            if _is_upper_line(ln)
        ]
        if above:
            fields["organ_name"] = above[-1]
            confidence["organ_name"] = 0.6
            if len(above) >= 2:
                fields["parent_organ"] = above[-2]

    _extract_signer(_lines(pages[-1]), fields, confidence)
    _check_notation(fields)
    needs_review = any(fields.get(k) is None for k in ("code_number", "issued_date", "type_name"))
    return DocumentMetadata(**fields, confidence=confidence, needs_review=needs_review)  # type: ignore[arg-type]


def _extract_signer(
    lines: list[str], fields: dict[str, object], confidence: dict[str, float]
) -> None:
    """Signer block: the last name-like line, and the upper-case lines above it."""
    for i in range(len(lines) - 1, max(-1, len(lines) - 12), -1):
        candidate = lines[i]
        if _NAME_RE.match(candidate):
            fields["signer_full_name"] = candidate
            confidence["signer_full_name"] = 0.6
            positions = []
            for line in reversed(lines[max(0, i - 4) : i]):
                if _is_upper_line(line):
                    positions.insert(0, line)
                elif positions:
                    break
            if positions:
                first = positions[0]
                for prefix in AUTHORITY_PREFIXES:
                    if first.startswith(prefix):
                        fields["signer_authority"] = prefix
                        break
                fields["signer_position"] = (
                    positions[-1]
                    if len(positions) > 1
                    else first.removeprefix(str(fields.get("signer_authority") or "")).strip()
                )
                confidence["signer_position"] = 0.5
            return


def _check_notation(fields: dict[str, object]) -> None:
    """The type abbreviation in the notation must agree with the type name."""
    notation = fields.get("code_notation")
    type_name = fields.get("type_name")
    if not isinstance(notation, str) or not isinstance(type_name, str):
        return
    abbr = notation.split("-")[0]
    expected = TYPE_ABBREVIATIONS.get(abbr)
    if expected and fold(expected) != fold(type_name):
        fields["type_name"] = None

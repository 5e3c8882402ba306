"""The number line: `Số: 151/QĐ-STC` → CodeNumber `151`, CodeNotation `QĐ-STC`.

Nghị định 30/2020 Điều 8 and Phụ lục III: the number is digits (below 10 with a
leading zero), then `/`, then the notation: the type abbreviation and the
issuing organ's abbreviation joined by `-` (a công văn has no type part:
`05/BNV-VP`; a legal normative document puts the year first:
`12/2021/QĐ-UBND`). So digits belong to the number and letters to the
notation: `O`/`0`, `S`/`5` are put right by where they stand, the type part
must agree with the type name, and the organ part with the organ's initials.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sohoa.metadata.dates import to_digits
from sohoa.metadata.grammar import abbreviations_like, fix_symbol_part, near_symbol, same_symbol
from sohoa.metadata.text import DASHES, nfc

_LABEL = re.compile(r"^[S5$][^\s\d/]{0,2}[:;.,]?")
_YEAR = re.compile(r"^(19|20)\d\d$")


@dataclass(frozen=True)
class NumberReading:
    number: str | None
    number_evidence: float
    """0–1: how much the grammar vouches for the number (combined with OCR confidence)."""
    notation: str | None
    notation_evidence: float
    type_abbreviation: str | None
    """The type part as read (None for a công văn or when unreadable)."""
    disagrees: bool = False
    """The type part names another type than the heading: one of them is misread."""


def compact_number(tokens: Sequence[str]) -> str:
    """The text after `Số:`, spaces removed, dashes unified (`151 / QĐ–STC` → `151/QĐ-STC`)."""
    first = nfc(tokens[0]) if tokens else ""
    match = _LABEL.match(first)
    rest = first[match.end() :] if match else first
    text = rest + "".join(nfc(t) for t in tokens[1:])
    for dash in DASHES:
        text = text.replace(dash, "-")
    # Tesseract doubles a stroked D now and then (Đ + Ð).
    text = re.sub("[ĐÐ]{2,}", "Đ", text)
    return text.strip(".,;:-'\"")


def read_number(
    tokens: Sequence[str],
    *,
    type_abbreviation: str | None,
    cong_van: bool,
    organ_abbreviations: Sequence[str] = (),
    vouched_only: bool = False,
) -> NumberReading:
    """Read number and notation; `type_abbreviation` is what the heading says the type part must be.

    `vouched_only`: the text comes from a reader without diacritics (`SGDDT`), so a part
    is taken only as the grammar gives it back (the organ's initials `SGDĐT`), and a
    further part with a D in it (Đ or D?) is not taken at all."""
    text = compact_number(tokens)
    if "/" in text:
        number_raw, notation_raw = text.split("/", 1)
        slash = True
    else:
        number_raw, notation_raw = _split_without_slash(text, type_abbreviation)
        slash = False
    number, number_evidence = _read_digits(number_raw)
    if not slash:
        number_evidence = 0.0  # where the number ends is a guess
    notation, notation_evidence, abbr, disagrees = _read_notation(
        notation_raw, type_abbreviation, cong_van, organ_abbreviations, vouched_only
    )
    return NumberReading(number, number_evidence, notation, notation_evidence, abbr, disagrees)


def _split_without_slash(text: str, type_abbreviation: str | None) -> tuple[str, str]:
    """`151QĐ-STC` or `15UOĐ-STC`: the slash was lost or read as a letter."""
    if type_abbreviation:
        # The notation starts where a text of the type part's shape starts, before a dash.
        size = len(type_abbreviation)
        for start in range(len(text) - size, -1, -1):
            candidate = text[start : start + size]
            follows = text[start + size : start + size + 1]
            if same_symbol(candidate, type_abbreviation) and follows == "-":
                return text[:start], text[start:]
    match = re.match(r"^([0-9OoIl|]+)(.*)$", text)
    return (match.group(1), match.group(2)) if match else ("", text)


def _read_digits(raw: str) -> tuple[str | None, float]:
    found = to_digits(raw)
    if found is None:
        return None, 0.0
    digits, corrected = found
    if not 1 <= len(digits) <= 6 or int(digits) == 0:
        return None, 0.0
    evidence = 0.3 if corrected else 0.6
    # Phụ lục I: numbers below 10 are written 01–09; a lone digit may be a lost one.
    if len(digits) == 1:
        evidence = 0.0
    return digits, evidence


def _read_notation(
    raw: str,
    type_abbreviation: str | None,
    cong_van: bool,
    organ_abbreviations: Sequence[str],
    vouched_only: bool = False,
) -> tuple[str | None, float, str | None, bool]:
    """(notation, evidence, type part, disagrees with the heading).

    The evidence is the least any part gets: the type part is vouched for by
    the heading, the organ part by the organ's initials; further parts (the
    drafting unit: `VP`, `PC06`) by nothing but the OCR.
    """
    parts = raw.split("/")
    year = None
    if len(parts) >= 2:
        found = to_digits(parts[0])
        if found and _YEAR.match(found[0]):
            year = found[0]
            parts = parts[1:]
    pieces = [p for p in "/".join(parts).split("-") if p]
    if not pieces or not all(re.search(r"[^\W_]", p) for p in pieces):
        return None, 0.0, None, False
    evidence: list[float] = []
    out: list[str] = []
    abbr = None
    if not cong_van:
        first = pieces.pop(0)
        options = abbreviations_like(first)
        if type_abbreviation and type_abbreviation in options:
            abbr = type_abbreviation
            evidence.append(0.8 if first == abbr else 0.65)  # the heading says so too
        elif type_abbreviation and near_symbol(first, type_abbreviation):
            abbr = type_abbreviation
            evidence.append(0.5)
        elif type_abbreviation and options:
            return None, 0.0, options[0], True
        elif type_abbreviation:
            # No type part at all (`519/SNV-TCCC` on a Tờ trình): the notation is the
            # organ's and its unit's alone, as a công văn's; the heading gives the type.
            pieces.insert(0, first)
            evidence.append(0.5)
        elif options and (first == options[0] or len(options) == 1):
            abbr = options[0]
            evidence.append(0.3 if first == abbr else 0.15)
        else:
            return None, 0.0, None, False
        if abbr is not None:
            out.append(abbr)
    if not pieces:
        return None, 0.0, abbr, False
    for i, part in enumerate(pieces):
        fixed, changed = fix_symbol_part(part)
        if not re.fullmatch(r"[A-ZĐ][A-ZĐa-z0-9]*", fixed):
            return None, 0.0, abbr, False
        if i == 0:
            fixed, part_evidence = _organ_part(fixed, changed, organ_abbreviations)
            if vouched_only and part_evidence < 0.65:
                return None, 0.0, abbr, False
        else:
            part_evidence = 0.0 if changed else 0.3
            if vouched_only and "D" in fixed.upper():
                return None, 0.0, abbr, False
        evidence.append(part_evidence)
        out.append(fixed)
    notation = "-".join(out)
    if year:
        notation = f"{year}/{notation}"
    return notation, min(evidence), abbr, False


def _organ_part(part: str, changed: bool, options: Sequence[str]) -> tuple[str, float]:
    """The organ part checked against the organ's initials (`5TC`, `SIC` → `STC`)."""
    for option in options:
        if option == part:
            return part, 0.8
    for option in options:
        if same_symbol(option, part):
            return option, 0.65
    for option in options:
        # One letter misread or one read twice (`CATT`), never one added: `ĐHTĐ` is a
        # real code of its own, not `TĐHTĐ` (Trường Đại học Tây Đô) with a lost `T`.
        fits = len(part) in (len(option), len(option) + 1)
        if len(option) >= 3 and fits and near_symbol(option, part):
            return option, 0.4
    return part, 0.0 if changed else 0.2

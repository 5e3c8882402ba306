"""Rows of a register file, each with the line number a person sees: CSV or Excel (.xlsx).

CSV from the one-stop system or from Excel comes as UTF-8 (with or without the
BOM Excel writes), UTF-16 (Excel's "Unicode Text"), or the Vietnamese Windows
code page 1258, whose tones are combining marks: text is made NFC later
(`values.text`). The separator is found in the first lines (`,` `;` tab `|`).
A record quoted over several lines is numbered by the line it starts on.

Workbooks are read with openpyxl in read-only mode (rows streamed, formulas as
their cached values); the sheet read is the first whose opening rows hold a
heading row (`columns.find_columns`). Row numbers are the sheet's own.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from sohoa.errors import UsageError
from sohoa.progress.columns import HEADING_ROWS, Columns, find_columns

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_SAMPLE = 64 * 1024


@dataclass
class Sheet:
    """An opened register file: its columns, and its data rows after the heading row."""

    path: Path
    name: str | None
    """The worksheet read (workbooks only)."""
    columns: Columns
    rows: Iterator[tuple[int, Sequence[Any]]]
    """(line or row number, cells) of every row after the heading."""
    close: Any = None

    def __enter__(self) -> Sheet:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.close is not None:
            self.close()


def open_sheet(
    path: Path, configured: Sequence[tuple[str, str]], sheet: str | None = None
) -> Sheet:
    """Open a CSV or .xlsx register; UsageError for a missing, unreadable or unknown file."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _open_workbook(path, configured, sheet)
    if suffix == ".xls":
        raise UsageError(
            f"{path}: the old Excel format (.xls) is not read",
            hint="save it as .xlsx (Excel Workbook) or .csv (CSV UTF-8) and import that",
        )
    if sheet is not None:
        raise UsageError("--sheet is for Excel workbooks, not CSV files")
    return _open_csv(path, configured)


# --- CSV -------------------------------------------------------------------------------------


def _encoding(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut at the sample's end
            return "cp1258"
    return "utf-8-sig"


def _open_csv(path: Path, configured: Sequence[tuple[str, str]]) -> Sheet:
    try:
        with path.open("rb") as raw:
            head = raw.read(_SAMPLE)
        encoding = _encoding(head)
        handle = path.open(encoding=encoding, newline="")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        sample = handle.read(_SAMPLE)
        handle.seek(0)
        reader = csv.reader(handle, delimiter=_delimiter(sample))
        numbered = _numbered(reader)
        opening = list(islice(numbered, HEADING_ROWS))
    except (UnicodeDecodeError, csv.Error) as exc:
        handle.close()
        raise UsageError(f"{path}: not a readable CSV file ({exc})") from None
    columns = find_columns([cells for _, cells in opening], configured, str(path))
    after = opening[columns.heading_row + 1 :]
    return Sheet(path, None, columns, _chain(after, numbered, path), handle.close)


def _delimiter(sample: str) -> str:
    """The separator that splits the opening lines into the most rows of one width (> 1).

    csv.Sniffer guesses from character frequencies and is thrown by the commas of
    Vietnamese text in quoted fields; counting whole parsed rows is not.
    """
    lines = sample.splitlines()[:HEADING_ROWS]
    best, score = ",", (0, 0)
    for candidate in ",;\t|":
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=candidate) if any(r)]
        except csv.Error:
            continue
        common = max(set(widths), key=widths.count) if widths else 1
        if common > 1 and (widths.count(common), common) > score:
            best, score = candidate, (widths.count(common), common)
    return best


def _numbered(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Rows with the line each starts on (a quoted field may span lines)."""
    start = 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


def _chain(
    first: list[tuple[int, Sequence[Any]]], rest: Iterator[tuple[int, Sequence[Any]]], path: Path
) -> Iterator[tuple[int, Sequence[Any]]]:
    yield from first
    try:
        yield from rest
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UsageError(f"{path}: the file stops being readable CSV ({exc})") from None


# --- Excel -----------------------------------------------------------------------------------


def _open_workbook(path: Path, configured: Sequence[tuple[str, str]], wanted: str | None) -> Sheet:
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UsageError(f"{path}: not a readable Excel workbook (.xlsx): {exc}") from None
    names = book.sheetnames
    if wanted is not None and wanted not in names:
        book.close()
        raise UsageError(f"{path}: no sheet {wanted!r} (sheets: {', '.join(names)})")
    problem: UsageError | None = None
    for name in [wanted] if wanted else names:
        rows = enumerate(book[name].iter_rows(values_only=True), start=1)
        opening = list(islice(rows, HEADING_ROWS))
        try:
            columns = find_columns([cells for _, cells in opening], configured, f"{path} [{name}]")
        except UsageError as exc:
            problem = problem or exc
            continue
        after = opening[columns.heading_row + 1 :]
        return Sheet(path, name, columns, _chain(after, rows, path), book.close)
    book.close()
    assert problem is not None
    raise problem

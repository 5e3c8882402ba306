"""`sohoa register import`: the list of TTHC results, the denominator of every rate.

Each row of the export becomes one register entry keyed by its mã hồ sơ. A row
that cannot be one (no code, a code that is not one, an impossible date, a
code given twice in the file, a received date after the resolved date, a
result resolved in the future) is reported with its line number and the reason,
and every other row is imported. Importing the same file again changes nothing;
a later export updates the entries whose values changed and adds the new ones.
Entries missing from a later file are kept: an export is often one period.

Rows are streamed into a temporary table and merged with a few set-based
statements in one write transaction, so a million rows import in seconds and
a failure leaves the register as it was. The import is logged in the audit
trail (`register-import`, with the file's SHA-256 and the counts).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sohoa.archive.dossiers import check_code
from sohoa.archive.fsutil import sha256_file
from sohoa.archive.store import Archive
from sohoa.config import REGISTER_FIELDS, Settings
from sohoa.errors import UsageError
from sohoa.progress.schema import DIGITIZED_AT, VALID_THROUGH
from sohoa.progress.sheets import Sheet, open_sheet
from sohoa.progress.values import iso_date, parse_flag, repeated_text, text
from sohoa.vntime import now

DATE_FIELDS = ("received_date", "resolved_date", "valid_until")
#: Human names of the fields, for reasons a clerk reads.
LABELS = {
    "code": "mã hồ sơ",
    "received_date": "ngày tiếp nhận",
    "resolved_date": "ngày giải quyết",
    "valid_until": "hiệu lực đến",
    "still_valid": "còn hiệu lực",
}
_BATCH = 20_000
_DATA = REGISTER_FIELDS  # the columns compared on re-import
_COLUMNS = (*REGISTER_FIELDS, "line")


@dataclass(frozen=True)
class BadRow:
    line: int
    code: str | None
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "code": self.code, "reason": self.reason}


@dataclass
class ImportResult:
    file: str
    sheet: str | None
    columns: dict[str, Any]
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    bad: list[BadRow] = field(default_factory=list)
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def imported(self) -> int:
        return self.inserted + self.updated + self.unchanged

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "columns": self.columns,
            "rows": self.rows,
            "imported": self.imported,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "bad": len(self.bad),
            "dry_run": self.dry_run,
            "seconds": round(self.seconds, 3),
        }


class RowParser:
    """Turns the cells of one data row into a register tuple (`_COLUMNS` order), a BadRow,
    or None for an empty row. Reasons name a column by its heading in the file."""

    def __init__(self, positions: dict[str, int], headings: dict[str, str], today: date) -> None:
        self.width = max(positions.values()) + 1
        # A field the file lacks reads the None padded after the last column.
        (
            self.code, self.procedure_code, self.procedure_name, self.field, self.department,
            self.received, self.resolved, self.until, self.flag, self.applicant,
            self.applicant_id,
        ) = (positions.get(name, self.width) for name in REGISTER_FIELDS)  # fmt: skip
        self.label = {**LABELS, **headings}
        self.today = today.isoformat()

    def __call__(self, line: int, cells: Sequence[Any]) -> tuple[Any, ...] | BadRow | None:
        # One call per row of a million: fields are read by position, values that repeat
        # (dates, phòng, lĩnh vực, Có/Không) are parsed once each (lru caches in values.py).
        cells = [*cells, *([None] * (self.width + 1 - len(cells)))]
        code = text(cells[self.code])
        if code is None:
            if not any(c is not None and str(c).strip() for c in cells):
                return None
            return BadRow(line, None, "no mã hồ sơ")
        try:
            code = check_code(code)
        except UsageError:
            return BadRow(line, code, f"{code!r} is not a mã hồ sơ (letters, digits and . - _ /)")
        try:
            received = iso_date(cells[self.received])
            resolved = iso_date(cells[self.resolved])
            until = iso_date(cells[self.until])
            flag = parse_flag(cells[self.flag])
        except ValueError:
            return self._bad_value(line, code, cells)
        if resolved and resolved > self.today:
            return BadRow(line, code, f"{self.label['resolved_date']} {resolved} is in the future")
        if received and resolved and received > resolved:
            return BadRow(
                line,
                code,
                f"{self.label['received_date']} {received} is after "
                f"{self.label['resolved_date']} {resolved}",
            )
        return (
            code,
            repeated_text(cells[self.procedure_code]),
            repeated_text(cells[self.procedure_name]),
            repeated_text(cells[self.field]),
            repeated_text(cells[self.department]),
            received,
            resolved,
            until,
            None if flag is None else int(flag),
            repeated_text(cells[self.applicant]),
            text(cells[self.applicant_id]),
            line,
        )

    def _bad_value(self, line: int, code: str, cells: list[Any]) -> BadRow:
        """The first date or flag of the row that cannot be read, named by its heading."""
        for name, position, read in (
            ("received_date", self.received, iso_date),
            ("resolved_date", self.resolved, iso_date),
            ("valid_until", self.until, iso_date),
            ("still_valid", self.flag, parse_flag),
        ):
            try:
                read(cells[position])
            except ValueError as exc:
                return BadRow(line, code, f"{self.label[name]} {exc}")
        raise AssertionError("a value failed once and not again")  # pragma: no cover


def _parsed(sheet: Sheet, today: date, result: ImportResult) -> Iterator[tuple[Any, ...]]:
    parse = RowParser(sheet.columns.positions, sheet.columns.headings, today)
    for line, cells in sheet.rows:
        row = parse(line, cells)
        if row is None:
            continue
        result.rows += 1
        if isinstance(row, BadRow):
            result.bad.append(row)
        else:
            yield row


def import_register(
    archive: Archive,
    path: Path,
    settings: Settings,
    *,
    dry_run: bool = False,
    sheet: str | None = None,
    today: date | None = None,
) -> ImportResult:
    """Import (or with `dry_run` only check) a register file into the archive's index."""
    started = time.monotonic()
    today = today or now().date()
    db = archive.db
    with open_sheet(path, settings.register.columns, sheet) as opened:
        result = ImportResult(
            file=str(path), sheet=opened.name, columns=opened.columns.to_json(), dry_run=dry_run
        )
        db.execute("DROP TABLE IF EXISTS temp.incoming")
        db.execute(f"CREATE TEMP TABLE incoming ({', '.join(_COLUMNS)}, seq INTEGER PRIMARY KEY)")
        try:
            if dry_run:
                _load(db, opened, today, result)
                _count(db, result)
            else:
                with archive.transaction():
                    _load(db, opened, today, result)
                    _count(db, result)
                    _merge(db, str(path.name))
                    archive.log(
                        "register-import",
                        None,
                        {
                            "file": str(path),
                            "sha256": sha256_file(path),
                            **{k: v for k, v in result.to_json().items() if k != "columns"},
                        },
                    )
        finally:
            db.execute("DROP TABLE IF EXISTS temp.incoming")
    result.bad.sort(key=lambda b: b.line)
    result.seconds = time.monotonic() - started
    return result


def _load(db: sqlite3.Connection, opened: Sheet, today: date, result: ImportResult) -> None:
    """Stream the good rows into temp.incoming; a code given twice keeps its first line."""
    insert = f"INSERT INTO temp.incoming ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
    batch: list[tuple[Any, ...]] = []
    for row in _parsed(opened, today, result):
        batch.append(row)
        if len(batch) >= _BATCH:
            db.executemany(insert, batch)
            batch.clear()
    db.executemany(insert, batch)
    db.execute("CREATE INDEX temp.incoming_code ON incoming (code, seq)")
    repeats = db.execute(
        "WITH firsts AS (SELECT code, min(seq) AS seq FROM temp.incoming"
        "                GROUP BY code HAVING count(*) > 1)"
        " SELECT i.line, i.code, f.line FROM firsts"
        " JOIN temp.incoming i ON i.code = firsts.code AND i.seq > firsts.seq"
        " JOIN temp.incoming f ON f.seq = firsts.seq ORDER BY i.seq"
    ).fetchall()
    for line, code, first in repeats:
        result.bad.append(BadRow(line, code, f"mã hồ sơ {code} is already on line {first}"))
    if repeats:
        db.execute(
            "DELETE FROM temp.incoming WHERE seq NOT IN"
            " (SELECT min(seq) FROM temp.incoming GROUP BY code)"
        )


_CHANGED = " OR ".join(f"r.{name} IS NOT i.{name}" for name in _DATA if name != "code")


def _count(db: sqlite3.Connection, result: ImportResult) -> None:
    incoming, inserted, updated = db.execute(
        "SELECT count(*), sum(r.code IS NULL),"
        f" sum(r.code IS NOT NULL AND ({_CHANGED}))"
        " FROM temp.incoming i LEFT JOIN register r ON r.code = i.code"
    ).fetchone()
    result.inserted, result.updated = inserted or 0, updated or 0
    result.unchanged = (incoming or 0) - result.inserted - result.updated


def _merge(db: sqlite3.Connection, source: str) -> None:
    """Insert new entries (with when they were digitized, if they already were) and update
    the changed ones; unchanged entries are not touched."""
    stamp = now().isoformat()
    names = ", ".join(_DATA)
    updates = ", ".join(f"{name} = excluded.{name}" for name in (*_DATA, "line", "source"))
    changed = " OR ".join(
        f"register.{name} IS NOT excluded.{name}" for name in _DATA if name != "code"
    )
    db.execute(
        f"INSERT INTO register ({names}, line, source, imported_at, updated_at, valid_through,"
        " digitized_at)"
        f" SELECT {', '.join(f'i.{n}' for n in _DATA)}, i.line, ?, ?, ?,"
        f" {VALID_THROUGH.format(p='i.')}, {DIGITIZED_AT.format(code='i.code')}"
        " FROM temp.incoming i WHERE true"
        f" ON CONFLICT (code) DO UPDATE SET {updates}, updated_at = excluded.updated_at,"
        f" valid_through = excluded.valid_through WHERE {changed}",
        (source, stamp, stamp),
    )

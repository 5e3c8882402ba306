"""`sohoa progress gaps`: what stands between the office and 100 %.

Three kinds, each a list a clerk can work through:

- `no-scan`: a register entry with no document linked to its dossier — find
  the paper, scan it, link it (`ingest --dossier CODE`, `dossier link`);
- `not-verified`: a register entry whose linked documents all carry a bad
  signature verdict (changed after signing, no longer trusted) — re-scan or
  repair (`archive repair`), then `archive check`;
- `not-in-register`: an archived document linked to no register entry — link
  it to its dossier, or it is outside the register (an internal paper).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Gap:
    kind: str
    code: str | None
    document_id: str | None
    department: str | None
    what: str | None
    """The procedure (an entry) or the type and số/ký hiệu (a document)."""
    date: str | None
    """Resolved (an entry) or archived (a document)."""
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "code": self.code,
            "document_id": self.document_id,
            "department": self.department,
            "what": self.what,
            "date": self.date,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class GapCounts:
    entries_without_scan: int
    entries_not_verified: int
    documents_not_in_register: int

    def to_json(self) -> dict[str, Any]:
        return {
            "no-scan": self.entries_without_scan,
            "not-verified": self.entries_not_verified,
            "not-in-register": self.documents_not_in_register,
        }


_LINKED = "EXISTS (SELECT 1 FROM document_dossiers l WHERE l.dossier_code = r.code)"
_UNREGISTERED = (
    "NOT EXISTS (SELECT 1 FROM document_dossiers l JOIN register r ON r.code = l.dossier_code"
    " WHERE l.document_id = d.id)"
)


def _department(department: str | None) -> tuple[str, list[Any]]:
    return ("AND r.department = ?", [department]) if department else ("", [])


def counts(db: sqlite3.Connection, department: str | None = None) -> GapCounts:
    where, args = _department(department)
    without, unverified = db.execute(
        f"SELECT sum(NOT {_LINKED}), sum({_LINKED}) FROM register r"
        f" WHERE r.digitized_at IS NULL {where}",
        args,
    ).fetchone()
    loose = 0
    if not department:
        loose = db.execute(f"SELECT count(*) FROM documents d WHERE {_UNREGISTERED}").fetchone()[0]
    return GapCounts(without or 0, unverified or 0, loose)


def entries(
    db: sqlite3.Connection, *, department: str | None = None, limit: int | None = None
) -> Iterator[Gap]:
    """Register entries not digitized, by department, date resolved and code."""
    where, args = _department(department)
    rows = db.execute(
        "SELECT r.code, r.department, r.procedure_name, r.resolved_date FROM register r"
        f" WHERE r.digitized_at IS NULL {where}"
        " ORDER BY r.department, r.resolved_date, r.code" + (" LIMIT ?" if limit else ""),
        [*args, *([limit] if limit else [])],
    )
    for code, dept, procedure, resolved in rows.fetchall():
        linked = db.execute(
            "SELECT l.document_id, c.status, c.message, c.checked_at"
            " FROM document_dossiers l LEFT JOIN signature_checks c"
            " ON c.document_id = l.document_id WHERE l.dossier_code = ? ORDER BY l.document_id",
            (code,),
        ).fetchall()
        if not linked:
            yield Gap("no-scan", code, None, dept, procedure, resolved, "no document linked")
            continue
        reasons = "; ".join(
            f"{doc}: signature {status or 'never verified'}"
            + (f" ({message}, checked {checked})" if message else "")
            for doc, status, message, checked in linked
        )
        yield Gap("not-verified", code, linked[0][0], dept, procedure, resolved, reasons)


def documents(db: sqlite3.Connection, *, limit: int | None = None) -> Iterator[Gap]:
    """Archived documents linked to no register entry, in the order they were archived."""
    rows = db.execute(
        "SELECT d.id, d.type_name, d.code_number, d.code_notation, d.ingested_at,"
        " (SELECT group_concat(dossier_code, ', ') FROM document_dossiers"
        "  WHERE document_id = d.id) AS dossiers"
        f" FROM documents d WHERE {_UNREGISTERED} ORDER BY d.ingested_at, d.id"
        + (" LIMIT ?" if limit else ""),
        [limit] if limit else [],
    )
    for doc, type_name, number, notation, archived, dossiers in rows.fetchall():
        code = f"{number}/{notation}" if number and notation else notation
        what = " ".join(x for x in (type_name, code and f"số {code}") if x) or None
        detail = (
            f"linked to {dossiers}, which the register does not list"
            if dossiers
            else "linked to no dossier"
        )
        yield Gap("not-in-register", None, doc, None, what, archived, detail)

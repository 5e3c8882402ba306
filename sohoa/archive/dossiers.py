"""Dossiers (hồ sơ): the fields of Thông tư 05/2025, links to documents, and look-ups.

A scan belongs to the dossier of the citizen's request. Its mã hồ sơ comes, in
this order, from `ingest --dossier CODE`, from a QR code printed on the page
by the provincial one-stop system (Thông tư 01/2023/TT-VPCP), or from the
file or folder name when it matches `dossier_pattern`. A clerk can link and
unlink by hand; every change goes to the index, the sidecars (both copies:
the index is rebuilt from them) and the audit trail.

`lookup` answers the counter's question: what does the office already hold
for this dossier or this applicant, so that it is not asked for again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sohoa.archive import search
from sohoa.archive.sidecar import read_sidecar
from sohoa.archive.store import Archive
from sohoa.errors import UsageError
from sohoa.vntime import now

#: A mã hồ sơ given on the command line: letters, digits and . - _ / (no spaces).
_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-_/]{0,79}$")
#: Số định danh cá nhân (12 digits, the CCCD number) or an old CMND (9 digits).
_CITIZEN = re.compile(r"^(?:\d{9}|\d{12})$")

#: Our dossier fields → the names of Nghị định 30/2020 Phụ lục VI (thông tin hồ sơ)
#: and Thông tư 05/2025/TT-BNV.
FIELDS: dict[str, str] = {
    "code": "FileCode",  # Mã hồ sơ
    "title": "Title",  # Tiêu đề hồ sơ
    "maintenance": "Maintenance",  # Thời hạn bảo quản
    "rights": "Rights",  # Chế độ sử dụng
    "language": "Language",  # Ngôn ngữ
    "start_date": "StartDate",  # Thời gian bắt đầu
    "end_date": "EndDate",  # Thời gian kết thúc
    "creator": "Creator",  # Người lập hồ sơ
    "applicant_id": "ApplicantIdentifier",  # Số định danh của người nộp hồ sơ
    "applicant_name": "ApplicantName",  # Họ và tên người nộp hồ sơ
    "keywords": "Keyword",  # Từ khóa
    "description": "Description",  # Ghi chú
    "reliability": "Reliability",  # Mức độ tin cậy: "Số hóa"
}
EDITABLE = tuple(k for k in FIELDS if k != "code")


def check_code(code: str) -> str:
    """A mã hồ sơ as given by a person: NFC, stripped; UsageError when it cannot be one."""
    code = unicodedata.normalize("NFC", code).strip()
    if not _CODE.match(code):
        raise UsageError(
            f"{code!r} is not a mã hồ sơ",
            hint="letters, digits and . - _ / only, e.g. 000.00.17.H34-230512-0003",
        )
    return code


def check_citizen(number: str) -> str:
    number = number.strip()
    if not _CITIZEN.match(number):
        raise UsageError(
            f"{number!r} is not a số định danh cá nhân",
            hint="12 digits (the CCCD number), or the 9 digits of an old CMND",
        )
    return number


def find_code(pattern: str, text: str) -> str | None:
    """The first mã hồ sơ in `text` by `dossier_pattern` (group `code`, else the whole match)."""
    match = re.search(pattern, unicodedata.normalize("NFC", text))
    if match is None:
        return None
    return match.group("code") if "code" in match.re.groupindex else match.group()


def code_for(
    option: str | None, page_codes: Sequence[str], source: Path, pattern: str
) -> tuple[str, str] | None:
    """(mã hồ sơ, origin) of a document, or None: the option, a QR code, then the name.

    `page_codes` are the texts of the codes read on the document's pages, in page
    order; a QR whose text carries no mã hồ sơ (a link to something else) is
    skipped. The name is the file's or folder's own, then its parent folder's.
    """
    if option:
        return check_code(option), "option"
    for text in page_codes:
        found = find_code(pattern, text)
        if found:
            return found, "qr"
    for name in (source.name, source.parent.name):
        found = find_code(pattern, name) if name else None
        if found:
            return found, "name"
    return None


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dossier:
    fields: dict[str, Any]
    documents: tuple[search.Hit, ...]

    def to_json(self) -> dict[str, Any]:
        pages = sum(h.pages for h in self.documents)
        dates = sorted(
            str(h.metadata["issued_date"]) for h in self.documents if h.metadata.get("issued_date")
        )
        fields = dict(self.fields)
        fields["start_date"] = fields.get("start_date") or (dates[0] if dates else None)
        fields["end_date"] = fields.get("end_date") or (dates[-1] if dates else None)
        return {
            **fields,
            "phu_luc_vi": {FIELDS[k]: fields.get(k) for k in FIELDS},
            "doc_total": len(self.documents),
            "page_total": pages,
            "documents": [h.to_json() for h in self.documents],
        }


def get(archive: Archive, code: str) -> Dossier:
    row = archive.db.execute("SELECT * FROM dossiers WHERE code = ?", (code,)).fetchone()
    if row is None:
        raise UsageError(f"no dossier {code!r} in {archive.root}")
    fields = {k: row[k] for k in FIELDS}
    hits = search.listing(archive.db, archive.root, search.Filters(dossier=code), sort="date")
    return Dossier(fields, tuple(hits))


def all_codes(archive: Archive) -> list[dict[str, Any]]:
    rows = archive.db.execute(
        "SELECT d.code, d.title, d.applicant_name, count(l.document_id) AS documents"
        " FROM dossiers d LEFT JOIN document_dossiers l ON l.dossier_code = d.code"
        " GROUP BY d.code ORDER BY d.code"
    ).fetchall()
    return [dict(r) for r in rows]


def by_citizen(archive: Archive, number: str) -> list[Dossier]:
    """Every dossier of an applicant, with its documents (`sohoa lookup --citizen`)."""
    number = check_citizen(number)
    codes = [
        r[0]
        for r in archive.db.execute(
            "SELECT code FROM dossiers WHERE applicant_id = ? ORDER BY code", (number,)
        )
    ]
    return [get(archive, code) for code in codes]


def log_lookup(
    archive: Archive, dossier: str | None, citizen: str | None, found: Sequence[Dossier]
) -> None:
    """Record a look-up at the counter in the audit trail: who asked for whose papers, and
    whether the office held them (`sohoa progress` counts these hits as papers not asked
    for again, Phụ lục item 9)."""
    archive.log(
        "lookup",
        None,
        {
            "dossier": check_code(dossier) if dossier else None,
            "citizen": citizen.strip() if citizen else None,
            "dossiers": [d.fields["code"] for d in found],
            "documents": sum(len(d.documents) for d in found),
        },
    )


# --- changing --------------------------------------------------------------------------------


def update(archive: Archive, code: str, values: Mapping[str, Any]) -> None:
    """Create the dossier if needed and set the fields given (inside or outside a transaction)."""
    code = check_code(code)
    changes = {k: v for k, v in values.items() if v is not None}
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise UsageError(f"unknown dossier field(s): {', '.join(sorted(unknown))}")
    for key in ("start_date", "end_date"):
        if key in changes:
            try:
                changes[key] = date.fromisoformat(str(changes[key])).isoformat()
            except ValueError:
                raise UsageError(f"{key} {changes[key]!r} is not a date (YYYY-MM-DD)") from None
    if "applicant_id" in changes:
        changes["applicant_id"] = check_citizen(str(changes["applicant_id"]))
    changes = {
        k: unicodedata.normalize("NFC", v) if isinstance(v, str) else v for k, v in changes.items()
    }
    stamp = now().isoformat()
    with archive.transaction() as db:
        created = db.execute(
            "INSERT OR IGNORE INTO dossiers (code, created_at, updated_at) VALUES (?,?,?)",
            (code, stamp, stamp),
        ).rowcount
        if changes:
            assignments = ", ".join(f"{k} = ?" for k in changes)
            db.execute(
                f"UPDATE dossiers SET {assignments}, updated_at = ? WHERE code = ?",
                (*changes.values(), stamp, code),
            )
        if created or changes:
            archive.log("dossier", None, {"code": code, "created": bool(created), "set": changes})


def link(
    archive: Archive, code: str, document_ids: Iterable[str], *, origin: str = "clerk"
) -> list[str]:
    """Link documents to a dossier (created if new). Returns the ids newly linked."""
    return _change_links(archive, check_code(code), document_ids, add=True, origin=origin)


def unlink(archive: Archive, code: str, document_ids: Iterable[str]) -> list[str]:
    """Remove documents from a dossier. Returns the ids that were linked."""
    return _change_links(archive, check_code(code), document_ids, add=False, origin="clerk")


def _change_links(
    archive: Archive, code: str, document_ids: Iterable[str], *, add: bool, origin: str
) -> list[str]:
    records = [archive.get(i) for i in document_ids]
    changed: list[str] = []
    stamp = now().isoformat()
    with archive.transaction() as db:
        if add:
            db.execute(
                "INSERT OR IGNORE INTO dossiers (code, created_at, updated_at) VALUES (?,?,?)",
                (code, stamp, stamp),
            )
        for record in records:
            if add:
                done = db.execute(
                    "INSERT OR IGNORE INTO document_dossiers (document_id, dossier_code, origin,"
                    " linked_at) VALUES (?,?,?,?)",
                    (record.document_id, code, origin, stamp),
                ).rowcount
            else:
                done = db.execute(
                    "DELETE FROM document_dossiers WHERE document_id = ? AND dossier_code = ?",
                    (record.document_id, code),
                ).rowcount
            if not done:
                continue
            changed.append(record.document_id)
            codes = search.dossiers_of(db, record.document_id)
            sidecar = read_sidecar(record.pdf.parent)
            archive.write_sidecar(record.document_id, sidecar.replace(dossiers=tuple(codes)))
            search.reindex(db, archive.root, record.document_id)
            archive.log(
                "link" if add else "unlink",
                record.document_id,
                {"dossier": code, "origin": origin},
            )
    return changed

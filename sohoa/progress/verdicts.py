"""Recording what `sohoa archive check` found about each signature (`schema.py` says why).

Called by the check under the index's write lock, with the findings it kept
(each confirmed there): a document whose signed PDF failed verification, was
changed since it was written or is missing from the primary copy gets a bad
verdict; every other document whose signature was judged gets a good one. The
triggers of `schema.py` carry the change to the register's `digitized_at`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from sohoa.vntime import now

#: Findings about the signed file itself, and the verdict status they give.
_BAD = {"signature": "invalid", "changed": "changed", "missing": "missing"}


def record_check(db: sqlite3.Connection, judged: Iterable[str], findings: Iterable[Any]) -> int:
    """Record the verdict of every judged document (inside the check's write transaction).

    `findings`: the check's confirmed findings (`fixity.Finding`). Returns how many were bad.
    """
    bad: dict[str, Any] = {}
    for finding in findings:
        if (
            finding.kind in _BAD
            and finding.document_id
            and finding.copy in (None, "primary")
            and finding.path in (None, "document.pdf")
        ):
            bad.setdefault(finding.document_id, finding)
    stamp = now().isoformat()
    rows = []
    for document_id in judged:
        finding = bad.get(document_id)
        status = _BAD[finding.kind] if finding else "valid"
        message = finding.message if finding else "verified by sohoa archive check"
        rows.append((int(finding is None), status, message, stamp, document_id))
    db.executemany(
        "INSERT INTO signature_checks"
        " (document_id, pdf_sha256, ok, status, message, checked_at, source)"
        " SELECT id, pdf_sha256, ?1, ?2, ?3, ?4, 'check' FROM documents WHERE id = ?5"
        " ON CONFLICT (document_id) DO UPDATE SET pdf_sha256 = excluded.pdf_sha256,"
        " ok = excluded.ok, status = excluded.status, message = excluded.message,"
        " checked_at = excluded.checked_at, source = excluded.source",
        rows,
    )
    return len(bad)

"""Read-only look-ups in an archive for `sohoa verify`: nothing created, nothing migrated.

An auditor may point the verifier at an archive on a read-only medium, or at a
folder that only looks like one: reading must never write (no folders, no WAL
files, no schema migration). SQLite opens the index with `mode=ro`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sohoa.archive.layout import INDEX, is_archive
from sohoa.errors import ArchiveError, UsageError


@dataclass(frozen=True)
class ArchivedPdf:
    """What the index knows of one signed PDF."""

    document_id: str
    pdf: Path
    pdf_sha256: str
    pages: int
    metadata: dict[str, Any]


class ArchiveView:
    """A sohoa archive opened read-only."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).absolute()
        if not is_archive(self.root):
            raise UsageError(
                f"{self.root}: not a sohoa archive (no {INDEX} and objects/)",
                hint="give the folder that `sohoa ingest --archive` wrote",
            )
        try:
            self._db = sqlite3.connect(f"{(self.root / INDEX).as_uri()}?mode=ro", uri=True)
            self._db.row_factory = sqlite3.Row
            self._db.execute("SELECT 1 FROM documents LIMIT 1").fetchall()
        except sqlite3.Error as exc:
            raise ArchiveError(f"{self.root / INDEX}: index is unreadable: {exc}") from None

    def _row(self, row: sqlite3.Row) -> ArchivedPdf:
        try:
            metadata = json.loads(row["metadata"] or "{}")
        except ValueError:
            metadata = {}
        return ArchivedPdf(
            document_id=row["id"],
            pdf=self.root / row["pdf_path"],
            pdf_sha256=row["pdf_sha256"],
            pages=row["pages"],
            metadata=metadata,
        )

    def pdfs(self) -> Iterator[ArchivedPdf]:
        """Every signed PDF of the archive, in ingest order."""
        for row in self._db.execute("SELECT * FROM documents ORDER BY ingested_at, id"):
            yield self._row(row)

    def find_pdf(self, sha256: str) -> ArchivedPdf | None:
        """The record whose signed PDF has this SHA-256 (the fixity hash), if any."""
        row = self._db.execute(
            "SELECT * FROM documents WHERE pdf_sha256 = ? LIMIT 1", (sha256,)
        ).fetchone()
        return self._row(row) if row is not None else None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ArchiveView:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

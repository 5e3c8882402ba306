"""The archive directory: originals, signed PDFs, OCR text, sidecars and the index.

Layout:
    ARCHIVE/
      index.sqlite                  the index (rebuildable from the sidecars)
      objects/ab/abcdef0123456789/  one folder per document, named by its id
        original/<file or folder>   the input exactly as received
        document.pdf                signed PDF/A-2b
        text.txt                    the OCR text (NFC), pages separated by form feed
        metadata.json               sidecar: everything the index row holds
      quarantine/                   refused inputs, each with a .reason.txt
      identity/                     the demo signing identity (when no real one is configured)
      tmp/                          staging; emptied of leftovers on open

A document is staged complete in tmp/ and moved into objects/ with one
directory rename, then indexed: a crash leaves either no object or a whole one.
The document id is the first 16 hex digits of the input's SHA-256, so the same
input always maps to the same object (duplicates are found even when a crash
came between the rename and the index row).
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
import sqlite3
import unicodedata
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sohoa.archive import index
from sohoa.archive.fsutil import atomic_copy, atomic_write, fsync_dir, sha256_file
from sohoa.errors import ArchiveError
from sohoa.models import ArchiveRecord, DocumentMetadata, OcrPage, ScannedDocument, SignedPdf
from sohoa.vntime import now

ID_LENGTH = 16


def document_id_for(sha256: str) -> str:
    return sha256[:ID_LENGTH]


def _nfc_name(name: str) -> str:
    # File names are NFC everywhere (macOS shares deliver NFD names).
    return unicodedata.normalize("NFC", name)


class Archive:
    """An archive directory and its index."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).absolute()
        try:
            for sub in ("objects", "quarantine", "tmp", "identity"):
                (self.root / sub).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveError(
                f"{self.root}: cannot create the archive: {exc.strerror or exc}"
            ) from None
        if not os.access(self.root, os.W_OK):
            raise ArchiveError(f"{self.root}: archive is not writable")
        try:
            self.db = index.connect(self.root / "index.sqlite")
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(
                f"{self.root / 'index.sqlite'}: index is unreadable: {exc}"
            ) from None
        self._clear_staging()

    # --- paths ---------------------------------------------------------------------

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    def object_dir(self, document_id: str) -> Path:
        return self.root / "objects" / document_id[:2] / document_id

    def staging_dir(self, document_id: str) -> Path:
        path = self.tmp / f"{document_id}.staging"
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        return path

    def _clear_staging(self) -> None:
        # Leftovers of a crashed run: staging folders were never under a real
        # name, so removing them loses nothing (the input is still waiting).
        for entry in self.tmp.iterdir():
            if entry.name.endswith(".staging") and entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            elif entry.is_file() and entry.suffix == ".part":
                entry.unlink(missing_ok=True)

    # --- lookups -------------------------------------------------------------------

    def find(self, sha256: str) -> ArchiveRecord | None:
        """The record for an input with this hash, repairing the index after a crash."""
        row = self.db.execute("SELECT * FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        if row is not None:
            return self._record(row)
        sidecar = self.object_dir(document_id_for(sha256)) / "metadata.json"
        if sidecar.is_file():
            data = json.loads(sidecar.read_text(encoding="utf-8"))
            if data.get("sha256") == sha256:
                self._insert(data)
                return self.get(data["document_id"])
        return None

    def get(self, document_id: str) -> ArchiveRecord:
        row = self.db.execute(
            "SELECT * FROM documents WHERE id = ? OR id LIKE ? ORDER BY id LIMIT 2",
            (document_id, f"{document_id}%"),
        ).fetchall()
        if not row:
            raise ArchiveError(f"no document {document_id!r} in {self.root}")
        if len(row) > 1 and row[0]["id"] != document_id:
            raise ArchiveError(f"document id {document_id!r} is ambiguous: give more digits")
        return self._record(row[0])

    def records(self) -> Iterator[ArchiveRecord]:
        for row in self.db.execute("SELECT * FROM documents ORDER BY ingested_at, id"):
            yield self._record(row)

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM documents").fetchone()[0])

    def _record(self, row: sqlite3.Row) -> ArchiveRecord:
        return ArchiveRecord(
            document_id=row["id"],
            source=Path(row["source"]),
            sha256=row["sha256"],
            pdf=self.root / row["pdf_path"],
            text_path=self.root / row["text_path"],
            original=self.root / row["original_path"],
            pages=row["pages"],
            metadata=DocumentMetadata.from_json(json.loads(row["metadata"])),
            signature_level=row["signature_level"],
            ingested_at=datetime.fromisoformat(row["ingested_at"]),
            mean_confidence=row["mean_confidence"],
            pages_needing_review=tuple(json.loads(row["review_pages"])),
            needs_review=bool(row["needs_review"]),
        )

    # --- writing -------------------------------------------------------------------

    def store(
        self,
        document: ScannedDocument,
        pages: Sequence[OcrPage],
        metadata: DocumentMetadata,
        signed: SignedPdf,
        *,
        review_confidence: float,
        extra: dict[str, Any] | None = None,
    ) -> ArchiveRecord:
        """Move a signed document into the archive and index it (atomic)."""
        document_id = document_id_for(document.sha256)
        final_dir = self.object_dir(document_id)
        if final_dir.exists():
            existing = self.find(document.sha256)
            if existing is not None:
                return existing
            shutil.rmtree(final_dir)  # an object with no valid sidecar is debris
        stage = self.staging_dir(document_id)
        original_dir = stage / "original"
        original_dir.mkdir()
        if document.source.is_dir():
            target_root = original_dir / _nfc_name(document.source.name)
            for file in document.files:
                atomic_copy(file, target_root / _nfc_name(file.name))
            original_rel = f"original/{_nfc_name(document.source.name)}"
        else:
            atomic_copy(document.source, original_dir / _nfc_name(document.source.name))
            original_rel = f"original/{_nfc_name(document.source.name)}"
        shutil.copyfile(signed.path, stage / "document.pdf")
        text = "\f".join(page.text for page in pages)
        (stage / "text.txt").write_text(text + "\n", encoding="utf-8")
        mean_conf = sum(p.mean_confidence for p in pages) / len(pages) if pages else 0.0
        review_pages = [p.index + 1 for p in pages if p.mean_confidence < review_confidence]
        ingested_at = now()
        rel = final_dir.relative_to(self.root).as_posix()
        sidecar = {
            "document_id": document_id,
            "sha256": document.sha256,
            "source": str(document.source),
            "object_dir": rel,
            "pdf_path": f"{rel}/document.pdf",
            "pdf_sha256": sha256_file(stage / "document.pdf"),
            "text_path": f"{rel}/text.txt",
            "original_path": f"{rel}/{original_rel}",
            "pages": len(pages),
            "metadata": metadata.to_json(),
            "field_confidence": metadata.confidence,
            "needs_review": bool(metadata.needs_review or review_pages),
            "review_pages": review_pages,
            "signature_level": signed.level,
            "signer_subject": signed.signer_subject,
            "signed_at": signed.signing_time.isoformat(),
            "mean_confidence": round(mean_conf, 2),
            "page_confidence": [p.mean_confidence for p in pages],
            "page_rotation": [p.rotation for p in pages],
            "page_skew": [p.skew_degrees for p in pages],
            "ingested_at": ingested_at.isoformat(),
            **(extra or {}),
        }
        (stage / "metadata.json").write_text(
            json.dumps(sidecar, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        for file in stage.rglob("*"):
            if file.is_file():
                with file.open("rb") as fh:
                    os.fsync(fh.fileno())
        final_dir.parent.mkdir(parents=True, exist_ok=True)
        os.rename(stage, final_dir)
        fsync_dir(final_dir.parent)
        self._insert(sidecar)
        self.log("ingest", document_id, {"source": str(document.source), "pages": len(pages)})
        return self.get(document_id)

    def _insert(self, data: dict[str, Any]) -> None:
        meta = data["metadata"]
        self.db.execute(
            """INSERT OR IGNORE INTO documents (id, sha256, source, object_dir, pdf_path, pdf_sha256,
                text_path, original_path, pages, metadata, organ_name, code_number, code_notation,
                type_name, issued_date, subject, signer_full_name, signature_level, signer_subject,
                signed_at, mean_confidence, review_pages, needs_review, ingested_at)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            (
                data["document_id"], data["sha256"], data["source"], data["object_dir"],
                data["pdf_path"], data["pdf_sha256"], data["text_path"], data["original_path"],
                data["pages"], json.dumps(meta, ensure_ascii=False), meta.get("organ_name"),
                meta.get("code_number"), meta.get("code_notation"), meta.get("type_name"),
                meta.get("issued_date"), meta.get("subject"), meta.get("signer_full_name"),
                data["signature_level"], data["signer_subject"], data["signed_at"],
                data["mean_confidence"], json.dumps(data["review_pages"]),
                int(data["needs_review"]), data["ingested_at"],
            ),
        )  # fmt: skip

    def pdf_changed(self, document_id: str, action: str, detail: dict[str, Any]) -> str:
        """Record that a document's signed PDF gained a revision (e.g. a renewed
        time-stamp): new fixity hash in the index and the sidecar, and an audit
        event. Returns the new SHA-256."""
        record = self.get(document_id)
        new_hash = sha256_file(record.pdf)
        sidecar_path = record.pdf.parent / "metadata.json"
        sidecar = json.loads(sidecar_path.read_text(encoding="utf-8"))
        old_hash = sidecar.get("pdf_sha256")
        sidecar["pdf_sha256"] = new_hash
        atomic_write(
            sidecar_path, (json.dumps(sidecar, ensure_ascii=False, indent=2) + "\n").encode()
        )
        self.db.execute(
            "UPDATE documents SET pdf_sha256 = ? WHERE id = ?", (new_hash, record.document_id)
        )
        self.log(
            action,
            record.document_id,
            {**detail, "pdf_sha256_before": old_hash, "pdf_sha256": new_hash},
        )
        return new_hash

    def pdf_sha256(self, document_id: str) -> str:
        row = self.db.execute(
            "SELECT pdf_sha256 FROM documents WHERE id = ?", (document_id,)
        ).fetchone()
        if row is None:
            raise ArchiveError(f"no document {document_id!r} in {self.root}")
        return str(row[0])

    def quarantine(self, source: Path, reason: str, *, move: bool = False) -> Path | None:
        """Keep a refused input with its reason. Never deletes: copies (or moves, for the inbox)."""
        stamp = now().strftime("%Y%m%dT%H%M%S")
        name = _nfc_name(source.name) or "input"
        target = self.root / "quarantine" / f"{stamp}-{name}"
        counter = 1
        while target.exists() or target.with_name(target.name + ".reason.txt").exists():
            target = self.root / "quarantine" / f"{stamp}-{counter}-{name}"
            counter += 1
        kept: Path | None = target
        try:
            if source.is_dir():
                if move:
                    shutil.move(str(source), target)
                else:
                    shutil.copytree(source, target)
            elif source.is_file():
                if move:
                    os.replace(source, target) if _same_fs(source, target) else shutil.move(
                        source, target
                    )
                else:
                    atomic_copy(source, target)
            else:
                kept = None
        except OSError:
            kept = None
        reason_file = target.with_name(target.name + ".reason.txt")
        atomic_write(reason_file, f"{source}\n{reason}\n".encode())
        self.db.execute(
            "INSERT INTO quarantine (at, source, path, reason) VALUES (?,?,?,?)",
            (now().isoformat(), str(source), str(kept) if kept else None, reason),
        )
        self.log("quarantine", None, {"source": str(source), "reason": reason})
        return kept

    def log(self, action: str, document_id: str | None, detail: dict[str, Any]) -> None:
        """Append to the audit trail: who did what, when."""
        self.db.execute(
            "INSERT INTO events (at, actor, action, document_id, detail) VALUES (?,?,?,?,?)",
            (
                now().isoformat(),
                actor(),
                action,
                document_id,
                json.dumps(detail, ensure_ascii=False),
            ),
        )

    def close(self) -> None:
        self.db.close()


def actor() -> str:
    """Who is acting: $SOHOA_ACTOR (a clerk's name at a shared station), else the OS user."""
    try:
        return os.environ.get("SOHOA_ACTOR") or getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def _same_fs(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_dev == b.parent.stat().st_dev
    except OSError:
        return False

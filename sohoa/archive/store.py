"""The archive directory: originals, signed PDFs, OCR text, sidecars and the index.

Layout: see `layout.py`. Many processes may use one archive at once (an ingest,
`review` at a counter, `verify --all` by an auditor, the watched inbox):

- Opening an archive has no side effect. A missing archive is an error for
  every command but ingest, which creates it (`Archive(root, create=True)`).
- A writing process stages under its own folder `tmp/<host>-<pid>-<token>/`,
  holding an exclusive lock on `tmp/<same>.lock` for as long as it lives.
  Leftovers are removed only when their lock can be taken, i.e. when their
  owner is provably gone; nobody deletes another process's work.
- A document is staged complete (files read-only, fsynced) and moved into
  `objects/` with one directory rename *inside* a write transaction of the
  index, where the index row and the `ingest` event are added too. The index
  lock serialises writers across processes, so two ingests of the same input
  give one document (the second sees it and reports a duplicate). A crash
  before the rename leaves nothing under a real name; a crash after it leaves
  a whole object whose sidecar lets the next run index it and log it
  (`find`). SQLite waits for a busy index instead of failing.

The document id is the first 16 hex digits of the input's SHA-256, so the same
input always maps to the same object.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import getpass
import json
import operator
import os
import secrets
import shutil
import socket
import sqlite3
import stat
import time
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sohoa.archive import chain, index, search
from sohoa.archive.fsutil import (
    READ_ONLY,
    atomic_write,
    bounded_name,
    copy_regular,
    file_kind,
    fsync_dir,
    sha256_file,
)
from sohoa.archive.layout import IDENTITY, INDEX, OBJECTS, QUARANTINE, TMP, is_archive
from sohoa.archive.objects import FolderStore, remove_tree
from sohoa.archive.sidecar import NAME as SIDECAR
from sohoa.archive.sidecar import Sidecar, read_sidecar, write_sidecar
from sohoa.errors import ArchiveError, DiskError, UsageError, disk_error
from sohoa.models import ArchiveRecord, DocumentMetadata, OcrPage, ScannedDocument, SignedPdf
from sohoa.pipeline.review import review_document
from sohoa.vntime import now

ID_LENGTH = 16
#: Staging leftovers of sohoa versions before per-process folders carry no lock;
#: they are removed once this old, when no run can still be using them.
LEGACY_LEFTOVER_AGE = 24 * 3600.0


def document_id_for(sha256: str) -> str:
    return sha256[:ID_LENGTH]


class AlreadyArchived(Exception):
    """Another run archived the same input first (a concurrent ingest, or a crashed run)."""

    def __init__(self, record: ArchiveRecord) -> None:
        super().__init__(record.document_id)
        self.record = record


def file_mode(source_mode: int) -> int:
    """Read-only, and never readable by more people than the input was (owner always)."""
    return (source_mode & READ_ONLY) | 0o400


class Archive:
    """An archive directory and its index, and the replica of its objects when one is kept."""

    def __init__(
        self,
        root: Path,
        *,
        create: bool = False,
        replica: Path | None = None,
        station: str | None = None,
    ) -> None:
        """`replica`: a second copy of every object, written with each one (issue 11);
        `station`: where the work is done, recorded in every event (default
        $SOHOA_STATION, else the host name)."""
        self.root = Path(root).absolute()
        self._work: Path | None = None
        self._lock_fd: int | None = None
        self._appended: tuple[int, str] | None = None
        self.station = station or os.environ.get("SOHOA_STATION") or socket.gethostname()
        self.primary = FolderStore(self.root, name="primary")
        self.replica = FolderStore(replica, name="replica") if replica is not None else None
        if not is_archive(self.root):
            if not create:
                raise UsageError(
                    f"{self.root}: not a sohoa archive (no {INDEX} and {OBJECTS}/ here)",
                    hint="give --archive DIR of an existing archive, or set SOHOA_ARCHIVE",
                )
            self._create()
        self.db = self._connect()

    def _create(self) -> None:
        try:
            for sub in (OBJECTS, QUARANTINE, TMP, IDENTITY):
                (self.root / sub).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise disk_error(exc, self.root) or ArchiveError(
                f"{self.root}: cannot create the archive: {exc.strerror or exc}"
            ) from None

    def _connect(self) -> sqlite3.Connection:
        path = self.root / INDEX
        try:
            return index.connect(path)
        except sqlite3.OperationalError as exc:
            raise self._index_error(exc) from None
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"{path}: the index is damaged: {exc}") from None

    def _index_error(self, exc: sqlite3.Error) -> Exception:
        """An SQLite failure in words: a full or read-only disk is the environment's fault."""
        text = str(exc).lower()
        free = _free_bytes(self.root)
        if "full" in text or (free is not None and free < 1 << 20):
            return DiskError(
                f"no space left on {self.root} (the index cannot be written)",
                hint="free some space, then run the same command again",
            )
        if "readonly" in text or "read-only" in text:
            return DiskError(f"{self.root / INDEX}: the index is read-only")
        if "locked" in text or "busy" in text:
            return ArchiveError(
                f"{self.root / INDEX}: the index stayed locked by another process",
                hint="another sohoa command holds the archive; run again when it has finished",
            )
        return ArchiveError(f"{self.root / INDEX}: cannot use the index: {exc}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction of the index (other writers wait; readers go on)."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self._index_error(exc) from None
        self._appended = None
        try:
            yield self.db
            if self._appended is not None:
                # Still under the write lock: the head file follows the log in commit order.
                try:
                    chain.remove_dead_heads(self.root)
                    chain.write_head(self.root, *self._appended)
                except OSError as exc:
                    raise disk_error(exc, self.root) or ArchiveError(
                        f"{self.root / chain.HEAD_FILE}: cannot write the log head: {exc}"
                    ) from None
            self.db.execute("COMMIT")
        except BaseException as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            if self._appended is not None:
                self._restore_head()
            if isinstance(exc, sqlite3.OperationalError):
                raise self._index_error(exc) from None
            raise
        finally:
            self._appended = None

    def _restore_head(self) -> None:
        """After a rollback, the head file names the last event that was committed."""
        with contextlib.suppress(OSError, sqlite3.Error):
            last_id, last_hash = chain.last(self.db)
            if last_id:
                chain.write_head(self.root, last_id, last_hash)

    # --- paths ---------------------------------------------------------------------

    @property
    def tmp(self) -> Path:
        return self.root / TMP

    def object_dir(self, document_id: str) -> Path:
        return self.root / OBJECTS / document_id[:2] / document_id

    def work_dir(self) -> Path:
        """This process's own staging folder, created on first use and held by a lock."""
        if self._work is not None:
            return self._work
        try:
            self.tmp.mkdir(exist_ok=True)
            self.reap_staging()
            name = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(4)}"
            # The lock is taken under a private name and then renamed into view, so a
            # reaper never sees an unlocked lock file of a living process.
            pending = self.tmp / f".{name}.pending"
            fd = os.open(pending, os.O_CREAT | os.O_RDWR | os.O_EXCL, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            work = self.tmp / name
            work.mkdir()
            os.replace(pending, self.tmp / f"{name}.lock")
        except OSError as exc:
            raise disk_error(exc, self.tmp) or ArchiveError(
                f"{self.tmp}: cannot create a staging folder: {exc.strerror or exc}"
            ) from None
        self._lock_fd, self._work = fd, work
        return work

    def reap_staging(self) -> list[str]:
        """Remove the staging folders of processes that are gone (their lock is free)."""
        removed: list[str] = []
        if not self.tmp.is_dir():
            return removed
        for lock in self.tmp.glob("*.lock"):
            try:
                fd = os.open(lock, os.O_RDWR)
            except OSError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue  # held: its owner is alive
            try:
                shutil.rmtree(self.tmp / lock.stem, ignore_errors=True)
                lock.unlink(missing_ok=True)
                removed.append(lock.stem)
            finally:
                os.close(fd)
        if self.replica is not None:
            with contextlib.suppress(OSError):  # the replica's own problems surface when written
                for entry in self.replica.tmp.iterdir():
                    if not self._alive(entry.name):
                        remove_tree(entry)
        cutoff = time.time() - LEGACY_LEFTOVER_AGE
        for entry in self.tmp.iterdir():
            legacy = entry.name.endswith((".staging", ".pdfa.pdf", ".signed.pdf", ".part"))
            with contextlib.suppress(OSError):
                if legacy and entry.lstat().st_mtime < cutoff:
                    if entry.is_dir() and not entry.is_symlink():
                        shutil.rmtree(entry, ignore_errors=True)
                    else:
                        entry.unlink()
                    removed.append(entry.name)
        return removed

    def _alive(self, name: str) -> bool:
        """Whether the process that staged under `name` still holds its lock."""
        if self._work is not None and self._work.name == name:
            return True
        try:
            fd = os.open(self.tmp / f"{name}.lock", os.O_RDWR)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        finally:
            os.close(fd)
        return False

    # --- lookups -------------------------------------------------------------------

    def find(self, sha256: str) -> ArchiveRecord | None:
        """The record for an input with this hash; indexes (and logs) an object a crash left unindexed."""
        row = self.db.execute("SELECT * FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        if row is not None:
            return self._record(row)
        object_dir = self.object_dir(document_id_for(sha256))
        if not object_dir.is_dir():
            return None
        with self.transaction():
            return self._recover(object_dir, sha256)

    def _recover(self, object_dir: Path, sha256: str) -> ArchiveRecord | None:
        """Inside a write transaction: index a whole object that has no row yet."""
        row = self.db.execute("SELECT * FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        if row is not None:
            return self._record(row)
        try:
            sidecar = read_sidecar(object_dir)
        except (OSError, ValueError):
            return None
        if sidecar.sha256 != sha256:
            return None
        self._insert(sidecar)
        self.log(
            "ingest",
            sidecar.document_id,
            {"source": sidecar.source, "pages": sidecar.pages, "recovered": True},
            station=sidecar.station,
        )
        return self._record(
            self.db.execute(
                "SELECT * FROM documents WHERE id = ?", (sidecar.document_id,)
            ).fetchone()
        )

    def get(self, document_id: str) -> ArchiveRecord:
        row = self.db.execute(
            "SELECT * FROM documents WHERE id = ? OR id LIKE ? ORDER BY id LIMIT 2",
            (document_id, f"{document_id}%"),
        ).fetchall()
        if not row:
            raise UsageError(f"no document {document_id!r} in {self.root}")
        if len(row) > 1 and row[0]["id"] != document_id:
            raise UsageError(f"document id {document_id!r} is ambiguous: give more digits")
        return self._record(row[0])

    def records(self) -> Iterator[ArchiveRecord]:
        for row in self.db.execute("SELECT * FROM documents ORDER BY ingested_at, id").fetchall():
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
            dossiers=tuple(search.dossiers_of(self.db, row["id"])),
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
        dossier: tuple[str, str] | None = None,
    ) -> ArchiveRecord:
        """Move a signed document into the archive and index it (atomic; module docstring).

        `dossier`: (mã hồ sơ, where it came from: "option", "qr", "name") to link it to.
        Raises AlreadyArchived when another run archived the same input first,
        DiskError when the disk is full or refuses the write, or when the replica
        cannot be written (nothing is left under a real name then).
        """
        document_id = document_id_for(document.sha256)
        try:
            stage, sidecar = self._stage(
                document, pages, metadata, signed, review_confidence, extra, dossier
            )
        except OSError as exc:
            raise disk_error(exc, self.root) or ArchiveError(
                f"{self.root}: cannot stage {document.source}: {exc.strerror or exc}"
            ) from None
        detail = {"source": str(document.source), "pages": len(pages)}
        if dossier is not None:
            detail["dossier"] = {"code": dossier[0], "origin": dossier[1]}
        self.put_object(stage, sidecar, "ingest", detail)
        return self.get(document_id)

    def put_object(
        self, stage: Path, sidecar: Sidecar, action: str, detail: dict[str, Any]
    ) -> None:
        """Move a complete staged object into both copies and index it, in one write transaction.

        The replica is written first (staged outside the lock, renamed inside it): a
        replica that cannot be written fails the whole store, and the primary never
        holds an object its replica lacks. Raises AlreadyArchived when the input is
        archived already (by another process, or a crashed run's object recovered here).
        """
        document_id = sidecar.document_id
        replica_stage = None
        existing: ArchiveRecord | None = None
        try:
            if self.replica is not None:
                self.replica.prepare()
                replica_stage = self.replica.tmp / self.work_dir().name / document_id
                self.replica.stage_copy(stage, replica_stage)
            final_dir = self.object_dir(document_id)
            with self.transaction():
                existing = self._recover(final_dir, sidecar.sha256) if final_dir.exists() else None
                if existing is None:
                    row = self.db.execute(
                        "SELECT * FROM documents WHERE sha256 = ?", (sidecar.sha256,)
                    ).fetchone()
                    existing = self._record(row) if row is not None else None
                if existing is None:
                    if self.replica is not None and replica_stage is not None:
                        self.replica.put(replica_stage, document_id)
                    if final_dir.exists():
                        self._set_aside(final_dir)
                    final_dir.parent.mkdir(parents=True, exist_ok=True)
                    os.rename(stage, final_dir)
                    fsync_dir(final_dir.parent)
                    self._insert(sidecar)
                    self.log(action, document_id, detail, station=sidecar.station)
        except OSError as exc:
            raise disk_error(exc, self.root) or ArchiveError(
                f"{self.object_dir(document_id)}: cannot move the document into the archive: "
                f"{exc.strerror or exc}"
            ) from None
        finally:
            if stage.exists():
                remove_tree(stage)
            if replica_stage is not None:
                remove_tree(replica_stage)
        if existing is not None:
            raise AlreadyArchived(existing)

    def _stage(
        self,
        document: ScannedDocument,
        pages: Sequence[OcrPage],
        metadata: DocumentMetadata,
        signed: SignedPdf,
        review_confidence: float,
        extra: dict[str, Any] | None,
        dossier: tuple[str, str] | None = None,
    ) -> tuple[Path, Sidecar]:
        """Write every file of the object into this process's staging folder, read-only, fsynced."""
        document_id = document_id_for(document.sha256)
        stage = self.work_dir() / document_id
        if stage.exists():
            shutil.rmtree(stage)
        original_dir = stage / "original"
        original_dir.mkdir(parents=True)
        mode = file_mode(
            functools.reduce(operator.and_, (f.stat().st_mode for f in document.files))
        )
        if len(document.files) > 1 or document.source.is_dir():
            folder = original_dir / bounded_name(document.source.name)
            for file in document.files:
                copy_regular(file, folder / bounded_name(file.name), mode)
            original_rel = f"original/{folder.name}"
        else:
            name = bounded_name(document.source.name)
            copy_regular(document.source, original_dir / name, mode)
            original_rel = f"original/{name}"
        copy_regular(signed.path, stage / "document.pdf", mode)
        text = "\f".join(page.text for page in pages)
        atomic_write(stage / "text.txt", (text + "\n").encode("utf-8"), mode)
        review = review_document(pages, metadata, review_confidence)
        rel = self.object_dir(document_id).relative_to(self.root).as_posix()
        extra = dict(extra or {})
        sidecar = Sidecar(
            document_id=document_id,
            sha256=document.sha256,
            source=str(document.source),
            object_dir=rel,
            pdf_path=f"{rel}/document.pdf",
            pdf_sha256=sha256_file(stage / "document.pdf"),
            text_path=f"{rel}/text.txt",
            original_path=f"{rel}/{original_rel}",
            pages=len(pages),
            metadata=metadata.to_json(),
            field_confidence=metadata.confidence,
            needs_review=review.needs_review,
            review_pages=review.pages,
            review_reasons={str(n): why for n, why in review.reasons.items()},
            blank_pages=review.blank_pages,
            signature_level=signed.level,
            signer_subject=signed.signer_subject,
            signed_at=signed.signing_time.isoformat(),
            mean_confidence=review.mean_confidence,
            page_confidence=tuple(p.mean_confidence for p in pages),
            page_rotation=tuple(p.rotation for p in pages),
            page_skew=tuple(p.skew_degrees for p in pages),
            warnings=tuple(extra.pop("warnings", ())),
            station=document.station,
            ingested_at=now().isoformat(),
            dossiers=(dossier[0],) if dossier else (),
            dossier_origin=dossier[1] if dossier else None,
            files=manifest(stage),
            extra=extra,
        )
        write_sidecar(stage, sidecar, mode)
        for folder in (original_dir, *original_dir.iterdir(), stage):
            if folder.is_dir():
                fsync_dir(folder)
        return stage, sidecar

    def _set_aside(self, object_dir: Path) -> None:
        """An object folder without a valid sidecar is not ours to delete: keep it aside."""
        target = self.root / QUARANTINE / f"{now():%Y%m%dT%H%M%S}-object-{object_dir.name}"
        os.rename(object_dir, target)
        self.log("set-aside", object_dir.name, {"moved_to": str(target)})

    def _insert(self, sidecar: Sidecar) -> None:
        """The index row of an object, its fixity manifest, dossier links and search row."""
        meta = sidecar.metadata
        self.db.execute(
            """INSERT OR IGNORE INTO documents (id, sha256, source, object_dir, pdf_path, pdf_sha256,
                text_path, original_path, pages, metadata, organ_name, code_number, code_notation,
                type_name, issued_date, subject, signer_full_name, signature_level, signer_subject,
                signed_at, mean_confidence, review_pages, needs_review, ingested_at)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            (
                sidecar.document_id, sidecar.sha256, sidecar.source, sidecar.object_dir,
                sidecar.pdf_path, sidecar.pdf_sha256, sidecar.text_path, sidecar.original_path,
                sidecar.pages, json.dumps(dict(meta), ensure_ascii=False), meta.get("organ_name"),
                meta.get("code_number"), meta.get("code_notation"), meta.get("type_name"),
                meta.get("issued_date"), meta.get("subject"), meta.get("signer_full_name"),
                sidecar.signature_level, sidecar.signer_subject, sidecar.signed_at,
                sidecar.mean_confidence, json.dumps(list(sidecar.review_pages)),
                int(sidecar.needs_review), sidecar.ingested_at,
            ),
        )  # fmt: skip
        folder = self.root / sidecar.object_dir
        self.record_files(sidecar.document_id, folder)
        for code in sidecar.dossiers:
            self.db.execute(
                "INSERT OR IGNORE INTO dossiers (code, created_at, updated_at) VALUES (?,?,?)",
                (code, sidecar.ingested_at, sidecar.ingested_at),
            )
            self.db.execute(
                "INSERT OR IGNORE INTO document_dossiers (document_id, dossier_code, origin,"
                " linked_at) VALUES (?,?,?,?)",
                (
                    sidecar.document_id,
                    code,
                    sidecar.dossier_origin or "sidecar",
                    sidecar.ingested_at,
                ),
            )
        search.reindex(self.db, self.root, sidecar.document_id)

    def record_files(self, document_id: str, folder: Path, only: Sequence[str] = ()) -> None:
        """Record the fixity of an object's files as they are now (inside a write transaction).

        The sidecar lists the hashes taken when each file was written; only the
        sidecar itself, which cannot hold its own hash, is hashed here.
        """
        try:
            listed = dict(read_sidecar(folder).files)
        except (OSError, ValueError):
            listed = {}
        for path in sorted(folder.rglob("*")):
            if path.is_dir():
                continue
            rel = path.relative_to(folder).as_posix()
            if only and rel not in only:
                continue
            digest = listed.get(rel) or sha256_file(path)
            self.db.execute(
                "INSERT OR REPLACE INTO object_files (document_id, path, sha256, size)"
                " VALUES (?,?,?,?)",
                (document_id, rel, digest, path.stat().st_size),
            )

    def write_sidecar(self, document_id: str, sidecar: Sidecar) -> None:
        """Rewrite a document's sidecar in both copies and record its new hash (inside a
        write transaction, so a failure leaves the index as it was)."""
        folder = self.object_dir(document_id)
        mode = sidecar_mode(folder)
        write_sidecar(folder, sidecar, mode)
        if self.replica is not None and self.replica.has(document_id):
            self.replica.put_file(document_id, SIDECAR, folder / SIDECAR, mode)
        self.record_files(document_id, folder, only=(SIDECAR,))

    def pdf_changed(self, document_id: str, action: str, detail: dict[str, Any]) -> str:
        """Record that a document's signed PDF gained a revision (e.g. a renewed
        time-stamp): new fixity hash in the index and the sidecar, the new PDF in
        the replica, and an audit event. Returns the new SHA-256."""
        record = self.get(document_id)
        new_hash = sha256_file(record.pdf)
        folder = record.pdf.parent
        with contextlib.suppress(OSError):  # a renewal writes a new file: read-only again
            os.chmod(record.pdf, sidecar_mode(folder))
        rel = record.pdf.relative_to(folder).as_posix()
        with self.transaction():
            sidecar = read_sidecar(folder)
            old_hash = sidecar.pdf_sha256
            files = {**sidecar.files, rel: new_hash} if sidecar.files else {}
            if self.replica is not None and self.replica.has(record.document_id):
                self.replica.put_file(
                    record.document_id, rel, record.pdf, sidecar_mode(folder) & READ_ONLY
                )
            self.write_sidecar(
                record.document_id, sidecar.replace(pdf_sha256=new_hash, files=files)
            )
            self.record_files(record.document_id, folder, only=(rel,))
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
        record = self.get(document_id)
        row = self.db.execute(
            "SELECT pdf_sha256 FROM documents WHERE id = ?", (record.document_id,)
        ).fetchone()
        return str(row[0])

    def quarantine(
        self,
        source: Path,
        reason: str,
        *,
        files: Sequence[Path] = (),
        copy: bool = True,
        move: bool = False,
        station: str | None = None,
        attempt: int | None = None,
    ) -> Path | None:
        """Keep a refused input with its reason; never deletes (copies, or moves for the inbox).

        Only the input itself is copied: the regular file, or the page `files` of a
        document — never a link's target, a FIFO, or whatever else a folder holds.
        Copies are read-only and no more readable than the input. A move (the watched
        inbox) takes the input away by its name, links and FIFOs included, into
        `quarantine/<station>/`. The reason file — what failed, when, at which attempt —
        is written before the input is moved, so a crash never leaves a kept input
        without its reason. Returns where the input is kept, or None when nothing
        could be or was to be kept (the reason is recorded either way). Raises
        DiskError when the disk refuses the reason.
        """
        lines = [str(source), reason, f"when: {now().isoformat()}"]
        if station is not None:
            lines.append(f"station: {station}")
        if attempt is not None:
            lines.append(f"attempt: {attempt}")
        target, _reason_file = self._claim_quarantine_name(
            source, station, ("\n".join(lines) + "\n").encode()
        )
        kept: Path | None = None
        if copy or move:
            kept = self._keep(source, list(files), target, move)
        with self.transaction():
            self.db.execute(
                "INSERT INTO quarantine (at, source, path, reason) VALUES (?,?,?,?)",
                (now().isoformat(), str(source), str(kept) if kept else None, reason),
            )
            self.log("quarantine", None, {"source": str(source), "reason": reason}, station=station)
        return kept

    def quarantine_folder(self, station: str | None = None) -> Path:
        """Where refused inputs are kept: `quarantine/`, or `quarantine/<station>/`."""
        folder = self.root / QUARANTINE
        return folder / bounded_name(station) if station else folder

    def _claim_quarantine_name(
        self, source: Path, station: str | None, reason: bytes
    ) -> tuple[Path, Path]:
        """A name no other process can take: the reason file is created exclusively, whole."""
        folder = self.quarantine_folder(station)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise disk_error(exc, folder) or ArchiveError(
                f"{folder}: cannot quarantine {source}: {exc.strerror or exc}"
            ) from None
        base = f"{now():%Y%m%dT%H%M%S}-{bounded_name(source.name)}"
        for counter in range(10_000):
            name = base if counter == 0 else f"{base}.{counter}"
            reason_file = folder / f"{name}.reason.txt"
            try:
                fd = os.open(reason_file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, READ_ONLY)
            except FileExistsError:
                continue
            except OSError as exc:
                raise disk_error(exc, folder) or ArchiveError(
                    f"{folder}: cannot quarantine {source}: {exc.strerror or exc}"
                ) from None
            try:
                os.write(fd, reason)
                os.fsync(fd)
            except OSError as exc:
                reason_file.unlink(missing_ok=True)
                raise disk_error(exc, folder) or ArchiveError(
                    f"{reason_file}: cannot write the reason: {exc.strerror or exc}"
                ) from None
            finally:
                os.close(fd)
            fsync_dir(folder)
            return folder / name, reason_file
        raise ArchiveError(f"{folder}: too many quarantined files named {source.name}")

    def _keep(self, source: Path, files: list[Path], target: Path, move: bool) -> Path | None:
        kind = file_kind(source)
        try:
            if move and kind != "missing":
                return _move(source, kind, target)
            if kind is None:
                mode = file_mode(source.lstat().st_mode)
                copy_regular(source, target, mode)
                return target
            if kind == "a folder":
                parts = files or [p for p in sorted(source.iterdir()) if file_kind(p) is None]
                for part in parts:
                    if file_kind(part) is None:
                        copy_regular(
                            part, target / bounded_name(part.name), file_mode(part.lstat().st_mode)
                        )
                return target if target.exists() else None
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise disk_error(exc, self.root / QUARANTINE) from None
            # an unreadable input (permissions, vanished) is recorded, not copied
        return None  # links, FIFOs, devices: never read, never copied

    def log(
        self,
        action: str,
        document_id: str | None,
        detail: dict[str, Any],
        *,
        station: str | None = None,
    ) -> None:
        """Append to the audit trail (hash-chained, `chain.py`): who did what, where, when.

        `station`: the scanner station of the input (watched inbox), else this
        archive's station. Inside the caller's write transaction, or in one of its own.
        """
        if not self.db.in_transaction:
            with self.transaction():
                self.log(action, document_id, detail, station=station)
            return
        self._appended = chain.append(
            self.db,
            at=now().isoformat(),
            actor=actor(),
            station=station or self.station,
            action=action,
            document_id=document_id,
            detail=detail,
        )

    def close(self) -> None:
        """Release this process's staging folder and the index."""
        if self._work is not None:
            shutil.rmtree(self._work, ignore_errors=True)
            if self.replica is not None:
                with contextlib.suppress(OSError):  # a replica gone read-only or unmounted
                    remove_tree(self.replica.tmp / self._work.name)
            (self.tmp / f"{self._work.name}.lock").unlink(missing_ok=True)
            self._work = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def actor() -> str:
    """Who is acting: $SOHOA_ACTOR (a clerk's name at a shared station), else the OS user."""
    try:
        return os.environ.get("SOHOA_ACTOR") or getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def manifest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under `folder` but a sidecar, by POSIX path relative to it."""
    return {
        p.relative_to(folder).as_posix(): sha256_file(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).as_posix() != SIDECAR
    }


def sidecar_mode(folder: Path) -> int:
    """The mode the object's files were written with (its sidecar's), read-only."""
    try:
        return stat.S_IMODE((folder / SIDECAR).stat().st_mode) & READ_ONLY or READ_ONLY
    except OSError:
        return READ_ONLY


def _move(source: Path, kind: str | None, target: Path) -> Path | None:
    """Move an input out of the inbox by its name (a link stays a link, never followed).

    Across file systems a regular file or a folder's files are copied write-then-
    rename, and only then removed from the inbox; a FIFO or a device that cannot be
    renamed is left where it is (None). Other errors (a share that refuses the
    removal) are raised for the caller to record.
    """
    try:
        os.rename(source, target)
        fsync_dir(target.parent)
        return target
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    if kind == "a symbolic link":
        os.symlink(os.readlink(source), target)
        os.unlink(source)
        return target
    if kind is None:
        copy_regular(source, target, file_mode(source.lstat().st_mode))
        os.unlink(source)
        return target
    if kind == "a folder":
        staging = target.with_name(f".{target.name}.part")
        parts = [p for p in sorted(source.iterdir()) if file_kind(p) is None]
        for part in parts:
            copy_regular(part, staging / part.name, file_mode(part.lstat().st_mode))
        staging.mkdir(exist_ok=True)
        os.rename(staging, target)
        fsync_dir(target.parent)
        for part in parts:
            part.unlink()
        with contextlib.suppress(OSError):
            source.rmdir()  # whatever else it held (links, sub-folders) stays
        return target
    return None


def _free_bytes(path: Path) -> int | None:
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        return shutil.disk_usage(probe).free
    except OSError:
        return None

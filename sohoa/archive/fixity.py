"""Fixity: `sohoa archive check` and `sohoa archive repair`.

The check re-hashes every file of every object, in both copies, against the
SHA-256 recorded when the file was written (`object_files`), verifies every
signature, walks both object folders for what the index does not know, and
verifies the audit trail's hash chain. Findings, by kind:

- `changed`: a file's bytes differ from the record (in the copy named);
- `missing`: a recorded file, or a whole object, is absent from one copy;
- `extra`: a file in an object folder that no record lists;
- `row-without-object`: an index row whose object is in neither copy;
- `object-without-row`: an object folder the index does not know;
- `signature`: the signed PDF does not verify (broken, changed after signing, untrusted);
- `log`: the audit trail's chain is broken (`chain.verify`).

A process writing beside the check (an ingest renaming a new object in, an
edit rewriting a sidecar) can make a file look wrong for an instant: every
finding is looked at again under the index's write lock, where no writer is
halfway, and kept only if it still holds.

The repair restores a file from the other copy only when that copy's bytes
hash to the recorded value, logs each restoration, and refuses (names the
file) when neither copy matches: a record is never "repaired" into a guess.
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sohoa.archive import chain, search
from sohoa.archive.fsutil import READ_ONLY, sha256_file
from sohoa.archive.layout import INDEX
from sohoa.archive.objects import FolderStore
from sohoa.archive.store import Archive, sidecar_mode
from sohoa.errors import ExitCode
from sohoa.progress.verdicts import record_check

KINDS = (
    "changed",
    "missing",
    "extra",
    "row-without-object",
    "object-without-row",
    "signature",
    "log",
)
#: Hashing threads: SHA-256 in hashlib releases the GIL on large blocks.
HASH_THREADS = max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str
    document_id: str | None = None
    copy: str | None = None
    """"primary" or "replica"."""
    path: str | None = None
    """Relative to the object folder (a file), or None for a whole object."""
    expected: str | None = None
    actual: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "copy": self.copy,
            "document_id": self.document_id,
            "path": self.path,
            "expected": self.expected,
            "actual": self.actual,
            "message": self.message,
        }


@dataclass
class CheckReport:
    documents: int = 0
    files: int = 0
    bytes: int = 0
    signatures: int = 0
    seconds: float = 0.0
    sampled: bool = False
    findings: list[Finding] = field(default_factory=list)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.FAILED if self.findings else ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        counts = {kind: 0 for kind in KINDS}
        for finding in self.findings:
            counts[finding.kind] += 1
        return {
            "ok": not self.findings,
            "documents_checked": self.documents,
            "files_checked": self.files,
            "bytes_checked": self.bytes,
            "signatures_checked": self.signatures,
            "sampled": self.sampled,
            "seconds": round(self.seconds, 3),
            "mb_per_second": round(self.bytes / 1e6 / self.seconds, 1) if self.seconds else None,
            "counts": counts,
            "findings": [f.to_json() for f in self.findings],
        }


def _copies(archive: Archive) -> list[FolderStore]:
    return [archive.primary, *([archive.replica] if archive.replica is not None else [])]


def recorded_files(db: Any, document_id: str) -> dict[str, str]:
    """The SHA-256 recorded for each file of an object (`db`: a connection or a `_Reader`)."""
    return {
        r[0]: r[1]
        for r in db.execute(
            "SELECT path, sha256 FROM object_files WHERE document_id = ?", (document_id,)
        )
    }


def _inspect(
    store: FolderStore,
    document_id: str,
    recorded: dict[str, str],
    hash_file: Callable[[Path], str | None],
) -> tuple[list[Finding], int, int]:
    """Findings for one object in one copy, and (files, bytes) hashed."""
    folder = store.object_dir(document_id)
    if not folder.is_dir():
        return (
            [Finding("missing", f"object {document_id} is missing from the {store.name} copy",
                     document_id, store.name)],
            0,
            0,
        )  # fmt: skip
    present = store.files(document_id)
    findings: list[Finding] = []
    files = size = 0
    for rel, expected in sorted(recorded.items()):
        path = present.get(rel)
        if path is None or not path.is_file():
            findings.append(
                Finding("missing", f"{store.name}: {document_id}/{rel} is missing",
                        document_id, store.name, rel, expected)
            )  # fmt: skip
            continue
        actual = hash_file(path)
        files += 1
        size += path.stat().st_size
        if actual != expected:
            findings.append(
                Finding("changed", f"{store.name}: {document_id}/{rel} changed since it was written",
                        document_id, store.name, rel, expected, actual)
            )  # fmt: skip
    for rel in sorted(set(present) - set(recorded)):
        findings.append(
            Finding("extra", f"{store.name}: {document_id}/{rel} is not part of the record",
                    document_id, store.name, rel)
        )  # fmt: skip
    return findings, files, size


def _hash(path: Path) -> str | None:
    try:
        return sha256_file(path)
    except OSError:
        return None


def check(
    archive: Archive,
    *,
    sample: int | None = None,
    verify_signature: Callable[[Path], str | None] | None = None,
    log: bool = True,
) -> CheckReport:
    """Check the archive (module docstring). `verify_signature(pdf)` returns a problem in
    words or None; without it signatures are not checked. `log`: record a `check` event."""
    started = time.monotonic()
    report = CheckReport()
    rows = archive.db.execute("SELECT id, pdf_path FROM documents ORDER BY id").fetchall()
    known = {r["id"] for r in rows}
    if sample is not None and sample < len(rows):
        rows = random.sample(rows, sample)
        report.sampled = True
    copies = _copies(archive)

    def one(row: Any) -> tuple[list[Finding], int, int]:
        document_id = row["id"]
        recorded = recorded_files(archive_reader, document_id)
        found: list[Finding] = []
        files = size = 0
        absent = 0
        for store in copies:
            problems, n, b = _inspect(store, document_id, recorded, _hash)
            absent += any(p.kind == "missing" and p.path is None for p in problems)
            found += problems
            files, size = files + n, size + b
        if absent == len(copies):
            found = [Finding("row-without-object",
                             f"index row {document_id} has no object in any copy", document_id)]  # fmt: skip
        return found, files, size

    # Each thread reads the index through its own connection (sqlite3 objects are per thread).
    archive_reader = _Reader(archive)
    judged: list[str] = []  # documents whose signature got a verdict (recorded in _confirm)
    with ThreadPoolExecutor(HASH_THREADS) as pool:
        for row, (found, files, size) in zip(rows, pool.map(one, rows), strict=True):
            report.documents += 1
            report.findings += found
            report.files += files
            report.bytes += size
            # Signatures in this thread: pyHanko's validation is not made for threads.
            pdf = archive.root / row["pdf_path"]
            pdf_ok = not any(p.copy == "primary" and p.path == "document.pdf" for p in found)
            if verify_signature is not None:
                judged.append(row["id"])  # a damaged or missing signed file is a bad verdict
            if verify_signature is not None and pdf_ok and pdf.is_file():
                report.signatures += 1
                problem = verify_signature(pdf)
                if problem:
                    report.findings.append(
                        Finding("signature", f"{row['id']}/document.pdf: {problem}",
                                row["id"], "primary", "document.pdf")
                    )  # fmt: skip
    archive_reader.close()
    for store in copies:
        for document_id in store.ids():
            if document_id not in known:
                report.findings.append(
                    Finding("object-without-row",
                            f"{store.name}: object {document_id} is not in the index",
                            document_id, store.name)
                )  # fmt: skip
    report.findings = _confirm(archive, report.findings, log=log, report=report, judged=judged)
    report.seconds = time.monotonic() - started
    if log:  # the maintenance run of the archive: merge the search index's segments too
        with archive.transaction():
            search.optimize(archive.db)
    return report


class _Reader:
    """Per-thread read connections to the index, for the hashing threads."""

    def __init__(self, archive: Archive) -> None:
        self._path = archive.root / INDEX
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def execute(self, sql: str, params: Iterable[Any] = ()) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                f"{self._path.as_uri()}?mode=ro", uri=True, timeout=30, check_same_thread=False
            )
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn.execute(sql, tuple(params))

    def close(self) -> None:
        for conn in self._all:
            conn.close()


def _confirm(
    archive: Archive,
    findings: list[Finding],
    *,
    log: bool,
    report: CheckReport,
    judged: Iterable[str] = (),
) -> list[Finding]:
    """Keep the findings that still hold under the write lock; record each signature's
    verdict (what `sohoa progress` counts, sohoa/progress/verdicts.py); log the check."""
    with archive.transaction():
        kept = [f for f in findings if _still(archive, f)]
        record_check(archive.db, judged, kept)
        problem = chain.verify(
            archive.db.execute(
                f"SELECT {', '.join(chain.FIELDS)}, prev_hash, hash FROM events ORDER BY id"
            ).fetchall(),
            chain.read_head(archive.root),
        )
        if problem is not None:
            kept.append(Finding("log", f"audit trail: {problem.message}", None, None,
                                None, None, str(problem.event_id)))  # fmt: skip
        if log:
            counts: dict[str, int] = {}
            for finding in kept:
                counts[finding.kind] = counts.get(finding.kind, 0) + 1
            archive.log(
                "check",
                None,
                {
                    "documents": report.documents,
                    "files": report.files,
                    "bytes": report.bytes,
                    "signatures": report.signatures,
                    "sampled": report.sampled,
                    "findings": counts,
                },
            )
    return kept


def _still(archive: Archive, finding: Finding) -> bool:
    document_id = finding.document_id or ""
    row = archive.db.execute("SELECT 1 FROM documents WHERE id = ?", (document_id,)).fetchone()
    if finding.kind == "object-without-row":
        return row is None
    if row is None:
        return False  # the document is gone from the index since (nothing removes rows today)
    if finding.kind in ("signature", "row-without-object"):
        return True
    store = archive.primary if finding.copy == "primary" else archive.replica
    if store is None:
        return True
    recorded = recorded_files(archive.db, document_id)
    if finding.path is None:
        return not store.has(document_id)
    path = store.object_dir(document_id) / finding.path
    if finding.kind == "extra":
        return path.exists() and finding.path not in recorded
    expected = recorded.get(finding.path)
    if finding.kind == "missing":
        return not path.is_file() and expected is not None
    return path.is_file() and _hash(path) != expected


# --- repair ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RepairAction:
    document_id: str
    path: str | None
    copy: str
    """The copy that was (or could not be) repaired."""
    done: bool
    message: str

    def to_json(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "path": self.path,
            "copy": self.copy,
            "repaired": self.done,
            "message": self.message,
        }


def repair(archive: Archive) -> tuple[list[RepairAction], CheckReport]:
    """Restore damaged or missing files from the good copy; index objects the index lost.

    Returns what was done and refused, and the check it was based on.
    """
    report = check(archive, log=False)
    actions: list[RepairAction] = []
    todo: dict[tuple[str, str], list[str]] = {}
    for finding in report.findings:
        if finding.kind in ("changed", "missing") and finding.document_id and finding.copy:
            recorded = recorded_files(archive.db, finding.document_id)
            paths = [finding.path] if finding.path else sorted(recorded)
            todo.setdefault((finding.document_id, finding.copy), []).extend(paths)
        elif finding.kind == "object-without-row" and finding.copy == "primary":
            actions.append(_reindex(archive, finding.document_id or ""))
        elif finding.kind in ("row-without-object", "extra", "signature", "log"):
            actions.append(
                RepairAction(finding.document_id or "", finding.path, finding.copy or "-", False,
                             f"not repairable from a copy: {finding.message}")
            )  # fmt: skip
    for (document_id, copy), paths in sorted(todo.items()):
        for rel in sorted(set(paths)):
            actions.append(_restore(archive, document_id, rel, copy))
    return actions, report


def _restore(archive: Archive, document_id: str, rel: str, copy: str) -> RepairAction:
    target = archive.primary if copy == "primary" else archive.replica
    source = archive.replica if copy == "primary" else archive.primary
    with archive.transaction():
        expected = recorded_files(archive.db, document_id).get(rel)
        current = target.object_dir(document_id) / rel if target else None
        if current is not None and current.is_file() and _hash(current) == expected:
            return RepairAction(document_id, rel, copy, True, "already good")
        good = source.object_dir(document_id) / rel if source is not None else None
        if target is None or good is None or not good.is_file() or _hash(good) != expected:
            where = "no other copy is configured" if source is None else "neither copy matches"
            return RepairAction(
                document_id, rel, copy, False,
                f"cannot repair {copy}: {document_id}/{rel}: {where} the recorded SHA-256",
            )  # fmt: skip
        mode = sidecar_mode(source.object_dir(document_id)) & READ_ONLY
        target.put_file(document_id, rel, good, mode)
        archive.log(
            "repair",
            document_id,
            {"path": rel, "copy": copy, "from": source.name, "sha256": expected},
        )
    return RepairAction(document_id, rel, copy, True, f"restored from the {source.name} copy")


def _reindex(archive: Archive, document_id: str) -> RepairAction:
    from sohoa.archive.sidecar import read_sidecar

    try:
        sidecar = read_sidecar(archive.object_dir(document_id))
    except (OSError, ValueError) as exc:
        return RepairAction(document_id, None, "primary", False,
                            f"object {document_id} has no readable sidecar: {exc}")  # fmt: skip
    record = archive.find(sidecar.sha256)  # indexes it and logs a recovered ingest
    if record is None:
        return RepairAction(document_id, None, "primary", False,
                            f"object {document_id}: its sidecar does not match its folder")  # fmt: skip
    return RepairAction(document_id, None, "primary", True, "indexed from its sidecar")

"""The seams where the embedded archive can be swapped for a bigger one (issue 11, item 8).

Two small interfaces, what the code above them needs and nothing more:

- `ObjectStore`: where an object's files live. `objects.FolderStore` (a local or
  mounted folder) is the default and also the replica; an S3-compatible store
  would implement the same calls (a staged object put under its id with one
  atomic step, one file replaced, the files of an object listed and read).
- `RecordStore`: what the ingest pipeline (`pipeline/orchestrator.py`) asks of
  the archive: look an input up by its hash, store a finished document with
  its index row and event atomically, quarantine a refusal, append to the
  audit trail, a private staging folder. `store.Archive` (SQLite + folders) is
  the default; a PostgreSQL index would keep the same contract (the write
  transaction that serialises writers becomes a row lock or an advisory lock).

Nothing here is imported at run time by the default implementations; the
protocols are checked by the type checker and by `tests/test_archive_trust.py`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from sohoa.models import ArchiveRecord, DocumentMetadata, OcrPage, ScannedDocument, SignedPdf


@runtime_checkable
class ObjectStore(Protocol):
    name: str

    def has(self, document_id: str) -> bool: ...
    def ids(self) -> Iterator[str]: ...
    def files(self, document_id: str) -> dict[str, Path]: ...
    def prepare(self) -> None: ...
    def stage_copy(self, source: Path, stage: Path) -> None: ...
    def put(self, stage: Path, document_id: str) -> None: ...
    def put_file(self, document_id: str, relpath: str, source: Path, mode: int) -> None: ...


@runtime_checkable
class RecordStore(Protocol):
    root: Path

    def find(self, sha256: str) -> ArchiveRecord | None: ...
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
    ) -> ArchiveRecord: ...
    def quarantine(
        self,
        source: Path,
        reason: str,
        *,
        files: Sequence[Path] = (),
        copy: bool = True,
        move: bool = False,
    ) -> Path | None: ...
    def log(self, action: str, document_id: str | None, detail: dict[str, Any]) -> None: ...
    def work_dir(self) -> Path: ...
    def object_dir(self, document_id: str) -> Path: ...
    def close(self) -> None: ...

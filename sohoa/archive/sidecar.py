"""The sidecar `metadata.json` of an archived document: a typed value with one writer.

The sidecar is the truth the index is rebuilt from (`Archive.find` recovers a
document whose index row was lost in a crash), so it is written in one place,
`write_sidecar`, with write-then-rename and read-only mode. Keys a newer
version of sohoa wrote and this one does not know are kept in `extra` and
written back as they were.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sohoa.archive.fsutil import READ_ONLY, atomic_write

NAME = "metadata.json"


@dataclass(frozen=True)
class Sidecar:
    """Everything the index row of a document holds, and what it was made from."""

    document_id: str
    sha256: str
    """SHA-256 of the input (for a document of several files: of their hashes in order)."""
    source: str
    """The input as the user gave it."""
    object_dir: str
    """Paths relative to the archive root."""
    pdf_path: str
    pdf_sha256: str
    """Fixity of the signed PDF (changes only with a renewal, which logs it)."""
    text_path: str
    original_path: str
    pages: int
    metadata: Mapping[str, Any]
    signature_level: str
    signer_subject: str
    signed_at: str
    ingested_at: str
    mean_confidence: float
    field_confidence: Mapping[str, float] = field(default_factory=dict)
    needs_review: bool = False
    review_pages: tuple[int, ...] = ()
    review_reasons: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Per page number (1-based, as a string), why it needs review (pipeline/review.py)."""
    blank_pages: tuple[int, ...] = ()
    """1-based numbers of blank pages: kept as scanned, left out of mean_confidence."""
    page_confidence: tuple[float, ...] = ()
    page_rotation: tuple[int, ...] = ()
    page_skew: tuple[float, ...] = ()
    warnings: tuple[str, ...] = ()
    machine_metadata: Mapping[str, Any] | None = None
    """The extractor's reading, kept once a person edits a field."""
    human_fields: tuple[str, ...] = ()
    """Fields a person set or confirmed."""
    edits: tuple[Mapping[str, Any], ...] = ()
    dossiers: tuple[str, ...] = ()
    """Mã hồ sơ of the dossiers the document belongs to (issue 11)."""
    dossier_origin: str | None = None
    """Where the dossier code at ingest came from: "option", "qr" or "name"."""
    files: Mapping[str, str] = field(default_factory=dict)
    """SHA-256 of every file of the object but this sidecar, by path in the object folder,
    taken when the object was written (fixity, `sohoa archive check`)."""
    station: str | None = None
    """The scanner station the input came from (a folder of the watched inbox)."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Keys this version does not know, kept as they were."""

    def to_json(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        extra = data.pop("extra")
        for key, value in data.items():
            if isinstance(value, tuple):
                data[key] = list(value)
            elif isinstance(value, Mapping):
                data[key] = dict(value)
        if data["machine_metadata"] is None:
            del data["machine_metadata"]
        return {**data, **extra}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Sidecar:
        known = {f.name: f for f in dataclasses.fields(cls) if f.name != "extra"}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                continue
            values[key] = tuple(value) if isinstance(value, list) else value
        values["extra"] = {k: v for k, v in data.items() if k not in known}
        return cls(**values)

    def replace(self, **changes: Any) -> Sidecar:
        return dataclasses.replace(self, **changes)


def sidecar_path(object_dir: Path) -> Path:
    return Path(object_dir) / NAME


def encode(sidecar: Sidecar) -> bytes:
    return (json.dumps(sidecar.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def read_sidecar(object_dir: Path) -> Sidecar:
    """The sidecar of an object folder. Raises OSError or ValueError when it is missing or bad."""
    data = json.loads(sidecar_path(object_dir).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{sidecar_path(object_dir)}: not a JSON object")
    return Sidecar.from_json(data)


def write_sidecar(object_dir: Path, sidecar: Sidecar, mode: int = READ_ONLY) -> None:
    """The one writer of sidecars: write-then-rename, fsynced, read-only."""
    atomic_write(sidecar_path(object_dir), encode(sidecar), mode)

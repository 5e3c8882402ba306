"""A person's corrections of extracted metadata: validated, recorded, never re-signed.

`sohoa edit ID --set field=value` changes a field in the index row and in the
sidecar `metadata.json`; the machine's reading is kept beside it
(`machine_metadata` in the sidecar, `machine_value` in `metadata_edits`) with
who changed it and when, and the `events` audit trail gets a line. The signed
PDF is not touched: its XMP says what was known at signing, and re-signing
would rewrite a file nothing may rewrite after signing (DESIGN.md).

A field a person set or confirmed is sure; when no field is unsure any more
the document leaves the review list.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sohoa.archive import search
from sohoa.archive import sidecar as sidecars
from sohoa.archive.store import Archive, actor
from sohoa.errors import disk_error
from sohoa.metadata.fields import field_name, phu_luc_vi
from sohoa.metadata.review import unsure_fields
from sohoa.models import METADATA_FIELDS, PHU_LUC_VI_NAMES, ArchiveRecord
from sohoa.vntime import now

#: Index columns that mirror a metadata field (the rest lives in the JSON column).
INDEX_COLUMNS = (
    "organ_name",
    "code_number",
    "code_notation",
    "type_name",
    "issued_date",
    "subject",
    "signer_full_name",
)


@dataclass(frozen=True)
class Edit:
    field: str
    old: Any
    new: Any
    machine: Any
    actor: str
    at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "phu_luc_vi": PHU_LUC_VI_NAMES[self.field],
            "old": self.old,
            "new": self.new,
            "machine": self.machine,
            "actor": self.actor,
            "at": self.at,
        }


@dataclass(frozen=True)
class EditResult:
    document_id: str
    edits: tuple[Edit, ...]
    confirmed: tuple[str, ...]
    needs_review: bool
    unsure: tuple[str, ...] = field(default_factory=tuple)


# --- applying -------------------------------------------------------------------------------


def read_sidecar(record: ArchiveRecord) -> dict[str, Any]:
    return sidecars.read_sidecar(record.pdf.parent).to_json()


def apply_edits(
    archive: Archive,
    document_id: str,
    changes: Sequence[tuple[str, Any]],
    *,
    confirm: Iterable[str] = (),
) -> EditResult:
    """Set fields (already validated) and confirm others, in the index and the sidecar, atomically.

    The index's write lock is taken first, so that another writer of the sidecar
    (an ingest, a renewal) cannot slip between reading and writing it.
    """
    names = list(confirm)
    if any(name.strip().lower() == "all" for name in names):
        confirmed = list(METADATA_FIELDS)
    else:
        confirmed = [field_name(name) for name in names]
    record = archive.get(document_id)
    folder = record.pdf.parent
    written: sidecars.Sidecar | None = None
    try:
        # The index's write lock is taken first, so that another writer of the sidecar
        # (an ingest, a renewal, a dossier link) cannot slip between reading and writing it.
        with archive.transaction() as db:
            previous = sidecars.read_sidecar(folder)
            result, updated = _plan(record, previous.to_json(), changes, confirmed)
            for edit in result.edits:
                db.execute(
                    "INSERT INTO metadata_edits (document_id, field, old_value, new_value,"
                    " machine_value, actor, at) VALUES (?,?,?,?,?,?,?)",
                    (
                        record.document_id,
                        edit.field,
                        _json(edit.old),
                        _json(edit.new),
                        _json(edit.machine),
                        edit.actor,
                        edit.at,
                    ),
                )
            metadata = updated["metadata"]
            columns = ", ".join(f"{c} = ?" for c in INDEX_COLUMNS)
            db.execute(
                f"UPDATE documents SET metadata = ?, {columns}, needs_review = ? WHERE id = ?",
                (
                    json.dumps(metadata, ensure_ascii=False),
                    *(metadata.get(c) for c in INDEX_COLUMNS),
                    int(result.needs_review),
                    record.document_id,
                ),
            )
            search.reindex(db, archive.root, record.document_id)
            archive.log(
                "edit",
                record.document_id,
                {
                    "set": {
                        e.field: {"old": e.old, "new": e.new, "machine": e.machine}
                        for e in result.edits
                    },
                    "confirmed": list(result.confirmed),
                    "needs_review": result.needs_review,
                },
            )
            # The sidecar is the truth the index is rebuilt from: written (write-then-rename)
            # inside the transaction; put back if the commit fails, so both stay as they were.
            archive.write_sidecar(record.document_id, sidecars.Sidecar.from_json(updated))
            written = previous
    except BaseException as exc:
        if written is not None:
            with contextlib.suppress(Exception):
                archive.write_sidecar(record.document_id, written)
        if isinstance(exc, OSError) and (problem := disk_error(exc, folder)):
            raise problem from None
        raise
    return result


def _plan(
    record: ArchiveRecord,
    sidecar: dict[str, Any],
    changes: Sequence[tuple[str, Any]],
    confirmed: Sequence[str],
) -> tuple[EditResult, dict[str, Any]]:
    """The edits to record and the new sidecar: pure, no side effect."""
    metadata: dict[str, Any] = dict(sidecar["metadata"])
    # The machine's reading is kept as it was at ingest, whatever was edited since.
    machine: dict[str, Any] = dict(sidecar.get("machine_metadata") or metadata)
    confidence: Mapping[str, float] = sidecar.get("field_confidence") or {}
    human = set(sidecar.get("human_fields") or [])
    who, at = actor(), now().isoformat()
    edits = [
        Edit(key, metadata.get(key), value, machine.get(key), who, at)
        for key, value in changes
        if metadata.get(key) != value
    ]
    for edit in edits:
        metadata[edit.field] = edit.new
    human.update(key for key, _ in changes)
    human.update(confirmed)
    unsure = unsure_fields(metadata, confidence, human)
    updated = {
        **sidecar,
        "metadata": metadata,
        "machine_metadata": machine,
        "human_fields": sorted(human),
        "needs_review": bool(unsure),
        "edits": [*(sidecar.get("edits") or []), *(e.to_json() for e in edits)],
    }
    result = EditResult(
        record.document_id, tuple(edits), tuple(confirmed), bool(unsure), tuple(unsure)
    )
    return result, updated


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# --- reading --------------------------------------------------------------------------------


def edit_history(archive: Archive, document_id: str) -> list[dict[str, Any]]:
    rows = archive.db.execute(
        "SELECT field, old_value, new_value, machine_value, actor, at FROM metadata_edits"
        " WHERE document_id = ? ORDER BY id",
        (document_id,),
    )
    return [
        {
            "field": row["field"],
            "phu_luc_vi": PHU_LUC_VI_NAMES.get(row["field"]),
            "old": json.loads(row["old_value"]),
            "new": json.loads(row["new_value"]),
            "machine": json.loads(row["machine_value"]),
            "actor": row["actor"],
            "at": row["at"],
        }
        for row in rows
    ]


@dataclass(frozen=True)
class ReviewItem:
    document_id: str
    source: str
    unsure: tuple[str, ...]
    """Fields unread or under the review threshold, not yet set or confirmed by a person."""
    null: tuple[str, ...]
    """Of those, the ones with no value at all."""
    review_pages: tuple[int, ...]
    """1-based pages a person should look at (pipeline/review.py)."""
    type_name: str | None
    code: str | None
    page_reasons: dict[str, list[str]] = field(default_factory=dict)
    """Per page number (as a string, as in the sidecar), why it needs review."""

    def to_json(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "source": self.source,
            "type_name": self.type_name,
            "code": self.code,
            "unsure_fields": list(self.unsure),
            "null_fields": list(self.null),
            "review_pages": list(self.review_pages),
            "page_reasons": self.page_reasons,
        }


def review_queue(archive: Archive) -> list[ReviewItem]:
    """Documents that need review, oldest first."""
    out = []
    for row in archive.db.execute(
        "SELECT id FROM documents WHERE needs_review = 1 ORDER BY ingested_at, id"
    ).fetchall():
        record = archive.get(row["id"])
        try:
            sidecar = read_sidecar(record)
        except (OSError, ValueError):
            sidecar = {}
        metadata = record.metadata.to_json()
        unsure = unsure_fields(
            metadata, sidecar.get("field_confidence") or {}, sidecar.get("human_fields") or []
        )
        m = record.metadata
        out.append(
            ReviewItem(
                document_id=record.document_id,
                source=str(record.source),
                unsure=tuple(unsure),
                null=tuple(f for f in unsure if metadata.get(f) is None),
                review_pages=record.pages_needing_review,
                type_name=m.type_name,
                code=f"{m.code_number}/{m.code_notation}" if m.code_number else m.code_notation,
                page_reasons=sidecar.get("review_reasons") or {},
            )
        )
    return out


def document_view(archive: Archive, document_id: str) -> dict[str, Any]:
    """Everything `sohoa show` prints about one document."""
    record = archive.get(document_id)
    try:
        sidecar = read_sidecar(record)
    except (OSError, ValueError):
        sidecar = {}
    metadata = record.metadata.to_json()
    confidence = sidecar.get("field_confidence") or {}
    human = sidecar.get("human_fields") or []
    return {
        "document_id": record.document_id,
        "source": str(record.source),
        "pages": record.pages,
        "ingested_at": record.ingested_at.isoformat(),
        "metadata": metadata,
        "phu_luc_vi": phu_luc_vi(metadata),
        "confidence": confidence,
        "confirmed_fields": human,
        "needs_review": record.needs_review,
        "unsure_fields": unsure_fields(metadata, confidence, human),
        "review_pages": list(record.pages_needing_review),
        "mean_confidence": record.mean_confidence,
        "machine_metadata": sidecar.get("machine_metadata"),
        "edits": edit_history(archive, record.document_id),
        "paths": {
            "object_dir": str(record.pdf.parent),
            "pdf": str(record.pdf),
            "text": str(record.text_path),
            "original": str(record.original),
            "sidecar": str(sidecars.sidecar_path(record.pdf.parent)),
        },
        "signature": {
            "level": record.signature_level,
            "signer_subject": sidecar.get("signer_subject"),
            "signed_at": sidecar.get("signed_at"),
        },
    }

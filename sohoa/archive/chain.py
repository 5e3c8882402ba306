"""The audit trail as a hash chain: who did what, when, and proof that nobody changed it.

Each event carries the SHA-256 of the previous event's hash and of its own
content (id, time, actor, station, action, document, detail), so changing,
removing or reordering one event breaks every hash after it. The index
refuses UPDATE and DELETE on `events` (triggers); the chain catches what
bypasses SQLite (an editor, a restored backup). The hash of the last event
is also written to `log-head.txt` beside the index, inside the same write
transaction: cutting events off the end, which leaves a valid chain, is
caught there.

A chain without a key proves consistency, not authorship: whoever can
rewrite the index, the head file and every hash can forge a history. Copies
of the head (a replica, a bag, a printed `archive log --verify`) raise that bar.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sohoa.archive.fsutil import READ_ONLY, atomic_write

GENESIS = "0" * 64
HEAD_FILE = "log-head.txt"
FIELDS = ("id", "at", "actor", "station", "action", "document_id", "detail")


def event_hash(prev_hash: str, event: Mapping[str, Any]) -> str:
    """SHA-256 of the previous hash and the event's content, in a canonical form."""
    content = json.dumps(
        [event[name] for name in FIELDS], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


def last(db: sqlite3.Connection) -> tuple[int, str]:
    """(id, hash) of the last event, or (0, GENESIS) for an empty log."""
    row = db.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return 0, GENESIS
    return int(row[0]), str(row[1] or GENESIS)


def append(
    db: sqlite3.Connection,
    *,
    at: str,
    actor: str,
    station: str,
    action: str,
    document_id: str | None,
    detail: Mapping[str, Any],
) -> tuple[int, str]:
    """Append one event (the caller holds the write transaction). Returns (id, hash)."""
    prev_id, prev_hash = last(db)
    event = {
        "id": prev_id + 1,
        "at": at,
        "actor": actor,
        "station": station,
        "action": action,
        "document_id": document_id,
        "detail": json.dumps(dict(detail), ensure_ascii=False, sort_keys=True),
    }
    digest = event_hash(prev_hash, event)
    db.execute(
        "INSERT INTO events (id, at, actor, station, action, document_id, detail, prev_hash, hash)"
        " VALUES (?,?,?,?,?,?,?,?,?)",
        (*(event[name] for name in FIELDS), prev_hash, digest),
    )
    return event["id"], digest


def remove_dead_heads(root: Path) -> None:
    """Remove head files a killed writer left half-written (`.log-head.txt.*.part`).

    Only for a caller holding the index's write lock: a live writer writes the head
    under it, and removes its temporary file before it lets go.
    """
    for stale in root.glob(f".{HEAD_FILE}.*.part"):
        stale.unlink(missing_ok=True)


def write_head(root: Path, event_id: int, digest: str) -> None:
    """Record the chain head beside the index (write-then-rename, read-only)."""
    atomic_write(root / HEAD_FILE, f"{event_id} {digest}\n".encode(), READ_ONLY)


def read_head(root: Path) -> tuple[int, str] | None:
    try:
        text = (root / HEAD_FILE).read_text(encoding="ascii").split()
    except (OSError, UnicodeDecodeError):
        return None
    if len(text) != 2 or not text[0].isdigit():
        return None
    return int(text[0]), text[1]


def rechain(db: sqlite3.Connection) -> tuple[int, str]:
    """Chain events that have no hash yet (the migration of an existing archive)."""
    prev_hash = GENESIS
    last_id = 0
    for row in db.execute(f"SELECT {', '.join(FIELDS)} FROM events ORDER BY id").fetchall():
        event = dict(zip(FIELDS, row, strict=True))
        digest = event_hash(prev_hash, event)
        db.execute(
            "UPDATE events SET prev_hash = ?, hash = ? WHERE id = ?", (prev_hash, digest, row[0])
        )
        prev_hash, last_id = digest, row[0]
    return last_id, prev_hash


@dataclass(frozen=True)
class ChainProblem:
    """The first place the log stops being what was written."""

    event_id: int | None
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"event_id": self.event_id, "message": self.message}


def verify(rows: Iterable[Mapping[str, Any]], head: tuple[int, str] | None) -> ChainProblem | None:
    """Walk the chain in id order; the first bad event, or None when the log is whole.

    Finds an altered event (its hash no longer matches its content), a removed
    one (ids jump, or the next event's link points elsewhere), a reordering
    (links do not follow), and a cut-off end (the head file names a later event).
    """
    prev_hash, prev_id = GENESIS, 0
    for row in rows:
        event_id = int(row["id"])
        if event_id != prev_id + 1:
            return ChainProblem(
                event_id,
                f"event {event_id} follows event {prev_id}: "
                f"{event_id - prev_id - 1} event(s) removed before it"
                if event_id > prev_id + 1
                else f"event {event_id} is out of order after event {prev_id}",
            )
        if row["prev_hash"] != prev_hash:
            return ChainProblem(
                event_id,
                f"event {event_id} does not link to event {prev_id} "
                "(an event before it was removed, inserted or swapped)",
            )
        if row["hash"] != event_hash(prev_hash, row):
            return ChainProblem(
                event_id, f"event {event_id} ({row['action']}) was altered after it was written"
            )
        prev_hash, prev_id = row["hash"], event_id
    if head is None:
        if prev_id:
            return ChainProblem(None, f"{HEAD_FILE} is missing or unreadable")
        return None
    head_id, head_hash = head
    if head_id > prev_id:
        return ChainProblem(
            prev_id + 1,
            f"the log ends at event {prev_id} but {HEAD_FILE} names event {head_id}: "
            f"{head_id - prev_id} event(s) removed from the end",
        )
    if head_id < prev_id:
        return ChainProblem(
            head_id + 1,
            f"{HEAD_FILE} names event {head_id} but the log goes on to event {prev_id}: "
            "events after it were added without the archive (or a write was interrupted)",
        )
    if head_hash != prev_hash:
        return ChainProblem(head_id, f"event {head_id} differs from the one {HEAD_FILE} recorded")
    return None

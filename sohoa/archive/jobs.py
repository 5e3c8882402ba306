"""The durable queue of the watched inbox: one row per input taken, in the archive's index.

A job row is written before any work starts, and every step of the work moves it
along, each in a write transaction of the index:

    queued → processing → archived | duplicate | quarantined | vanished
       ↑          │
       └──────────┘  a transient error (retried after a back-off), a graceful stop,
                     or a crash (the next watcher takes `processing` jobs again)

`attempts` counts the tries; `last_error` says what went wrong last; `input_left`
marks a finished job whose input the share did not let us remove (the watcher
leaves it alone while it is unchanged). At most one open job per input path
(a unique partial index): the same file is never queued twice.

Times are ISO 8601 in Vietnam time, to the second, like every time in the index;
strings of one offset compare in time order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sohoa.archive.store import Archive
from sohoa.vntime import now

OPEN = ("queued", "processing")
FINAL = ("archived", "duplicate", "quarantined", "vanished")


@dataclass(frozen=True)
class Job:
    """One row of the queue."""

    id: int
    inbox: Path
    station: str | None
    path: Path
    fingerprint: str
    sha256: str | None
    state: str
    attempts: int
    last_error: str | None
    document_id: str | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Job:
        return cls(
            id=row["id"],
            inbox=Path(row["inbox"]),
            station=row["station"],
            path=Path(row["path"]),
            fingerprint=row["fingerprint"],
            sha256=row["sha256"],
            state=row["state"],
            attempts=row["attempts"],
            last_error=row["last_error"],
            document_id=row["document_id"],
            created_at=datetime.fromisoformat(row["created_at"]),
        )


class JobQueue:
    """The jobs of one inbox, in the index of the archive it feeds."""

    def __init__(self, archive: Archive, inbox: Path) -> None:
        self.archive = archive
        self.db = archive.db
        self.inbox = str(Path(inbox).absolute())

    def _get(self, job_id: int) -> Job:
        return Job.from_row(
            self.db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        )

    def add(
        self, path: Path, station: str | None, fingerprint: str, sha256: str | None = None
    ) -> Job:
        """Queue `path` (or return its open job: an input is never queued twice)."""
        (job,) = self.add_many([(path, station, fingerprint, sha256)])
        return job

    def add_many(self, inputs: Sequence[tuple[Path, str | None, str, str | None]]) -> list[Job]:
        """Queue inputs (path, station, fingerprint, SHA-256) in one transaction."""
        if not inputs:
            return []
        stamp = now().isoformat()
        ids = []
        with self.archive.transaction():
            for path, station, fingerprint, sha256 in inputs:
                row = self.db.execute(
                    "SELECT id FROM jobs WHERE inbox = ? AND path = ? AND state IN ('queued',"
                    " 'processing')",
                    (self.inbox, str(path)),
                ).fetchone()
                if row is not None:
                    ids.append(int(row["id"]))
                    continue
                cursor = self.db.execute(
                    "INSERT INTO jobs (inbox, station, path, fingerprint, sha256, state,"
                    " created_at, updated_at) VALUES (?,?,?,?,?, 'queued', ?, ?)",
                    (self.inbox, station, str(path), fingerprint, sha256, stamp, stamp),
                )
                ids.append(int(cursor.lastrowid or 0))
        return [self._get(i) for i in ids]

    def open_jobs(self, state: str | None = None) -> list[Job]:
        """Jobs of this inbox not finished (or in `state`), oldest first."""
        states = (state,) if state else OPEN
        marks = ",".join("?" * len(states))
        rows = self.db.execute(
            f"SELECT * FROM jobs WHERE inbox = ? AND state IN ({marks}) ORDER BY id",
            (self.inbox, *states),
        ).fetchall()
        return [Job.from_row(r) for r in rows]

    def due(self, limit: int) -> list[Job]:
        """Queued jobs whose back-off is over, oldest first."""
        rows = self.db.execute(
            "SELECT * FROM jobs WHERE inbox = ? AND state = 'queued'"
            " AND (not_before IS NULL OR not_before <= ?) ORDER BY id LIMIT ?",
            (self.inbox, now().isoformat(), limit),
        ).fetchall()
        return [Job.from_row(r) for r in rows]

    def next_due_in(self) -> float | None:
        """Seconds until the earliest back-off of a queued job is over (0: one is due)."""
        row = self.db.execute(
            "SELECT min(coalesce(not_before, '')) AS t FROM jobs WHERE inbox = ?"
            " AND state = 'queued'",
            (self.inbox,),
        ).fetchone()
        if row is None or row["t"] is None:
            return None
        if not row["t"]:
            return 0.0
        return max(0.0, (datetime.fromisoformat(row["t"]) - now()).total_seconds())

    def start(self, jobs: Sequence[Job]) -> list[Job]:
        """Mark jobs processing, one more attempt each, before their work starts."""
        stamp = now().isoformat()
        with self.archive.transaction():
            for job in jobs:
                self.db.execute(
                    "UPDATE jobs SET state = 'processing', attempts = attempts + 1,"
                    " started_at = ?, updated_at = ?, not_before = NULL WHERE id = ?",
                    (stamp, stamp, job.id),
                )
        return [self._get(job.id) for job in jobs]

    def finish(
        self,
        job: Job,
        state: str,
        *,
        error: str | None = None,
        document_id: str | None = None,
        pages: int | None = None,
        sha256: str | None = None,
        input_left: bool = False,
    ) -> None:
        assert state in FINAL, state
        stamp = now().isoformat()
        with self.archive.transaction():
            self.db.execute(
                "UPDATE jobs SET state = ?, last_error = coalesce(?, last_error),"
                " document_id = coalesce(?, document_id), pages = coalesce(?, pages),"
                " sha256 = coalesce(?, sha256), input_left = ?, finished_at = ?, updated_at = ?"
                " WHERE id = ?",
                (state, error, document_id, pages, sha256, int(input_left), stamp, stamp, job.id),
            )

    def requeue(
        self, jobs: Iterable[Job], error: str | None, *, delay: float = 0.0, counted: bool = True
    ) -> None:
        """Back to the queue: after `delay` seconds; `counted=False` gives the attempt back
        (a graceful stop, or a batch stopped by another input's environment error)."""
        stamp = now()
        not_before = (stamp + timedelta(seconds=delay)).isoformat() if delay > 0 else None
        with self.archive.transaction():
            for job in jobs:
                self.db.execute(
                    "UPDATE jobs SET state = 'queued', last_error = coalesce(?, last_error),"
                    " not_before = ?, updated_at = ?,"
                    " attempts = max(0, attempts - ?) WHERE id = ?",
                    (error, not_before, stamp.isoformat(), 0 if counted else 1, job.id),
                )

    def left_in_inbox(self) -> list[tuple[Path, str]]:
        """Inputs of finished jobs still in the inbox (the share refused their removal),
        with their fingerprint then: the latest job of each path only."""
        rows = self.db.execute(
            "SELECT path, fingerprint, input_left FROM jobs WHERE id IN"
            " (SELECT max(id) FROM jobs WHERE inbox = ? GROUP BY path)",
            (self.inbox,),
        ).fetchall()
        return [(Path(r["path"]), r["fingerprint"]) for r in rows if r["input_left"]]


def status(db: sqlite3.Connection, *, window_minutes: int = 10, errors: int = 3) -> dict[str, Any]:
    """What `sohoa status` shows, per inbox and station, from the jobs table."""
    moment = now()
    since = (moment - timedelta(minutes=window_minutes)).isoformat()
    inboxes: dict[str, dict[str, Any]] = {}
    for row in db.execute(
        "SELECT inbox, coalesce(station, '') AS station, state, count(*) AS n FROM jobs"
        " GROUP BY inbox, station, state"
    ):
        inbox = inboxes.setdefault(row["inbox"], _empty_inbox(row["inbox"]))
        station = inbox["stations"].setdefault(row["station"], _empty_station())
        station[row["state"]] = row["n"]
        inbox[row["state"]] += row["n"]
    for inbox in inboxes.values():
        name = inbox["inbox"]
        oldest = db.execute(
            "SELECT min(created_at) AS t FROM jobs WHERE inbox = ? AND state IN"
            " ('queued', 'processing')",
            (name,),
        ).fetchone()["t"]
        inbox["oldest_queued_seconds"] = (
            round((moment - datetime.fromisoformat(oldest)).total_seconds()) if oldest else None
        )
        done = db.execute(
            "SELECT coalesce(sum(pages), 0) AS p FROM jobs WHERE inbox = ?"
            " AND state = 'archived' AND finished_at >= ?",
            (name, since),
        ).fetchone()["p"]
        inbox["pages_per_minute"] = round(done / window_minutes, 1)
        inbox["queue_depth"] = inbox["queued"] + inbox["processing"]
        for station_name, station in inbox["stations"].items():
            station["last_errors"] = [
                {
                    "at": r["updated_at"],
                    "source": r["path"],
                    "state": r["state"],
                    "attempts": r["attempts"],
                    "error": r["last_error"],
                }
                for r in db.execute(
                    "SELECT * FROM jobs WHERE inbox = ? AND coalesce(station, '') = ?"
                    " AND last_error IS NOT NULL ORDER BY updated_at DESC, id DESC LIMIT ?",
                    (name, station_name, errors),
                )
            ]
    return {"at": moment.isoformat(), "window_minutes": window_minutes, "inboxes": inboxes}


def _empty_inbox(name: str) -> dict[str, Any]:
    return {"inbox": name, "stations": {}, **dict.fromkeys(OPEN + FINAL, 0)}


def _empty_station() -> dict[str, Any]:
    return dict.fromkeys(OPEN + FINAL, 0)

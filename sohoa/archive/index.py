"""The archive's SQLite index: one row per document, an audit trail, the quarantine log.

Schema changes are numbered migrations applied in one transaction each
(STYLE.md §10); `PRAGMA user_version` records the last one applied. The index
can always be rebuilt from the sidecar `metadata.json` of each object, so the
files on disk are the truth and the index a fast view of them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from sohoa.archive.upgrade import migration_3
from sohoa.progress.schema import migration_register

#: A migration is SQL (statements separated by `;`) or a function of the connection,
#: for steps SQL alone cannot do (triggers, hashing existing rows).
Migration = str | Callable[[sqlite3.Connection], None]

MIGRATIONS: tuple[Migration, ...] = (
    # 1: documents, audit trail, quarantine log
    """
    CREATE TABLE documents (
        id               TEXT PRIMARY KEY,
        sha256           TEXT NOT NULL UNIQUE,
        source           TEXT NOT NULL,
        object_dir       TEXT NOT NULL,
        pdf_path         TEXT NOT NULL,
        pdf_sha256       TEXT NOT NULL,
        text_path        TEXT NOT NULL,
        original_path    TEXT NOT NULL,
        pages            INTEGER NOT NULL,
        metadata         TEXT NOT NULL,
        organ_name       TEXT,
        code_number      TEXT,
        code_notation    TEXT,
        type_name        TEXT,
        issued_date      TEXT,
        subject          TEXT,
        signer_full_name TEXT,
        signature_level  TEXT NOT NULL,
        signer_subject   TEXT NOT NULL,
        signed_at        TEXT NOT NULL,
        mean_confidence  REAL NOT NULL,
        review_pages     TEXT NOT NULL DEFAULT '[]',
        needs_review     INTEGER NOT NULL DEFAULT 0,
        ingested_at      TEXT NOT NULL
    );
    CREATE INDEX documents_notation ON documents (code_number, code_notation);
    CREATE INDEX documents_date ON documents (issued_date);
    CREATE TABLE events (
        id          INTEGER PRIMARY KEY,
        at          TEXT NOT NULL,
        actor       TEXT NOT NULL,
        action      TEXT NOT NULL,
        document_id TEXT,
        detail      TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX events_document ON events (document_id);
    CREATE TABLE quarantine (
        id      INTEGER PRIMARY KEY,
        at      TEXT NOT NULL,
        source  TEXT NOT NULL,
        path    TEXT,
        reason  TEXT NOT NULL
    );
    """,
    # 2: corrections of extracted metadata by a person (sohoa edit): the machine's
    # reading is kept beside every change. Values are JSON. No foreign key: the
    # documents table must stay rebuildable from the sidecars.
    """
    CREATE TABLE metadata_edits (
        id            INTEGER PRIMARY KEY,
        document_id   TEXT NOT NULL,
        field         TEXT NOT NULL,
        old_value     TEXT,
        new_value     TEXT,
        machine_value TEXT,
        actor         TEXT NOT NULL,
        at            TEXT NOT NULL
    );
    CREATE INDEX metadata_edits_document ON metadata_edits (document_id);
    """,
    # 3: search (FTS5), dossiers and their links, the fixity manifest of every object,
    # events with a station, hash-chained and append-only (issue 11; sohoa/archive/upgrade.py)
    migration_3,
    # 4: the durable queue of the watched inbox (archive/jobs.py): a row per input taken,
    # written before its work starts; at most one open job per input path.
    """
    CREATE TABLE jobs (
        id          INTEGER PRIMARY KEY,
        inbox       TEXT NOT NULL,
        station     TEXT,
        path        TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        sha256      TEXT,
        pages       INTEGER,
        state       TEXT NOT NULL DEFAULT 'queued' CHECK (state IN
                    ('queued', 'processing', 'archived', 'duplicate', 'quarantined', 'vanished')),
        attempts    INTEGER NOT NULL DEFAULT 0,
        last_error  TEXT,
        document_id TEXT,
        input_left  INTEGER NOT NULL DEFAULT 0,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        started_at  TEXT,
        finished_at TEXT,
        not_before  TEXT
    );
    CREATE UNIQUE INDEX jobs_open ON jobs (inbox, path) WHERE state IN ('queued', 'processing');
    CREATE INDEX jobs_state ON jobs (inbox, state);
    CREATE INDEX jobs_finished ON jobs (finished_at);
    """,
    # 5: the register of TTHC results, the latest verdict on each signature, and what keeps
    # register.digitized_at (issue 13; sohoa/progress/schema.py)
    migration_register,
)


def connect(path: Path) -> sqlite3.Connection:
    """Open (and migrate) the index at `path`."""
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    migrate(conn)
    return conn


def migrate(conn: sqlite3.Connection) -> None:
    """Apply the migrations not yet applied, each in its own write transaction.

    The version is read again under the write lock: two processes opening one
    archive at once never apply the same migration twice.
    """
    if conn.execute("PRAGMA user_version").fetchone()[0] >= len(MIGRATIONS):
        return
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version >= len(MIGRATIONS):
                conn.execute("COMMIT")
                return
            script = MIGRATIONS[version]
            if callable(script):
                script(conn)
            else:
                # executescript would commit the transaction; run statements one by one.
                for statement in (s.strip() for s in script.split(";")):
                    if statement:
                        conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise

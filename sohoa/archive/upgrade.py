"""Migration 3 (issue 11): search, dossiers, fixity manifest, a hash-chained append-only log.

An existing archive is brought up in one transaction: the events it already
has are chained in their order, every object's files are recorded for the
fixity check (the signed PDF and a single-file original by the hashes taken
at ingest, the rest as found now), and the search index is filled from the
sidecars and text files, the truth the index is rebuilt from.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sohoa.archive import chain, search
from sohoa.archive.fsutil import sha256_file

SCHEMA = (
    "ALTER TABLE events ADD COLUMN station TEXT",
    "ALTER TABLE events ADD COLUMN prev_hash TEXT",
    "ALTER TABLE events ADD COLUMN hash TEXT",
    # Thông tư 05/2025/TT-BNV and Nghị định 30/2020 Phụ lục VI (thông tin hồ sơ):
    # mã hồ sơ, tiêu đề, thời hạn bảo quản, chế độ sử dụng, ngôn ngữ, thời gian bắt
    # đầu/kết thúc, người lập, từ khóa, ghi chú, mức độ tin cậy; and the applicant
    # (người nộp, số định danh cá nhân) the one-stop shop serves.
    """CREATE TABLE dossiers (
        code           TEXT PRIMARY KEY,
        title          TEXT,
        maintenance    TEXT,
        rights         TEXT,
        language       TEXT NOT NULL DEFAULT 'vi',
        start_date     TEXT,
        end_date       TEXT,
        creator        TEXT,
        applicant_id   TEXT,
        applicant_name TEXT,
        keywords       TEXT,
        description    TEXT,
        reliability    TEXT NOT NULL DEFAULT 'Số hóa',
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL
    )""",
    "CREATE INDEX dossiers_applicant ON dossiers (applicant_id)",
    # No foreign keys: the documents table must stay rebuildable from the sidecars.
    """CREATE TABLE document_dossiers (
        document_id  TEXT NOT NULL,
        dossier_code TEXT NOT NULL,
        origin       TEXT NOT NULL,
        linked_at    TEXT NOT NULL,
        PRIMARY KEY (document_id, dossier_code)
    )""",
    "CREATE INDEX document_dossiers_code ON document_dossiers (dossier_code)",
    """CREATE TABLE object_files (
        document_id TEXT NOT NULL,
        path        TEXT NOT NULL,
        sha256      TEXT NOT NULL,
        size        INTEGER NOT NULL,
        PRIMARY KEY (document_id, path)
    )""",
    """CREATE VIRTUAL TABLE search USING fts5(
        document_id UNINDEXED, code, type, organ, meta, body,
        tokenize = 'unicode61 remove_diacritics 2'
    )""",
)

APPEND_ONLY = (
    """CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
    """CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
)


def migration_3(conn: sqlite3.Connection) -> None:
    for statement in SCHEMA:
        conn.execute(statement)
    root = Path(conn.execute("PRAGMA database_list").fetchone()[2]).parent
    for row in conn.execute("SELECT * FROM documents").fetchall():
        _record_files(conn, root, row)
        search.reindex(conn, root, row["id"])
    last_id, head = chain.rechain(conn)
    for statement in APPEND_ONLY:
        conn.execute(statement)
    if last_id:
        chain.write_head(root, last_id, head)


def _record_files(conn: sqlite3.Connection, root: Path, row: sqlite3.Row) -> None:
    folder = root / row["object_dir"]
    if not folder.is_dir():
        return  # `archive check` reports it: a row without its object
    known = {
        Path(row["pdf_path"]).relative_to(row["object_dir"]).as_posix(): row["pdf_sha256"],
    }
    original = root / row["original_path"]
    if original.is_file():
        known[Path(row["original_path"]).relative_to(row["object_dir"]).as_posix()] = row["sha256"]
    for path in sorted(folder.rglob("*")):
        if path.is_dir():
            continue
        rel = path.relative_to(folder).as_posix()
        digest = known.get(rel) or sha256_file(path)
        conn.execute(
            "INSERT OR REPLACE INTO object_files (document_id, path, sha256, size) VALUES (?,?,?,?)",
            (row["id"], rel, digest, path.stat().st_size),
        )

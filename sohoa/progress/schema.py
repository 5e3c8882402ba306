"""The index migration of issue 13: the register of results, recorded signature verdicts,
and the tallies `sohoa progress` reads instead of a million rows.

What counts as digitized (issue 13, Nghị định 30/2020 Điều 25–26: a copy has
legal value when it carries the agency's signature): a register entry is
digitized when a signed, archived document is linked to its dossier and that
document's signature verifies — intact, chained to a trust anchor of the
archive, nothing changed after signing (`sohoa.signing.verify.verify_file`,
exit code 0).

Verifying a PDF takes tens of milliseconds; half a million cannot be verified
again on every `sohoa progress`. So each document's latest verdict is recorded
once, with when and by what:

- `ingest`: every document enters the archive only after its signed PDF
  verified (the ingest and `import --bagit` verify before storing), so a
  trigger records that verdict with the row, at the time it was archived;
- `check`: `sohoa archive check` verifies every signature again with the
  archive's anchors and records each verdict, good or bad (a tampered file, an
  anchor no longer trusted), `verdicts.py`.

Everything `progress` counts is kept current by triggers, so that reading it
costs milliseconds whatever the size of the register:

- `register.digitized_at`: when the entry first had a linked document whose
  latest verdict is good (the later of the document's archiving and its
  linking), following links, unlinks and verdicts;
- `register_tally`: entries by day resolved and by day digitized;
- `work_tally`: documents archived per day, clerk and station (ingest events);
- `lookups`: each look-up at the counter and whether papers were held.
"""

from __future__ import annotations

import sqlite3

#: The last day a result is valid, from the register's columns (see `register`).
VALID_THROUGH = (
    "CASE WHEN {p}still_valid = 0 THEN '' ELSE coalesce({p}valid_until, '9999-12-31') END"
)
#: When a register entry became digitized, for the row `register` being updated.
DIGITIZED_AT = """(
    SELECT min(max(d.ingested_at, l.linked_at))
    FROM document_dossiers l
    JOIN documents d ON d.id = l.document_id
    JOIN signature_checks c ON c.document_id = l.document_id AND c.ok = 1
    WHERE l.dossier_code = {code})"""
_REFRESH = f"UPDATE register SET digitized_at = {DIGITIZED_AT.format(code='register.code')}"


def _tally(row: str, step: str) -> str:
    """Statements adding `step` (+1 or -1) to the tallies of register row `row` (NEW/OLD)."""
    return f"""
        INSERT INTO register_tally (kind, day, entries)
        VALUES ('resolved', coalesce({row}.resolved_date, ''), {step})
        ON CONFLICT (kind, day) DO UPDATE SET entries = entries + ({step});
        INSERT INTO register_tally (kind, day, entries)
        SELECT 'digitized', substr({row}.digitized_at, 1, 10), {step}
        WHERE {row}.digitized_at IS NOT NULL
        ON CONFLICT (kind, day) DO UPDATE SET entries = entries + ({step});"""


SCHEMA = (
    # The register of TTHC results exported by the one-stop system: the denominator.
    # Dates are ISO (YYYY-MM-DD); still_valid is 1, 0 or NULL (not given); valid_through
    # is the last day the result is valid: '' when the register says it no longer is,
    # '9999-12-31' when it gives no end.
    """CREATE TABLE register (
        code           TEXT PRIMARY KEY,
        procedure_code TEXT,
        procedure_name TEXT,
        field          TEXT,
        department     TEXT,
        received_date  TEXT,
        resolved_date  TEXT,
        valid_until    TEXT,
        still_valid    INTEGER,
        applicant      TEXT,
        applicant_id   TEXT,
        source         TEXT NOT NULL,
        line           INTEGER NOT NULL,
        imported_at    TEXT NOT NULL,
        updated_at     TEXT NOT NULL,
        digitized_at   TEXT,
        valid_through  TEXT NOT NULL
    ) WITHOUT ROWID""",
    # Narrow indexes `figures.py` counts ranges of, or reads in group order.
    "CREATE INDEX register_digitized ON register (digitized_at, received_date)",
    "CREATE INDEX register_resolved ON register (resolved_date, digitized_at, valid_through)",
    "CREATE INDEX register_validity ON register (valid_through, resolved_date, digitized_at)",
    "CREATE INDEX register_groups ON register"
    " (department, field, resolved_date, digitized_at, valid_through)",
    """CREATE TABLE register_tally (
        kind    TEXT NOT NULL,
        day     TEXT NOT NULL,
        entries INTEGER NOT NULL,
        PRIMARY KEY (kind, day)
    ) WITHOUT ROWID""",
    f"CREATE TRIGGER register_tally_insert AFTER INSERT ON register BEGIN {_tally('NEW', '1')} END",
    f"CREATE TRIGGER register_tally_delete AFTER DELETE ON register BEGIN"
    f" {_tally('OLD', '-1')} END",
    f"CREATE TRIGGER register_tally_update AFTER UPDATE OF resolved_date, digitized_at"
    f" ON register BEGIN {_tally('OLD', '-1')} {_tally('NEW', '1')} END",
    # The latest verdict on each document's signature (module docstring).
    """CREATE TABLE signature_checks (
        document_id TEXT PRIMARY KEY,
        pdf_sha256  TEXT NOT NULL,
        ok          INTEGER NOT NULL,
        status      TEXT NOT NULL,
        message     TEXT,
        checked_at  TEXT NOT NULL,
        source      TEXT NOT NULL
    ) WITHOUT ROWID""",
    "CREATE INDEX signature_checks_state ON signature_checks (ok, source)",
    """CREATE TRIGGER signature_verified_on_entry AFTER INSERT ON documents BEGIN
        INSERT OR IGNORE INTO signature_checks
            (document_id, pdf_sha256, ok, status, message, checked_at, source)
        VALUES (NEW.id, NEW.pdf_sha256, 1, 'valid', 'verified before it was archived',
                NEW.ingested_at, 'ingest');
    END""",
    f"""CREATE TRIGGER register_link_added AFTER INSERT ON document_dossiers BEGIN
        {_REFRESH} WHERE code = NEW.dossier_code;
    END""",
    f"""CREATE TRIGGER register_link_removed AFTER DELETE ON document_dossiers BEGIN
        {_REFRESH} WHERE code = OLD.dossier_code;
    END""",
    f"""CREATE TRIGGER register_verdict_added AFTER INSERT ON signature_checks BEGIN
        {_REFRESH} WHERE code IN
            (SELECT dossier_code FROM document_dossiers WHERE document_id = NEW.document_id);
    END""",
    f"""CREATE TRIGGER register_verdict_changed AFTER UPDATE OF ok ON signature_checks BEGIN
        {_REFRESH} WHERE code IN
            (SELECT dossier_code FROM document_dossiers WHERE document_id = NEW.document_id);
    END""",
    # From the audit trail: documents archived per day, clerk and station (Phụ lục item 18),
    # and the look-ups at the counter (item 9). The last `check` is found by action.
    "CREATE INDEX events_action ON events (action)",
    """CREATE TABLE work_tally (
        day       TEXT NOT NULL,
        actor     TEXT NOT NULL,
        station   TEXT NOT NULL,
        documents INTEGER NOT NULL,
        PRIMARY KEY (day, actor, station)
    ) WITHOUT ROWID""",
    """CREATE TRIGGER work_tally_ingest AFTER INSERT ON events WHEN NEW.action = 'ingest' BEGIN
        INSERT INTO work_tally (day, actor, station, documents)
        VALUES (substr(NEW.at, 1, 10), NEW.actor, coalesce(NEW.station, ''), 1)
        ON CONFLICT (day, actor, station) DO UPDATE SET documents = documents + 1;
    END""",
    """CREATE TABLE lookups (
        event_id INTEGER PRIMARY KEY,
        at       TEXT NOT NULL,
        subject  TEXT NOT NULL,
        held     INTEGER NOT NULL
    )""",
    "CREATE INDEX lookups_at ON lookups (at, subject, held)",
    """CREATE TRIGGER lookups_logged AFTER INSERT ON events WHEN NEW.action = 'lookup' BEGIN
        INSERT INTO lookups (event_id, at, subject, held) VALUES (NEW.id, NEW.at,
            coalesce('dossier:' || json_extract(NEW.detail, '$.dossier'),
                     'citizen:' || json_extract(NEW.detail, '$.citizen'), ''),
            coalesce(json_extract(NEW.detail, '$.documents'), 0) > 0);
    END""",
)

#: What an archive already holds when it is migrated.
BACKFILL = (
    "INSERT INTO signature_checks"
    " (document_id, pdf_sha256, ok, status, message, checked_at, source)"
    " SELECT id, pdf_sha256, 1, 'valid', 'verified before it was archived', ingested_at,"
    " 'ingest' FROM documents",
    "INSERT INTO work_tally (day, actor, station, documents)"
    " SELECT substr(at, 1, 10), actor, coalesce(station, ''), count(*) FROM events"
    " WHERE action = 'ingest' GROUP BY 1, 2, 3",
)


def migration_register(conn: sqlite3.Connection) -> None:
    """Create the register, the verdicts and the tallies; every archived document was
    verified on entry."""
    for statement in (*SCHEMA, *BACKFILL):
        conn.execute(statement)

"""`sohoa progress`: the target path, what counts as digitized, the figures, the gaps.

Real archives (files, sidecars, index, audit trail) filled through the store
with the clock fixed; the register through `register import`; signatures that
stop verifying through a real `archive check` of really signed PDFs.
"""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from sohoa.archive import dossiers, fixity, index
from sohoa.archive.store import Archive
from sohoa.config import ProgressSettings, Settings
from sohoa.errors import UsageError
from sohoa.models import DocumentMetadata
from sohoa.progress import gaps
from sohoa.progress.figures import progress
from sohoa.progress.targets import (
    Milestone,
    completion_date,
    needed,
    parse_quarter,
    road,
    target_on,
)
from sohoa.vntime import now
from tests.archive_helpers import store_document
from tests.progress_helpers import (
    archive_at,
    at,
    clock,
    code,
    entry,
    import_rows,
    link_at,
)

SOHOA = [sys.executable, "-m", "sohoa.cli"]


@pytest.fixture
def archive(tmp_path: Path):
    store = Archive(tmp_path / "archive", create=True)
    yield store
    store.close()


# --- the target path -------------------------------------------------------------------------


def test_the_plans_road_by_default() -> None:
    milestones = road(ProgressSettings())
    assert [(m.day.isoformat(), m.percent) for m in milestones] == [
        ("2021-12-31", 30.0),
        ("2022-03-31", 50.0),
        ("2023-12-31", 70.0),
        ("2024-12-31", 90.0),
        ("2025-12-31", 100.0),
    ]


@pytest.mark.parametrize(
    "day, percent",
    [
        ("2021-12-30", None),  # before the first milestone
        ("2021-12-31", 30.0),  # on it
        ("2022-02-15", 30.0),  # between: the latest reached, never interpolated
        ("2022-03-31", 50.0),
        ("2022-12-31", 50.0),  # no step at the end of 2022: the yearly steps start in 2023
        ("2023-12-30", 50.0),
        ("2023-12-31", 70.0),
        ("2024-07-01", 70.0),
        ("2024-12-31", 90.0),
        ("2025-12-31", 100.0),
        ("2031-06-30", 100.0),  # capped
    ],
)
def test_target_on_milestones_and_between(day: str, percent: float | None) -> None:
    target = target_on(road(ProgressSettings()), date.fromisoformat(day))
    assert (target.percent if target else None) == percent


def test_configured_milestones_and_steps() -> None:
    settings = ProgressSettings(
        milestones=((date(2024, 6, 30), 40.0),), yearly_step=25, yearly_from=2023
    )
    assert [(m.day.year, m.day.month, m.percent) for m in road(settings)] == [
        (2024, 6, 40.0), (2024, 12, 65.0), (2025, 12, 90.0), (2026, 12, 100.0)
    ]  # fmt: skip
    alone = ProgressSettings(yearly_step=0)
    assert road(alone) == (Milestone(date(2021, 12, 31), 30.0), Milestone(date(2022, 3, 31), 50.0))


def test_needed_rounds_up_and_the_forecast_counts_days() -> None:
    assert needed(30, 7) == 3 and needed(30, 10) == 3 and needed(100, 10) == 10
    today = date(2026, 6, 30)
    assert completion_date(20, 1 / 3, today) == date(2026, 8, 29)
    assert completion_date(0, 0.0, today) == today
    assert completion_date(5, 0.0, today) is None


def test_quarters() -> None:
    q = parse_quarter("2026Q3")
    assert (q.start, q.end, q.due) == (date(2026, 7, 1), date(2026, 9, 30), date(2026, 9, 15))
    assert q.vietnamese == "quý III năm 2026"
    assert parse_quarter("Q4/2025").end == date(2025, 12, 31)
    assert parse_quarter("2024-q1").start == date(2024, 1, 1)
    with pytest.raises(UsageError):
        parse_quarter("2026Q5")


# --- rates on milestone dates ----------------------------------------------------------------


def test_rates_targets_and_gaps_on_milestone_dates_and_between(
    monkeypatch: pytest.MonkeyPatch, archive: Archive, tmp_path: Path
) -> None:
    import_rows(archive, tmp_path, [entry(n, f"2021-0{1 + n % 6}-15") for n in range(1, 11)])
    for n, day in ((1, "2021-11-10"), (2, "2021-12-01"), (3, "2021-12-31"), (4, "2022-04-02"),
                   (5, "2023-06-01"), (6, "2023-12-31")):  # fmt: skip
        archive_at(monkeypatch, archive, tmp_path, at(day), n, code(n))
    settings = ProgressSettings()

    def figures(day: str):
        return progress(archive.db, settings, date.fromisoformat(day))

    before = figures("2021-12-30")
    assert (before.overall.digitized, before.overall.total) == (2, 10)
    assert before.target is None and before.overall.status == "no-target-yet"
    on = figures("2021-12-31")  # archived at 09:00 that day: counts by its end
    assert on.overall.rate == 30.0 and on.target.percent == 30.0
    assert on.overall.status == "on-track" and on.overall.gap_documents == 0
    spring = figures("2022-03-31")
    assert spring.target.percent == 50.0 and spring.overall.digitized == 3
    assert spring.overall.status == "behind"
    assert spring.overall.gap_points == pytest.approx(20.0) and spring.overall.gap_documents == 2
    assert figures("2022-04-02").overall.digitized == 4
    between = figures("2023-07-01")
    assert between.target.percent == 50.0 and between.overall.digitized == 5
    assert between.overall.status == "on-track"
    assert between.next == Milestone(date(2023, 12, 31), 70.0)
    assert between.next_needed[0] == 2  # 7 of 10 by the end of the year
    end = figures("2023-12-31")
    assert (
        end.target.percent == 70.0 and end.overall.digitized == 6 and end.overall.gap_documents == 1
    )
    now = figures("2026-11-30")
    assert now.target.percent == 100.0 and now.overall.gap_documents == 4
    assert now.summary() == (
        "Progress on 2026-11-30: 6 / 10 digitized (60.0 %); target 100 % since 2025-12-31: "
        "behind by 40.0 points (4 documents)."
    )


def test_entries_count_from_the_day_they_are_resolved(
    monkeypatch: pytest.MonkeyPatch, archive: Archive, tmp_path: Path
) -> None:
    # A scan linked at the counter before the result is given counts once it is resolved.
    import_rows(archive, tmp_path, [entry(1, "2024-03-10"), entry(2, "2024-01-05"), entry(3, "")])
    archive_at(monkeypatch, archive, tmp_path, at("2024-02-01"), 1, code(1))
    early = progress(archive.db, ProgressSettings(), date(2024, 2, 15))
    assert (early.overall.digitized, early.overall.total) == (0, 2)  # entry 3: no date, counted
    later = progress(archive.db, ProgressSettings(), date(2024, 3, 10))
    assert (later.overall.digitized, later.overall.total) == (1, 3)


def test_still_valid_results_and_the_valid_scope(
    monkeypatch: pytest.MonkeyPatch, archive: Archive, tmp_path: Path
) -> None:
    import_rows(archive, tmp_path, [
        entry(1, "2022-01-10"),
        entry(2, "2022-01-11", valid="Không"),
        entry(3, "2022-01-12", until="30/06/2024"),
        entry(4, "2022-01-13", until="31/12/2030"),
    ])  # fmt: skip
    for n in (1, 2, 3):
        archive_at(monkeypatch, archive, tmp_path, at("2022-02-01"), n, code(n))
    mid = progress(archive.db, ProgressSettings(), date(2024, 6, 30))
    assert (mid.valid.digitized, mid.valid.total) == (2, 3)  # 1 and 3 (valid through its last day)
    after = progress(archive.db, ProgressSettings(), date(2024, 7, 1))
    assert (after.valid.digitized, after.valid.total) == (1, 2)
    assert (after.overall.digitized, after.overall.total) == (3, 4)  # scope "resolved"
    scoped = progress(archive.db, ProgressSettings(scope="valid"), date(2024, 7, 1))
    assert (scoped.overall.digitized, scoped.overall.total) == (1, 2)
    assert scoped.overall.rate == 50.0


# --- linking by dossier code -----------------------------------------------------------------


def test_linking_by_dossier_code_counts_from_the_link(
    monkeypatch: pytest.MonkeyPatch, archive: Archive, tmp_path: Path
) -> None:
    import_rows(archive, tmp_path, [entry(n, "2025-01-10") for n in (1, 2, 3)])
    by_qr = archive_at(monkeypatch, archive, tmp_path, at("2025-02-01"), 1, code(1))
    loose = archive_at(monkeypatch, archive, tmp_path, at("2025-02-02"), 2)
    other = archive_at(
        monkeypatch, archive, tmp_path, at("2025-02-03"), 3, "000.00.31.H26-250903-0117"
    )
    row = archive.db.execute("SELECT digitized_at FROM register WHERE code = ?", (code(1),))
    assert row.fetchone()[0] == at("2025-02-01").isoformat()
    assert progress(archive.db, ProgressSettings(), date(2025, 3, 1)).overall.digitized == 1
    link_at(monkeypatch, archive, at("2025-03-05"), code(2), [loose.document_id])
    figures = progress(archive.db, ProgressSettings(), date(2025, 3, 4))
    assert figures.overall.digitized == 1  # linked the next day: counts from the link
    assert progress(archive.db, ProgressSettings(), date(2025, 3, 5)).overall.digitized == 2
    # a second document for the same dossier changes nothing; unlinking the only one does
    link_at(monkeypatch, archive, at("2025-03-06"), code(1), [loose.document_id])
    assert progress(archive.db, ProgressSettings(), date(2025, 3, 6)).overall.digitized == 2
    with clock(monkeypatch, at("2025-03-07")):
        dossiers.unlink(archive, code(2), [loose.document_id])
    assert progress(archive.db, ProgressSettings(), date(2025, 3, 7)).overall.digitized == 1
    counts = gaps.counts(archive.db)
    assert (counts.entries_without_scan, counts.documents_not_in_register) == (2, 1)
    listed = {g.kind: g for g in gaps.entries(archive.db)} | {
        g.kind: g for g in gaps.documents(archive.db)
    }
    assert listed["not-in-register"].document_id == other.document_id
    assert "000.00.31.H26-250903-0117" in listed["not-in-register"].detail
    assert listed["no-scan"].code in (code(2), code(3))
    assert by_qr.dossiers == (code(1),)


def test_a_register_imported_after_the_scans_finds_them(
    monkeypatch: pytest.MonkeyPatch, archive: Archive, tmp_path: Path
) -> None:
    archive_at(monkeypatch, archive, tmp_path, at("2024-05-02"), 1, code(1))
    import_rows(archive, tmp_path, [entry(1, "2024-05-01"), entry(2, "2024-05-01")])
    figures = progress(archive.db, ProgressSettings(), date(2024, 5, 31))
    assert (figures.overall.digitized, figures.overall.total) == (1, 2)


# --- what "verifies" means -------------------------------------------------------------------


def store_signed(archive: Archive, tmp: Path, mark: int, dossier: str):
    """A really signed PDF (the archive's DEMO identity, PAdES B-B) stored for `dossier`."""
    from sohoa.scanners.loader import open_document
    from sohoa.signing.identity import load_identity
    from sohoa.signing.sign import sign_pdf
    from tests.archive_helpers import scan_file
    from tests.factories import ocr_page
    from tests.pki.fixtures import make_pdfa

    identity = load_identity(Settings(archive=archive.root), archive.root)
    signed = sign_pdf(
        make_pdfa(tmp / f"unsigned-{mark}.pdf"), tmp / f"signed-{mark}.pdf", identity,
        agency_name="Sở Tài chính",
    )  # fmt: skip
    return archive.store(
        open_document(scan_file(tmp / "in", f"scan-{mark}.png", mark)),
        [ocr_page(text=f"văn bản {mark}")],
        DocumentMetadata(),
        signed,
        review_confidence=70,
        dossier=(dossier, "qr"),
    )


def test_a_document_whose_signature_no_longer_verifies_does_not_count(
    archive: Archive, tmp_path: Path
) -> None:
    from sohoa.commands.archive import signature_checker

    import_rows(archive, tmp_path, [entry(n, "2025-01-10") for n in (1, 2, 3)])
    records = [store_signed(archive, tmp_path, n, code(n)) for n in (1, 2, 3)]
    today = now().date() + timedelta(days=1)
    assert progress(archive.db, ProgressSettings(), today).overall.digitized == 3
    checker = signature_checker(Settings(archive=archive.root), archive.root)
    first = fixity.check(archive, verify_signature=checker)
    assert first.findings == [] and first.signatures == 3
    verdicts = archive.db.execute("SELECT source, ok FROM signature_checks").fetchall()
    assert sorted(map(tuple, verdicts)) == [("check", 1)] * 3
    # Tamper with one signed copy.
    pdf = records[1].pdf
    os.chmod(pdf, 0o644)
    original = pdf.read_bytes()
    data = bytearray(original)
    data[len(data) // 3] ^= 0x01
    pdf.write_bytes(bytes(data))
    # Another one is judged by anchors that no longer trust it (a root removed).
    untrusted = {records[2].pdf}
    second = fixity.check(
        archive, verify_signature=lambda p: "signature untrusted" if p in untrusted else checker(p)
    )
    assert {f.kind for f in second.findings} == {"changed", "signature"}
    figures = progress(archive.db, ProgressSettings(), today)
    assert figures.overall.digitized == 1
    assert figures.verification.failing == 2 and figures.verification.checked == 3
    assert figures.verification.last_check is not None
    listed = {g.code: g for g in gaps.entries(archive.db)}
    assert listed[code(2)].kind == "not-verified" and "changed" in listed[code(2)].detail
    assert listed[code(3)].kind == "not-verified" and "untrusted" in listed[code(3)].detail
    # Put right (the copy restored, the anchor back): the next check counts them again.
    pdf.write_bytes(original)
    fixity.check(archive, verify_signature=checker)
    assert progress(archive.db, ProgressSettings(), today).overall.digitized == 3


# --- pace, forecast, productivity, reuse, turnaround -----------------------------------------


def test_the_forecast_on_a_synthetic_history(
    monkeypatch: pytest.MonkeyPatch, archive: Archive, tmp_path: Path
) -> None:
    # 60 results of 2025; 10 digitized before the window, then one every 3 days for 90 days.
    import_rows(
        archive, tmp_path, [entry(n, "2025-06-01", received="25/05/2025") for n in range(1, 61)]
    )
    for n in range(1, 11):
        archive_at(monkeypatch, archive, tmp_path, at("2025-12-01"), n, code(n))
    end = date(2026, 6, 30)
    for i, n in enumerate(range(11, 41)):
        day = end - timedelta(days=3 * i)
        archive_at(monkeypatch, archive, tmp_path, at(day.isoformat()), n, code(n))
    figures = progress(archive.db, ProgressSettings(), end)
    assert (figures.overall.digitized, figures.overall.total) == (40, 60)
    assert figures.pace.digitized == 30 and figures.pace.per_day == pytest.approx(1 / 3)
    assert figures.pace.complete_on == end + timedelta(days=60)  # 20 left at 1 every 3 days
    assert figures.turnaround.entries == 30
    days = [(end - timedelta(days=3 * i) - date(2025, 5, 25)).days for i in range(30)]
    assert figures.turnaround.median_days == statistics.median(days)
    stalled = progress(archive.db, ProgressSettings(), date(2026, 12, 31))
    assert stalled.pace.digitized == 0 and stalled.pace.complete_on is None


def test_productivity_per_clerk_and_station(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = tmp_path / "archive"
    n = 0
    for actor, station, count in (("Nguyễn Thị Lan", "quầy 1", 6), ("Trần Văn Minh", "quầy 1", 2),
                                  ("Trần Văn Minh", "quầy 2", 4)):  # fmt: skip
        monkeypatch.setenv("SOHOA_ACTOR", actor)
        store = Archive(root, create=True, station=station)
        for _ in range(count):
            n += 1
            archive_at(monkeypatch, store, tmp_path, at("2026-01-10") + timedelta(days=n), n)
        store.close()
    store = Archive(root)
    try:
        import_rows(store, tmp_path, [entry(1, "2025-01-01")])
        prod = progress(store.db, ProgressSettings(), date(2026, 12, 31)).productivity
        early = progress(store.db, ProgressSettings(), date(2026, 1, 20)).productivity
    finally:
        store.close()
    # ten days of work are not scaled to a year
    assert early.window_days == 10 and early.per_clerk is None
    assert [(name, docs, year) for name, docs, year in early.clerks] == [
        ("Nguyễn Thị Lan", 6, None), ("Trần Văn Minh", 4, None)
    ]  # fmt: skip
    assert prod.target == 1600 and prod.window_days == 365 - 10  # from the first ingest
    assert [(name, docs) for name, docs, _ in prod.clerks] == [
        ("Nguyễn Thị Lan", 6), ("Trần Văn Minh", 6)
    ]  # fmt: skip
    assert [(name, docs) for name, docs, _ in prod.stations] == [("quầy 1", 8), ("quầy 2", 4)]
    assert prod.per_clerk == pytest.approx(6 * 365 / 355)


def test_reuse_counts_lookups_that_found_papers(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    store = Archive(root, create=True)
    try:
        import_rows(store, tmp_path, [entry(n, now().date().isoformat()) for n in (1, 2, 3, 4)])
        dossiers.update(store, code(1), {"applicant_id": "079123456789"})
        store_document(store, tmp_path, "a.png", 1, "giấy tờ", dossier=(code(1), "qr"))
    finally:
        store.close()
    env = {**os.environ, "SOHOA_ACTOR": "Lê Thị Ngọc"}

    def lookup(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*SOHOA, "lookup", *args, "--archive", str(root)],
                              capture_output=True, text=True, env=env, timeout=120)  # fmt: skip

    assert lookup("--citizen", "079123456789").returncode == 0  # held: not asked again
    assert lookup("--citizen", "079123456789").returncode == 0  # the same applicant again
    assert lookup("--citizen", "079000000001").returncode == 1  # nothing held
    assert lookup("--dossier", code(1)).returncode == 0
    store = Archive(root)
    try:
        events = store.db.execute("SELECT actor, detail FROM events WHERE action = 'lookup'")
        logged = [(actor, json.loads(detail)) for actor, detail in events]
        reuse = progress(store.db, ProgressSettings(), now().date()).reuse
    finally:
        store.close()
    assert len(logged) == 4 and logged[0][0] == "Lê Thị Ngọc"
    assert logged[0][1]["citizen"] == "079123456789" and logged[0][1]["documents"] == 1
    assert (reuse.lookups, reuse.hits, reuse.dossiers) == (3, 2, 4)
    assert reuse.share == 50.0 and reuse.target == 30.0


# --- the tallies and the migration -----------------------------------------------------------


def direct_counts(db: sqlite3.Connection) -> dict[tuple[str, str], int]:
    found: dict[tuple[str, str], int] = {}
    for resolved, digitized in db.execute("SELECT resolved_date, digitized_at FROM register"):
        found[("resolved", resolved or "")] = found.get(("resolved", resolved or ""), 0) + 1
        if digitized:
            key = ("digitized", digitized[:10])
            found[key] = found.get(key, 0) + 1
    return found


def test_tallies_follow_every_change(
    monkeypatch: pytest.MonkeyPatch, archive: Archive, tmp_path: Path
) -> None:
    import_rows(archive, tmp_path, [entry(n, f"2024-0{n}-01") for n in range(1, 6)])
    docs = [
        archive_at(monkeypatch, archive, tmp_path, at(f"2024-0{n}-15"), n, code(n))
        for n in (1, 2, 3)
    ]
    link_at(monkeypatch, archive, at("2024-08-01"), code(4), [docs[0].document_id])
    with clock(monkeypatch, at("2024-08-02")):
        dossiers.unlink(archive, code(2), [docs[1].document_id])
    import_rows(archive, tmp_path, [entry(n, f"2024-0{n + 1}-02") for n in range(1, 7)])
    with archive.transaction():
        archive.db.execute("UPDATE signature_checks SET ok = 0 WHERE document_id = ?",
                           (docs[2].document_id,))  # fmt: skip
    tallies = {
        (kind, day): n
        for kind, day, n in archive.db.execute("SELECT kind, day, entries FROM register_tally")
        if n
    }
    assert tallies == direct_counts(archive.db)


def test_an_older_archive_is_migrated_with_what_it_holds(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    (root / "objects").mkdir(parents=True)
    conn = sqlite3.connect(root / "index.sqlite", isolation_level=None)
    conn.row_factory = sqlite3.Row
    for script in index.MIGRATIONS[:3]:  # an archive of issue 11's schema
        conn.execute("BEGIN")
        if callable(script):
            script(conn)
        else:
            for statement in filter(str.strip, script.split(";")):
                conn.execute(statement)
        conn.execute("COMMIT")
    conn.execute("PRAGMA user_version = 3")
    conn.execute(
        "INSERT INTO documents (id, sha256, source, object_dir, pdf_path, pdf_sha256, text_path,"
        " original_path, pages, metadata, signature_level, signer_subject, signed_at,"
        " mean_confidence, ingested_at) VALUES ('abcd', 'ab', 's', 'o', 'o/d.pdf', 'cd', 'o/t',"
        " 'o/s', 1, '{}', 'B-B', 'CN=X', '2025-01-02T09:00:00+07:00', 90,"
        " '2025-01-02T09:00:00+07:00')"
    )
    conn.execute(
        "INSERT INTO events (id, at, actor, station, action, document_id, detail)"
        " VALUES (1, '2025-01-02T09:00:00+07:00', 'An', 'quầy 1', 'ingest', 'abcd', '{}')"
    )
    conn.close()
    looked = run("progress", "--archive", str(root))  # reading: nothing migrated, nothing made
    assert looked.returncode == 3 and "register import" in " ".join(looked.stderr.split())
    with sqlite3.connect(root / "index.sqlite") as peek:
        assert peek.execute("PRAGMA user_version").fetchone()[0] == 3
    store = Archive(root)
    try:
        verdict = store.db.execute("SELECT ok, source, checked_at FROM signature_checks").fetchone()
        work = store.db.execute("SELECT * FROM work_tally").fetchone()
        version = store.db.execute("PRAGMA user_version").fetchone()[0]
    finally:
        store.close()
    assert tuple(verdict) == (1, "ingest", "2025-01-02T09:00:00+07:00")
    assert (work["day"], work["actor"], work["station"], work["documents"]) == (
        "2025-01-02", "An", "quầy 1", 1
    )  # fmt: skip
    assert version == len(index.MIGRATIONS)


# --- the command -----------------------------------------------------------------------------


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SOHOA, *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def test_cli_progress_json_text_gaps_and_errors(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = tmp_path / "archive"
    missing = run("progress", "--archive", str(root))
    assert missing.returncode == 3 and not root.exists()
    store = Archive(root, create=True)
    try:
        assert run("progress", "--archive", str(root)).returncode == 3  # empty register
        import_rows(store, tmp_path, [
            entry(1, "2025-03-01", "Phòng Quản lý giá [cũ]"),
            entry(2, "2025-03-02", "Phòng Tin học", field="Tin học"),
            entry(3, "2024-03-03", "Phòng Tin học", field="Tin học"),
        ])  # fmt: skip
        archive_at(monkeypatch, store, tmp_path, at("2025-04-01"), 1, code(1))
    finally:
        store.close()
    lines = run("progress", "--archive", str(root), "--at", "2025-12-31", "--by", "department",
                "--json").stdout.splitlines()  # fmt: skip
    groups = [json.loads(line) for line in lines[:-1]]
    overall = json.loads(lines[-1])
    assert [g["group"] for g in groups] == ["Phòng Quản lý giá [cũ]", "Phòng Tin học"]
    assert groups[0]["rate"] == 100.0 and groups[1]["gap_documents"] == 2
    assert overall["digitized"] == 1 and overall["total"] == 3 and overall["target"] == 100.0
    assert overall["target_since"] == "2025-12-31" and overall["status"] == "behind"
    assert "digitized" in overall["verification"]["meaning"]
    text = run("progress", "--archive", str(root), "--at", "2025-12-31", "--by", "year")
    assert text.returncode == 0
    assert text.stdout.strip().splitlines()[-1] == (
        "Progress on 2025-12-31: 1 / 3 digitized (33.3 %); target 100 % since 2025-12-31: "
        "behind by 66.7 points (2 documents)."
    )
    assert "Phòng Quản lý giá [cũ]" not in text.stdout and "2024" in text.stdout
    by_dept = run("progress", "--archive", str(root), "--by", "department")
    assert "Phòng Quản lý giá [cũ]" in by_dept.stdout  # printed as it is, not eaten as markup
    found = [json.loads(line) for line in run("progress", "gaps", "--archive", str(root),
                                               "--json").stdout.splitlines()]  # fmt: skip
    assert found[-1]["counts"] == {"no-scan": 2, "not-verified": 0, "not-in-register": 0}
    assert {g["code"] for g in found[:-1]} == {code(2), code(3)}
    assert run("progress", "--archive", str(root), "--at", "31/02/2025").returncode == 3
    assert run("progress", "--archive", str(root), "--by", "phong").returncode == 3
    config = tmp_path / "sohoa.toml"
    config.write_text("[progress]\nyearly_step = -5\n", encoding="utf-8")
    bad = run("progress", "--archive", str(root), "--config", str(config))
    assert bad.returncode == 4 and "yearly_step" in bad.stderr

"""Issue 11: search, dossiers, two copies, fixity check and repair, the hash-chained log.

Real files and a real SQLite index; the signed PDF is a stand-in here (signatures are
checked end to end in test_archive_cli.py)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import unicodedata
from pathlib import Path

import pytest

from sohoa.archive import chain, dossiers, fixity, vnsearch
from sohoa.archive.index import MIGRATIONS
from sohoa.archive.search import Filters, listing, search
from sohoa.archive.sidecar import read_sidecar
from sohoa.archive.store import Archive
from sohoa.errors import DiskError, UsageError
from tests.archive_helpers import DECISION, LETTER, REPORT, store_document

BODY_151 = (
    "QUYẾT ĐỊNH\nBan hành Kế hoạch triển khai Đề án số hóa hồ sơ\n"
    "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch số hóa kết quả giải quyết thủ tục hành chính."
)
BODY_LETTER = "Kính gửi: Văn phòng Bộ\nVề việc lập hồ sơ điện tử; đề nghị các đơn vị thực hiện."
BODY_REPORT = "Báo cáo kết quả cải cách hành chính năm 2025. Tỉnh đã hoàn thành số hóa 40% hồ sơ."


@pytest.fixture
def three(tmp_path: Path) -> tuple[Archive, list[str]]:
    archive = Archive(tmp_path / "archive", create=True, replica=_replica(tmp_path))
    ids = [
        store_document(archive, tmp_path, "qd-151.png", 1, BODY_151, metadata=DECISION).document_id,
        store_document(archive, tmp_path, "cv-05.png", 2, BODY_LETTER, metadata=LETTER).document_id,
        store_document(archive, tmp_path, "bc-12.png", 3, BODY_REPORT, metadata=REPORT).document_id,
    ]
    yield archive, ids
    archive.close()


def _replica(tmp_path: Path) -> Path:
    folder = tmp_path / "copy2"
    folder.mkdir(exist_ok=True)
    return folder


def _ids(hits) -> list[str]:
    return [h.document_id for h in hits]


# --- search ---------------------------------------------------------------------------------


def test_folding_keeps_length_and_maps_d_and_nfd() -> None:
    text = "Quyết định số hóa ĐỀ ÁN"
    assert vnsearch.fold(text) == "quyet dinh so hoa de an"
    assert len(vnsearch.fold(text)) == len(unicodedata.normalize("NFC", text))
    assert vnsearch.fold(unicodedata.normalize("NFD", text)) == vnsearch.fold(text)
    assert vnsearch.code_terms("05", "BNV-VP") == "05 5 bnv vp 05bnvvp 5bnvvp"


def test_search_ignores_case_and_diacritics_and_nfd(three) -> None:
    archive, (qd, cv, _bc) = three
    for query in ("quyet dinh so hoa", "QUYẾT ĐỊNH SỐ HÓA", "quyết định số hoá",
                  unicodedata.normalize("NFD", "quyết định số hóa")):  # fmt: skip
        assert _ids(search(archive.db, archive.root, query))[0] == qd, query
    # đ is a letter of its own to SQLite; folded to d both ways
    assert _ids(search(archive.db, archive.root, "de an"))[0] == qd
    assert cv in _ids(search(archive.db, archive.root, "điện tử"))
    assert _ids(search(archive.db, archive.root, "dien tu")) == _ids(
        search(archive.db, archive.root, "ĐIỆN TỬ")
    )
    with pytest.raises(UsageError):
        search(archive.db, archive.root, "  -- ")


@pytest.mark.parametrize(
    "query",
    ["151/QĐ-STC", "151/QD-STC", "151 qđ stc", "151QĐSTC", "số 151/qđ-stc", "Số: 151 QD STC"],
)
def test_a_so_ky_hieu_is_found_however_typed(three, query: str) -> None:
    archive, (qd, _cv, _bc) = three
    assert _ids(search(archive.db, archive.root, query))[:1] == [qd]


def test_a_zero_padded_number_is_found_without_its_zero(three) -> None:
    archive, (_qd, cv, _bc) = three
    assert _ids(search(archive.db, archive.root, "5/BNV-VP"))[:1] == [cv]
    assert _ids(search(archive.db, archive.root, "05 bnv vp"))[:1] == [cv]


def test_metadata_hits_rank_above_body_hits(three, tmp_path: Path) -> None:
    archive, (qd, _cv, bc) = three
    # "báo cáo" is the report's type; the decision says it nowhere, a third document
    # says it only in its body, many times.
    body_only = store_document(
        archive, tmp_path, "tb.png", 4, "báo cáo báo cáo báo cáo báo cáo gửi Sở", metadata=LETTER
    ).document_id
    hits = _ids(search(archive.db, archive.root, "bao cao"))
    assert hits.index(bc) < hits.index(body_only)
    assert qd not in hits


def test_snippet_keeps_diacritics_and_marks_the_words(three) -> None:
    archive, (qd, _cv, _bc) = three
    (hit,) = [h for h in search(archive.db, archive.root, "ke hoach so hoa") if h.document_id == qd]
    marked = [hit.snippet[s:e] for s, e in hit.highlights]
    assert "Kế hoạch" in hit.snippet and "số hóa" in hit.snippet
    assert {vnsearch.fold(m) for m in marked} >= {"ke", "hoach", "so", "hoa"}
    assert hit.to_json()["code"] == "151/QĐ-STC"


def test_filters_and_listing(three) -> None:
    archive, (qd, cv, bc) = three
    db, root = archive.db, archive.root
    assert _ids(search(db, root, "ho so", Filters(type_name="cong van"))) == [cv]
    assert _ids(search(db, root, "ho so", Filters(organ="sở tài chính"))) == [qd]
    assert set(_ids(listing(db, root, Filters(date_from="2024-01-01")))) == {cv, bc}
    assert _ids(listing(db, root, Filters(date_to="2021-12-31"))) == [qd]
    assert _ids(listing(db, root, sort="date", descending=True)) == [bc, cv, qd]
    assert _ids(listing(db, root, sort="code")) == [cv, bc, qd]  # 05 < 12 < 151, as numbers
    assert _ids(listing(db, root, Filters(type_name="Báo cáo"))) == [bc]


def test_an_edit_is_searchable_at_once(three) -> None:
    from sohoa.archive.edits import apply_edits

    archive, (_qd, cv, _bc) = three
    assert not search(archive.db, archive.root, "lưu trữ số")
    apply_edits(archive, cv, [("subject", "Hướng dẫn lưu trữ số")])
    assert _ids(search(archive.db, archive.root, "luu tru so")) == [cv]


# --- dossiers -------------------------------------------------------------------------------


def test_dossier_code_comes_from_option_then_qr_then_name() -> None:
    from sohoa.config import DEFAULT_DOSSIER_PATTERN as P

    source = Path("/in/000.00.17.H34-230512-0009 giấy tờ.jpg")
    qr = ["https://dvc.example.vn/x?ma=000.00.17.H34-230512-0003"]
    assert dossiers.code_for("H34.1-230101-0001", qr, source, P) == ("H34.1-230101-0001", "option")
    assert dossiers.code_for(None, ["hello", *qr], source, P) == ("000.00.17.H34-230512-0003", "qr")
    assert dossiers.code_for(None, ["not a code"], source, P) == (
        "000.00.17.H34-230512-0009",
        "name",
    )
    folder = Path("/in/000.00.17.H34-230512-0010/page-1.jpg")
    assert dossiers.code_for(None, [], folder, P) == ("000.00.17.H34-230512-0010", "name")
    assert dossiers.code_for(None, [], Path("/in/scan_2023-05-12.jpg"), P) is None
    with pytest.raises(UsageError):
        dossiers.code_for("mã có dấu cách", [], source, P)


def test_link_unlink_and_lookup(three) -> None:
    archive, (qd, cv, bc) = three
    code = "000.00.17.H34-230512-0003"
    dossiers.update(
        archive, code, {"title": "Cấp phép xây dựng", "applicant_id": "079123456789",
                        "applicant_name": "Nguyễn Văn An", "maintenance": "Vĩnh viễn"}
    )  # fmt: skip
    assert dossiers.link(archive, code, [qd, cv[:8]]) == [qd, cv]
    assert dossiers.link(archive, code, [qd]) == []  # already linked
    view = dossiers.get(archive, code).to_json()
    assert view["doc_total"] == 2 and view["page_total"] == 2
    assert (
        view["phu_luc_vi"]["FileCode"] == code and view["phu_luc_vi"]["Maintenance"] == "Vĩnh viễn"
    )
    assert (view["start_date"], view["end_date"]) == ("2021-05-31", "2024-02-05")
    # the sidecars (both copies) carry the link: the index can be rebuilt from them
    assert read_sidecar(archive.object_dir(qd)).dossiers == (code,)
    replica_sidecar = read_sidecar(archive.replica.object_dir(qd))
    assert replica_sidecar.dossiers == (code,)
    assert _ids(search(archive.db, archive.root, "ho so", Filters(dossier=code))) == [
        qd,
        cv,
    ] or set(_ids(search(archive.db, archive.root, "ho so", Filters(dossier=code)))) == {qd, cv}
    (held,) = dossiers.by_citizen(archive, "079123456789")
    assert {h.document_id for h in held.documents} == {qd, cv}
    assert dossiers.unlink(archive, code, [cv]) == [cv]
    assert {h.document_id for h in dossiers.get(archive, code).documents} == {qd}
    assert dossiers.by_citizen(archive, "001099000001") == []
    with pytest.raises(UsageError):
        dossiers.by_citizen(archive, "12345")
    actions = [r[0] for r in archive.db.execute("SELECT action FROM events ORDER BY id")]
    assert actions.count("link") == 2 and actions.count("unlink") == 1 and "dossier" in actions
    assert bc not in {h.document_id for h in held.documents}
    assert fixity.check(archive).findings == []  # the rewritten sidecars are recorded


def test_a_dossier_given_at_store_time_is_linked(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive", create=True)
    record = store_document(
        archive, tmp_path, "a.png", 1, "x", dossier=("000.00.17.H34-230512-0003", "qr")
    )
    assert record.dossiers == ("000.00.17.H34-230512-0003",)
    origin = archive.db.execute("SELECT origin FROM document_dossiers").fetchone()[0]
    assert origin == "qr"
    archive.close()


# --- two copies -----------------------------------------------------------------------------


def test_every_object_is_written_to_the_replica_read_only(three) -> None:
    archive, ids = three
    for document_id in ids:
        primary = archive.primary.files(document_id)
        replica = archive.replica.files(document_id)
        assert set(primary) == set(replica) and "document.pdf" in replica
        for rel, path in replica.items():
            assert path.read_bytes() == primary[rel].read_bytes()
            assert stat.S_IMODE(path.stat().st_mode) & 0o222 == 0, rel
    assert not [p for p in archive.replica.tmp.rglob("*") if not p.is_dir()]


def test_an_unwritable_replica_fails_the_store_and_leaves_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "not-mounted"
    archive = Archive(tmp_path / "archive", create=True, replica=missing)
    with pytest.raises(DiskError, match="replica"):
        store_document(archive, tmp_path, "a.png", 1, "x")
    assert archive.count() == 0 and not list(archive.primary.ids())
    assert not missing.exists()  # never created in place of an unmounted disk
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "objects").write_text("a file where a folder must be")
    archive.replica = Archive(tmp_path / "archive").replica or type(archive.primary)(
        blocked, name="replica"
    )
    with pytest.raises(DiskError, match="replica"):
        store_document(archive, tmp_path, "b.png", 2, "x")
    assert archive.count() == 0 and not list(archive.primary.ids())
    archive.close()


# --- fixity check ---------------------------------------------------------------------------


def _kinds(report) -> list[tuple[str, str | None]]:
    return sorted((f.kind, f.copy) for f in report.findings)


def _writable(path: Path) -> None:
    path.chmod(0o644)


def test_a_clean_archive_checks_clean_and_logs_the_check(three) -> None:
    archive, _ = three
    report = fixity.check(archive)
    assert report.findings == [] and report.documents == 3 and report.files == 24
    assert report.to_json()["ok"] is True
    last = archive.db.execute("SELECT action, detail FROM events ORDER BY id DESC").fetchone()
    assert last["action"] == "check" and json.loads(last["detail"])["documents"] == 3


def test_each_finding_class_is_caught(three) -> None:
    archive, (qd, cv, bc) = three
    # a changed byte in the primary
    pdf = archive.object_dir(qd) / "document.pdf"
    _writable(pdf)
    data = bytearray(pdf.read_bytes())
    data[10] ^= 1
    pdf.write_bytes(bytes(data))
    # the replica differs: its text changed
    text = archive.replica.object_dir(cv) / "text.txt"
    _writable(text)
    text.write_text("altered", encoding="utf-8")
    # an extra file in an object folder
    (archive.object_dir(bc) / "notes.txt").write_text("who put this here")
    report = fixity.check(archive, log=False)
    assert _kinds(report) == [("changed", "primary"), ("changed", "replica"), ("extra", "primary")]
    changed = next(f for f in report.findings if f.copy == "primary")
    assert changed.document_id == qd and changed.path == "document.pdf"
    assert changed.expected != changed.actual


def test_deleted_objects_rows_without_objects_and_objects_without_rows(three) -> None:
    archive, (qd, cv, bc) = three
    shutil.rmtree(archive.object_dir(qd))  # deleted from the primary only
    shutil.rmtree(archive.object_dir(cv))  # deleted from both copies
    shutil.rmtree(archive.replica.object_dir(cv))
    (archive.object_dir(bc) / "text.txt").unlink()  # one file gone
    stray = archive.primary.objects / "ab" / "abcdef0123456789"
    stray.mkdir(parents=True)
    (stray / "document.pdf").write_bytes(b"%PDF-1.7\n")
    report = fixity.check(archive, log=False)
    assert _kinds(report) == [
        ("missing", "primary"),
        ("missing", "primary"),
        ("object-without-row", "primary"),
        ("row-without-object", None),
    ]
    assert {f.document_id for f in report.findings if f.kind == "missing"} == {qd, bc}


def test_a_signature_problem_is_a_finding(three) -> None:
    archive, (qd, _cv, _bc) = three
    report = fixity.check(
        archive, log=False, verify_signature=lambda pdf: "broken" if qd in str(pdf) else None
    )
    assert [(f.kind, f.document_id) for f in report.findings] == [("signature", qd)]
    assert report.signatures == 3


def test_sample_checks_only_that_many(three) -> None:
    archive, _ = three
    report = fixity.check(archive, sample=1, log=False)
    assert report.documents == 1 and report.sampled


# --- repair ---------------------------------------------------------------------------------


def test_repair_restores_from_the_good_copy_and_logs_it(three) -> None:
    archive, (qd, cv, _bc) = three
    pdf = archive.object_dir(qd) / "document.pdf"
    good = pdf.read_bytes()
    _writable(pdf)
    pdf.write_bytes(b"%PDF-1.7\n% tampered\n")
    shutil.rmtree(archive.replica.object_dir(cv))
    actions, report = fixity.repair(archive)
    assert len(report.findings) == 2
    assert (
        all(a.done for a in actions) and len(actions) == 1 + 4
    )  # one file + a whole object (4 files)
    assert pdf.read_bytes() == good and stat.S_IMODE(pdf.stat().st_mode) & 0o222 == 0
    assert archive.replica.has(cv)
    assert fixity.check(archive, log=False).findings == []
    repairs = archive.db.execute("SELECT detail FROM events WHERE action = 'repair'").fetchall()
    assert len(repairs) == 5
    assert {json.loads(r[0])["copy"] for r in repairs} == {"primary", "replica"}


def test_repair_refuses_when_neither_copy_matches(three) -> None:
    archive, (qd, _cv, _bc) = three
    for store in (archive.primary, archive.replica):
        pdf = store.object_dir(qd) / "document.pdf"
        _writable(pdf)
        pdf.write_bytes(b"%PDF-1.7\n% tampered in " + store.name.encode() + b"\n")
    before = [p.read_bytes() for p in (archive.object_dir(qd) / "document.pdf",)]
    actions, _ = fixity.repair(archive)
    refused = [a for a in actions if not a.done]
    assert len(refused) == 2 and all("neither copy matches" in a.message for a in refused)
    assert (archive.object_dir(qd) / "document.pdf").read_bytes() == before[0]  # left as found
    assert not archive.db.execute("SELECT 1 FROM events WHERE action = 'repair'").fetchone()


def test_repair_indexes_an_object_the_index_lost(three) -> None:
    archive, (qd, _cv, _bc) = three
    archive.db.execute("DELETE FROM documents WHERE id = ?", (qd,))
    actions, _ = fixity.repair(archive)
    assert [(a.document_id, a.done) for a in actions] == [(qd, True)]
    assert archive.get(qd).document_id == qd


# --- the log --------------------------------------------------------------------------------


def _verify(archive: Archive) -> chain.ChainProblem | None:
    rows = archive.db.execute(
        f"SELECT {', '.join(chain.FIELDS)}, prev_hash, hash FROM events ORDER BY id"
    ).fetchall()
    return chain.verify(rows, chain.read_head(archive.root))


def _tamper(archive: Archive, *statements: str) -> None:
    """What an editor on the index file can do: drop the guard, change rows."""
    conn = sqlite3.connect(archive.root / "index.sqlite")
    conn.execute("DROP TRIGGER events_append_only_update")
    conn.execute("DROP TRIGGER events_append_only_delete")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_the_log_is_chained_with_actor_and_station(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOHOA_ACTOR", "Trần Thị Bình")
    archive = Archive(tmp_path / "archive", create=True, station="quầy 3")
    store_document(archive, tmp_path, "a.png", 1, "x")
    archive.quarantine(tmp_path / "in" / "a.png", "test")
    rows = archive.db.execute("SELECT * FROM events ORDER BY id").fetchall()
    assert [r["action"] for r in rows] == ["ingest", "quarantine"]
    assert {r["actor"] for r in rows} == {"Trần Thị Bình"} and {r["station"] for r in rows} == {
        "quầy 3"
    }
    assert rows[0]["prev_hash"] == chain.GENESIS and rows[1]["prev_hash"] == rows[0]["hash"]
    assert chain.read_head(archive.root) == (2, rows[1]["hash"])
    assert _verify(archive) is None
    for statement in ("UPDATE events SET actor = 'x'", "DELETE FROM events"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            archive.db.execute(statement)
    archive.close()


def test_a_head_file_a_killed_writer_left_is_removed_by_the_next(tmp_path: Path) -> None:
    """A writer killed between writing the log head and renaming it leaves a `.part`
    beside it; the next writer, holding the write lock, knows it is dead and removes it."""
    archive = Archive(tmp_path / "archive", create=True)
    store_document(archive, tmp_path, "a.png", 1, "x")
    stale = archive.root / f".{chain.HEAD_FILE}.k1ll3d.part"
    stale.write_text("1 deadbeef\n")
    archive.quarantine(tmp_path / "in" / "b.png", "test")
    assert not stale.exists()
    assert not list(archive.root.glob("*.part")) and chain.read_head(archive.root)[0] == 2
    assert _verify(archive) is None
    archive.close()


@pytest.mark.parametrize(
    ("how", "first_bad"),
    [
        ("edited", 2),
        ("deleted", 3),
        ("swapped", 2),
        ("cut off the end", 4),
    ],
)
def test_a_tampered_log_names_the_first_bad_event(three, how: str, first_bad: int) -> None:
    archive, (qd, _cv, _bc) = three
    dossiers.link(archive, "000.00.17.H34-230512-0003", [qd])  # events: 3 ingests, 1 link
    assert _verify(archive) is None
    if how == "edited":
        _tamper(archive, "UPDATE events SET actor = 'someone else' WHERE id = 2")
    elif how == "deleted":
        _tamper(archive, "DELETE FROM events WHERE id = 2")
    elif how == "swapped":
        row2, row3 = archive.db.execute("SELECT * FROM events WHERE id IN (2, 3) ORDER BY id")
        swap = [
            f"UPDATE events SET at = '{b['at']}', action = '{b['action']}', document_id = '{b['document_id']}',"
            f" detail = '{b['detail']}', prev_hash = '{b['prev_hash']}', hash = '{b['hash']}' WHERE id = {a['id']}"
            for a, b in ((row2, row3), (row3, row2))
        ]
        _tamper(archive, *swap)
    else:
        _tamper(archive, "DELETE FROM events WHERE id >= 4")
    problem = _verify(archive)
    assert problem is not None and problem.event_id == first_bad, problem
    report = fixity.check(archive, log=False)
    assert [f.kind for f in report.findings] == ["log"]


def test_the_migration_chains_and_indexes_an_existing_archive(tmp_path: Path) -> None:
    """An archive written before issue 11 (schema 2): events unchained, no search rows."""
    new = Archive(tmp_path / "new", create=True)
    records = [
        store_document(new, tmp_path, "qd.png", 1, BODY_151, metadata=DECISION),
        store_document(new, tmp_path, "cv.png", 2, BODY_LETTER, metadata=LETTER),
    ]
    new.close()
    old = tmp_path / "old"
    shutil.copytree(tmp_path / "new" / "objects", old / "objects")
    conn = sqlite3.connect(old / "index.sqlite")
    for script in MIGRATIONS[:2]:
        for statement in (s.strip() for s in script.split(";")):
            if statement:
                conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    source = sqlite3.connect(tmp_path / "new" / "index.sqlite")
    columns = [r[1] for r in conn.execute("PRAGMA table_info(documents)")]
    for row in source.execute(f"SELECT {', '.join(columns)} FROM documents"):
        conn.execute(f"INSERT INTO documents VALUES ({', '.join('?' * len(columns))})", row)
    for i, record in enumerate(records):
        conn.execute(
            "INSERT INTO events (at, actor, action, document_id, detail) VALUES (?,?,?,?,?)",
            (f"2025-01-0{i + 1}T08:00:00+07:00", "văn thư", "ingest", record.document_id, "{}"),
        )
    conn.commit()
    conn.close()
    archive = Archive(old)
    assert archive.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert _ids(search(archive.db, archive.root, "151/QĐ-STC"))[:1] == [records[0].document_id]
    assert _verify(archive) is None and chain.read_head(old)[0] == 2
    assert fixity.check(archive, log=False).findings == []
    archive.close()


def test_two_archives_opening_an_old_index_at_once_migrate_it_once(tmp_path: Path) -> None:
    Archive(tmp_path / "a", create=True).close()
    first, second = Archive(tmp_path / "a"), Archive(tmp_path / "a")
    assert first.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    first.close()
    second.close()
    assert os.path.exists(tmp_path / "a" / "index.sqlite")


def test_the_defaults_implement_the_seams(tmp_path: Path) -> None:
    from sohoa.archive.seams import ObjectStore, RecordStore

    archive = Archive(tmp_path / "archive", create=True, replica=_replica(tmp_path))
    assert isinstance(archive, RecordStore)
    assert isinstance(archive.primary, ObjectStore) and isinstance(archive.replica, ObjectStore)
    archive.close()

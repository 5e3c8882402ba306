"""The archive store: atomic objects, duplicates, crash recovery, quarantine, audit trail."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import time
from datetime import date, datetime
from pathlib import Path

import pytest

from sohoa.archive.fsutil import atomic_path, atomic_write
from sohoa.archive.store import AlreadyArchived, Archive, document_id_for
from sohoa.errors import UsageError
from sohoa.models import DocumentMetadata, OcrPage, SignedPdf
from sohoa.scanners.loader import open_document
from tests.factories import ocr_page
from tests.imaging import text_page


def _page(index: int, text: str, confidence: float) -> OcrPage:
    return ocr_page(index=index, text=text, mean_confidence=confidence)


@pytest.fixture
def scan(tmp_path: Path) -> Path:
    path = tmp_path / "Quyết định 151.png"
    text_page(dpi=100, repeat=1).save(path, dpi=(100, 100))
    return path


@pytest.fixture
def signed(tmp_path: Path) -> SignedPdf:
    pdf = tmp_path / "signed.pdf"
    pdf.write_bytes(b"%PDF-1.7\n% signed stand-in\n")
    return SignedPdf(
        path=pdf, signing_time=datetime(2026, 11, 28, 9, 0), level="B-B", signer_subject="CN=DEMO"
    )


METADATA = DocumentMetadata(
    organ_name="SỞ TÀI CHÍNH",
    code_number="151",
    code_notation="QĐ-STC",
    type_name="Quyết định",
    issued_date=date(2021, 5, 31),
)


def test_store_keeps_original_pdf_text_and_sidecar(
    tmp_path: Path, scan: Path, signed: SignedPdf
) -> None:
    archive = Archive(tmp_path / "archive", create=True)
    document = open_document(scan)
    pages = [_page(0, "Độc lập - Tự do - Hạnh phúc", 91.0), _page(1, "trang hai", 40.0)]
    record = archive.store(document, pages, METADATA, signed, review_confidence=70)
    assert record.document_id == document_id_for(document.sha256)
    assert record.original.read_bytes() == scan.read_bytes()
    assert record.original.name == "Quyết định 151.png"
    assert record.pdf.read_bytes() == signed.path.read_bytes()
    assert (
        record.text_path.read_text(encoding="utf-8") == "Độc lập - Tự do - Hạnh phúc\ftrang hai\n"
    )
    assert record.pages_needing_review == (2,)
    sidecar = json.loads((record.pdf.parent / "metadata.json").read_text(encoding="utf-8"))
    assert sidecar["metadata"]["organ_name"] == "SỞ TÀI CHÍNH"
    assert sidecar["metadata"]["issued_date"] == "2021-05-31"
    assert archive.get(record.document_id[:8]).document_id == record.document_id
    actions = [row["action"] for row in archive.db.execute("SELECT action FROM events")]
    assert actions == ["ingest"]
    assert not any(archive.work_dir().iterdir())  # staging emptied


def test_same_input_is_found_as_duplicate(tmp_path: Path, scan: Path, signed: SignedPdf) -> None:
    archive = Archive(tmp_path / "archive", create=True)
    document = open_document(scan)
    first = archive.store(document, [_page(0, "a", 90)], METADATA, signed, review_confidence=70)
    assert archive.find(document.sha256) == first
    # a second store of the same input (another process won the race) is a duplicate
    with pytest.raises(AlreadyArchived) as info:
        archive.store(document, [_page(0, "a", 90)], METADATA, signed, review_confidence=70)
    assert info.value.record.document_id == first.document_id
    assert archive.count() == 1
    assert not any(archive.work_dir().iterdir())


def test_index_is_repaired_from_the_sidecar_after_a_crash(
    tmp_path: Path, scan: Path, signed: SignedPdf
) -> None:
    root = tmp_path / "archive"
    archive = Archive(root, create=True)
    document = open_document(scan)
    record = archive.store(document, [_page(0, "a", 90)], METADATA, signed, review_confidence=70)
    # A crash between the object rename and the index row: the row is missing.
    archive.db.execute("DELETE FROM documents")
    archive.close()
    reopened = Archive(root)
    assert reopened.count() == 0
    found = reopened.find(document.sha256)
    assert found is not None and found.document_id == record.document_id
    assert reopened.count() == 1
    # the recovered document is a whole, logged document
    events = reopened.db.execute("SELECT action, detail FROM events").fetchall()
    assert events[-1]["action"] == "ingest" and json.loads(events[-1]["detail"])["recovered"]


def test_opening_an_archive_creates_and_deletes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    with pytest.raises(UsageError, match="not a sohoa archive"):
        Archive(root)
    assert not root.exists()
    Archive(root, create=True).close()
    (root / "tmp" / "host-1-aa").mkdir()  # another process's staging folder
    (root / "tmp" / "host-1-aa" / "document.pdf").write_bytes(b"half")
    before = sorted(p.relative_to(root) for p in root.rglob("*") if "index.sqlite" not in p.name)
    Archive(root).close()
    after = sorted(p.relative_to(root) for p in root.rglob("*") if "index.sqlite" not in p.name)
    assert after == before


def test_staging_of_a_living_process_is_kept_and_of_a_dead_one_reaped(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    alive = Archive(root, create=True)
    mine = alive.work_dir()
    (mine / "half.pdf").write_bytes(b"half")
    other = Archive(root)
    other.work_dir()  # reaps: the living process's folder must survive
    assert (mine / "half.pdf").exists()
    # A process killed mid-batch: its lock file remains, unlocked.
    dead = root / "tmp" / "host-999-dead"
    dead.mkdir()
    (dead / "x.signed.pdf").write_bytes(b"debris")
    (root / "tmp" / "host-999-dead.lock").write_bytes(b"")
    # Leftovers of older versions (no lock) go only when old enough.
    old, new = root / "tmp" / "abc.staging", root / "tmp" / "def.pdfa.pdf"
    old.mkdir()
    new.write_bytes(b"x")
    os.utime(old, (time.time() - 3 * 86400,) * 2)
    assert sorted(other.reap_staging()) == ["abc.staging", "host-999-dead"]
    assert not dead.exists() and new.exists() and (mine / "half.pdf").exists()
    alive.close()
    other.close()
    assert not mine.exists()


def test_stored_files_are_read_only_and_no_more_readable_than_the_input(
    tmp_path: Path, scan: Path, signed: SignedPdf
) -> None:
    scan.chmod(0o600)
    archive = Archive(tmp_path / "archive", create=True)
    record = archive.store(
        open_document(scan), [_page(0, "a", 90)], METADATA, signed, review_confidence=70
    )
    for path in (
        record.original,
        record.pdf,
        record.text_path,
        record.pdf.parent / "metadata.json",
    ):
        assert stat.S_IMODE(path.stat().st_mode) == 0o400, path


def test_long_names_are_stored_bounded(tmp_path: Path, signed: SignedPdf) -> None:
    stem = ("Quyết định về việc phê duyệt kế hoạch số hóa " * 8).encode()[:251]
    long = tmp_path / (stem.decode(errors="ignore") + ".png")
    assert len(long.name.encode()) > 250  # at the 255-byte limit of the file system
    text_page(dpi=100, repeat=1).save(long, dpi=(100, 100))
    archive = Archive(tmp_path / "archive", create=True)
    record = archive.store(
        open_document(long), [_page(0, "a", 90)], METADATA, signed, review_confidence=70
    )
    assert len(record.original.name.encode()) <= 120 and record.original.suffix == ".png"
    kept = archive.quarantine(long, "test")
    assert kept is not None and len(kept.name.encode()) < 160


def test_quarantine_copies_with_reason_and_never_deletes(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive", create=True)
    bad = tmp_path / "hỏng.jpg"
    bad.write_bytes(b"")
    bad.chmod(0o600)
    kept = archive.quarantine(bad, "hỏng.jpg: empty file (0 bytes)")
    assert bad.exists()  # the batch CLI copies; the input stays where it was
    assert kept is not None and kept.exists()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o400  # read-only, no more readable than it was
    reason = kept.with_name(kept.name + ".reason.txt").read_text(encoding="utf-8")
    assert "empty file" in reason
    row = archive.db.execute("SELECT reason FROM quarantine").fetchone()
    assert row["reason"] == "hỏng.jpg: empty file (0 bytes)"


def test_quarantine_move_takes_the_file_out_of_the_inbox(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive", create=True)
    bad = tmp_path / "inbox" / "x.pdf"
    bad.parent.mkdir()
    bad.write_text("not a pdf")
    kept = archive.quarantine(bad, "not a PDF", move=True)
    assert not bad.exists()
    assert kept is not None and kept.read_text() == "not a pdf"


def test_atomic_write_leaves_nothing_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "file.pdf"
    atomic_write(target, b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half-written")
        raise RuntimeError("crash")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["file.pdf"]


def test_migrations_are_recorded(tmp_path: Path) -> None:
    Archive(tmp_path / "a", create=True).close()
    conn = sqlite3.connect(tmp_path / "a" / "index.sqlite")
    from sohoa.archive.index import MIGRATIONS

    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)

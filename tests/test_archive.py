"""The archive store: atomic objects, duplicates, crash recovery, quarantine, audit trail."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from sohoa.archive.fsutil import atomic_path, atomic_write
from sohoa.archive.store import Archive, document_id_for
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
    archive = Archive(tmp_path / "archive")
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
    assert not any(archive.tmp.iterdir())


def test_same_input_is_found_as_duplicate(tmp_path: Path, scan: Path, signed: SignedPdf) -> None:
    archive = Archive(tmp_path / "archive")
    document = open_document(scan)
    first = archive.store(document, [_page(0, "a", 90)], METADATA, signed, review_confidence=70)
    assert archive.find(document.sha256) == first
    again = archive.store(document, [_page(0, "a", 90)], METADATA, signed, review_confidence=70)
    assert again.document_id == first.document_id
    assert archive.count() == 1


def test_index_is_repaired_from_the_sidecar_after_a_crash(
    tmp_path: Path, scan: Path, signed: SignedPdf
) -> None:
    root = tmp_path / "archive"
    archive = Archive(root)
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


def test_staging_leftovers_are_cleared_on_open(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    Archive(root).close()
    (root / "tmp" / "abc.staging").mkdir()
    (root / "tmp" / "abc.staging" / "document.pdf").write_bytes(b"half")
    (root / "tmp" / ".x.part").write_bytes(b"half")
    Archive(root).close()
    assert list((root / "tmp").iterdir()) == []


def test_quarantine_copies_with_reason_and_never_deletes(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    bad = tmp_path / "hỏng.jpg"
    bad.write_bytes(b"")
    kept = archive.quarantine(bad, "hỏng.jpg: empty file (0 bytes)")
    assert bad.exists()  # the batch CLI copies; the input stays where it was
    assert kept is not None and kept.exists()
    reason = kept.with_name(kept.name + ".reason.txt").read_text(encoding="utf-8")
    assert "empty file" in reason
    row = archive.db.execute("SELECT reason FROM quarantine").fetchone()
    assert row["reason"] == "hỏng.jpg: empty file (0 bytes)"


def test_quarantine_move_takes_the_file_out_of_the_inbox(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
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
    Archive(tmp_path / "a").close()
    conn = sqlite3.connect(tmp_path / "a" / "index.sqlite")
    from sohoa.archive.index import MIGRATIONS

    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)

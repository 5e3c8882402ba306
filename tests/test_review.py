"""`sohoa review`, `sohoa edit`, `sohoa show`: the clerk's side of metadata extraction."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from sohoa.archive.edits import apply_edits, review_queue
from sohoa.archive.store import Archive
from sohoa.errors import DiskError
from sohoa.metadata.fields import EditError, parse_assignment
from sohoa.models import DocumentMetadata, OcrPage, SignedPdf
from sohoa.scanners.loader import open_document
from tests.factories import ocr_page
from tests.imaging import text_page

MACHINE = DocumentMetadata(
    organ_name="SỞ TÀI CHÍNH",
    parent_organ="UBND TỈNH GIA LAI",
    code_number=None,  # unread: the number was spoiled
    code_notation="QĐ-STC",
    type_name="Quyết định",
    place="Gia Lai",
    issued_date=date(2021, 5, 31),
    subject="Ban hành Kế hoạch triển khai Đề án",
    signer_authority=None,
    signer_position="GIÁM ĐỐC",
    signer_full_name="Nguyễn Anh Dũng",
    recipients=("Như Điều 3", "Lưu: VT, VP"),
    page_amount=1,
    language="vi",
    confidence={
        "organ_name": 0.97,
        "parent_organ": 0.96,
        "code_notation": 0.95,
        "type_name": 0.99,
        "place": 0.97,
        "issued_date": 0.97,
        "subject": 0.93,
        "signer_authority": 0.9,
        "signer_position": 0.62,  # given but unsure
        "signer_full_name": 0.95,
        "recipients": 0.9,
        "page_amount": 1.0,
        "language": 1.0,
    },
    needs_review=True,
)


def _page() -> OcrPage:
    return ocr_page(mean_confidence=92.0)


@pytest.fixture
def archived(tmp_path: Path) -> tuple[Path, str]:
    scan = tmp_path / "qd-151.png"
    text_page(dpi=100, repeat=1).save(scan, dpi=(100, 100))
    pdf = tmp_path / "signed.pdf"
    pdf.write_bytes(b"%PDF-1.7\n% signed stand-in\n")
    signed = SignedPdf(pdf, datetime(2026, 1, 5, 9, 0), "B-T", "CN=Sở Tài chính Gia Lai")
    root = tmp_path / "archive"
    archive = Archive(root, create=True)
    record = archive.store(open_document(scan), [_page()], MACHINE, signed, review_confidence=70)
    archive.close()
    return root, record.document_id


def sohoa(*args: str, actor: str = "clerk-a") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sohoa.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "SOHOA_ACTOR": actor},
        timeout=120,
    )


def test_review_lists_null_and_unsure_fields(archived: tuple[Path, str]) -> None:
    root, doc = archived
    result = sohoa("review", "--archive", str(root), "--json")
    assert result.returncode == 0, result.stderr
    items = [json.loads(line) for line in result.stdout.splitlines()]
    assert [i["document_id"] for i in items] == [doc]
    assert items[0]["null_fields"] == ["code_number"]
    assert set(items[0]["unsure_fields"]) == {"code_number", "signer_position"}
    assert items[0]["source"].endswith("qd-151.png")
    human = sohoa("review", "--archive", str(root))
    assert doc in human.stdout and "code_number" in human.stdout


def test_edit_sets_a_field_keeps_the_machine_value_and_who_changed_it(
    archived: tuple[Path, str],
) -> None:
    root, doc = archived
    result = sohoa("edit", doc[:8], "--set", "code_number=151", "--archive", str(root), "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["edits"][0] == {
        "field": "code_number",
        "phu_luc_vi": "CodeNumber",
        "old": None,
        "new": "151",
        "machine": None,
        "actor": "clerk-a",
        "at": payload["edits"][0]["at"],
    }
    assert payload["needs_review"] and payload["unsure_fields"] == ["signer_position"]

    db = sqlite3.connect(root / "index.sqlite")
    row = db.execute("SELECT code_number, metadata, needs_review FROM documents").fetchone()
    assert row[0] == "151" and json.loads(row[1])["code_number"] == "151" and row[2] == 1
    edits = db.execute(
        "SELECT field, old_value, new_value, machine_value, actor FROM metadata_edits"
    )
    assert edits.fetchall() == [("code_number", "null", '"151"', "null", "clerk-a")]
    actions = [r[0] for r in db.execute("SELECT action FROM events ORDER BY id")]
    assert actions == ["ingest", "edit"]

    sidecar = json.loads(next(root.glob("objects/*/*/metadata.json")).read_text(encoding="utf-8"))
    assert sidecar["metadata"]["code_number"] == "151"
    assert sidecar["machine_metadata"]["code_number"] is None
    assert sidecar["human_fields"] == ["code_number"]


def test_second_edit_keeps_the_machine_value_not_the_first_correction(
    archived: tuple[Path, str],
) -> None:
    root, doc = archived
    archive = Archive(root)
    apply_edits(archive, doc, [parse_assignment("signer_position=PHÓ GIÁM ĐỐC")])
    apply_edits(archive, doc, [parse_assignment("signer_position=GIÁM ĐỐC SỞ")])
    rows = archive.db.execute(
        "SELECT old_value, new_value, machine_value FROM metadata_edits ORDER BY id"
    ).fetchall()
    assert [tuple(r) for r in rows] == [
        ('"GIÁM ĐỐC"', '"PHÓ GIÁM ĐỐC"', '"GIÁM ĐỐC"'),
        ('"PHÓ GIÁM ĐỐC"', '"GIÁM ĐỐC SỞ"', '"GIÁM ĐỐC"'),
    ]
    archive.close()


def test_review_is_cleared_when_nothing_unsure_remains(archived: tuple[Path, str]) -> None:
    root, doc = archived
    result = sohoa(
        "edit", doc, "--set", "code_number=151", "--confirm", "signer_position",
        "--archive", str(root),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "nothing unsure remains" in result.stdout
    assert sohoa("review", "--archive", str(root), "--json").stdout.strip() == ""
    archive = Archive(root)
    assert not archive.get(doc).needs_review
    archive.close()


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("issued_date=31/05/2021", "YYYY-MM-DD"),
        ("issued_date=2021-02-30", "YYYY-MM-DD"),
        ("code_number=15l", "digits"),
        ("code_notation=QĐ STC", "notation"),
        ("type_name=Thư điện tử", "type"),
        ("signer_authority=KTT", "authority"),
        ("page_amount=0", "positive"),
        ("no_such_field=1", "unknown field"),
        ("code_number", "field=value"),
    ],
)
def test_invalid_edits_are_refused(
    archived: tuple[Path, str], assignment: str, message: str
) -> None:
    root, doc = archived
    result = sohoa("edit", doc, "--set", assignment, "--archive", str(root))
    assert result.returncode == 3, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    db = sqlite3.connect(root / "index.sqlite")
    assert db.execute("SELECT count(*) FROM metadata_edits").fetchone()[0] == 0


def test_values_are_normalised_and_official_names_accepted() -> None:
    assert parse_assignment("IssuedDate=2021-05-31") == ("issued_date", "2021-05-31")
    assert parse_assignment("SignerInfo/Position=PHÓ  GIÁM ĐỐC") == (
        "signer_position",
        "PHÓ GIÁM ĐỐC",
    )
    assert parse_assignment("type_name=quyet dinh") == ("type_name", "Quyết định")
    assert parse_assignment("signer_authority=kt") == ("signer_authority", "KT.")
    assert parse_assignment("recipients=Như trên; Lưu: VT, VP") == (
        "recipients",
        ["Như trên", "Lưu: VT, VP"],
    )
    assert parse_assignment("parent_organ=") == ("parent_organ", None)
    with pytest.raises(EditError):
        parse_assignment("issued_date=2999-01-01")


def test_show_gives_our_keys_and_the_phu_luc_vi_names(archived: tuple[Path, str]) -> None:
    root, doc = archived
    sohoa("edit", doc, "--set", "code_number=151", "--archive", str(root))
    result = sohoa("show", doc, "--archive", str(root), "--json")
    assert result.returncode == 0, result.stderr
    view = json.loads(result.stdout)
    assert view["metadata"]["code_number"] == "151"
    assert view["phu_luc_vi"]["CodeNumber"] == "151"
    assert view["phu_luc_vi"]["OrganName"] == "SỞ TÀI CHÍNH"
    assert view["phu_luc_vi"]["SignerInfo"] == {
        "Authority": None,
        "Position": "GIÁM ĐỐC",
        "FullName": "Nguyễn Anh Dũng",
    }
    assert view["edits"][0]["field"] == "code_number" and view["edits"][0]["machine"] is None
    assert view["machine_metadata"]["code_number"] is None
    assert view["signature"]["level"] == "B-T"
    assert Path(view["paths"]["pdf"]).is_file() and Path(view["paths"]["sidecar"]).is_file()
    human = sohoa("show", doc, "--archive", str(root))
    assert "CodeNumber" in human.stdout and "clerk-a" in human.stdout


def test_nothing_to_do_and_missing_archive_are_usage_errors(
    archived: tuple[Path, str], tmp_path: Path
) -> None:
    root, doc = archived
    assert sohoa("edit", doc, "--archive", str(root)).returncode == 3
    missing = sohoa("review", "--archive", str(tmp_path / "nowhere"))
    assert missing.returncode == 3
    assert "not a sohoa archive" in " ".join(missing.stderr.split())
    assert not (tmp_path / "nowhere").exists()  # never created by a read-only command
    for command in ("show", "edit"):
        unknown = sohoa(command, "ffffffff", "--set", "place=Gia Lai", "--archive", str(root))
        if command == "show":
            unknown = sohoa("show", "ffffffff", "--archive", str(root))
        assert unknown.returncode == 3, command
        assert "no document" in " ".join(unknown.stderr.split())


def test_a_failed_sidecar_write_leaves_index_and_sidecar_as_they_were(
    archived: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, doc = archived
    archive = Archive(root)
    sidecar = next(root.glob("objects/*/*/metadata.json"))
    before = sidecar.read_bytes()

    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("sohoa.archive.sidecar.atomic_write", disk_full)
    with pytest.raises(DiskError, match="no space left"):
        apply_edits(archive, doc, [("code_number", "151")])
    assert sidecar.read_bytes() == before
    assert archive.get(doc).metadata.code_number is None
    assert archive.db.execute("SELECT count(*) FROM metadata_edits").fetchone()[0] == 0
    assert [r[0] for r in archive.db.execute("SELECT action FROM events")] == ["ingest"]
    assert review_queue(archive)[0].document_id == doc
    archive.close()

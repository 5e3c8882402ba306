"""Metadata from real OCR of the committed scans (Tesseract vie through the page pool)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from sohoa.metadata.extract import extract_metadata
from sohoa.metadata.fields import comparison_key
from sohoa.models import METADATA_FIELDS, DocumentMetadata, OcrPage
from sohoa.pipeline.pages import PageOptions
from sohoa.pipeline.pool import PagePool
from sohoa.scanners.loader import open_document

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ocr_pages() -> dict[str, tuple[list[OcrPage], dict[str, Any]]]:
    """Every sample document read by the real OCR workers, with its ground truth."""
    truths = {
        p.stem: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((SAMPLES / "truth").glob("*.json"))
    }
    documents = {name: open_document(SAMPLES / t["source"]) for name, t in truths.items()}
    tasks = [(name, ref) for name, doc in documents.items() for ref in doc.pages]
    pages: dict[str, dict[int, OcrPage]] = {name: {} for name in truths}
    for result in PagePool(2, PageOptions()).run(tasks):
        assert result.page is not None, result.error
        pages[result.key][result.page.index] = result.page
    return {name: ([p[i] for i in sorted(p)], truths[name]) for name, p in pages.items()}


@pytest.fixture(scope="module")
def extracted(ocr_pages) -> dict[str, tuple[DocumentMetadata, dict[str, Any]]]:
    return {
        name: (extract_metadata(pages), truth["metadata"])
        for name, (pages, truth) in ocr_pages.items()
    }


def _verdicts(extracted: dict[str, tuple[DocumentMetadata, dict[str, Any]]]) -> dict[str, str]:
    out = {}
    for name, (metadata, truth) in extracted.items():
        got = metadata.to_json()
        for field in METADATA_FIELDS:
            a, b = comparison_key(field, got[field]), comparison_key(field, truth[field])
            out[f"{name}.{field}"] = "correct" if a == b else ("null" if a is None else "wrong")
    return out


def test_fields_read_from_real_scans_are_right_or_null(extracted) -> None:
    verdicts = _verdicts(extracted)
    wrong = [k for k, v in verdicts.items() if v == "wrong"]
    correct = sum(v == "correct" for v in verdicts.values())
    assert len(wrong) <= len(verdicts) // 100, wrong  # wrong values ≤ 1% of fields
    assert correct >= 0.9 * len(verdicts)
    for key in wrong:
        assert key.split(".")[1] not in ("code_number", "code_notation", "type_name", "issued_date")


def test_a_document_with_a_null_field_needs_review(ocr_pages) -> None:
    # The số line made unreadable (a handwritten number, a stamp over it): the number
    # cannot be read, and the document must say so rather than pass as sure.
    pages, _truth = ocr_pages["qd-151-stc-gia-lai"]
    first = pages[0]
    number_lines = {w.line for w in first.words if w.text.startswith("Số")}
    assert number_lines, "the sample's number line was not read at all"
    blanked = dataclasses.replace(
        first, words=tuple(w for w in first.words if w.line not in number_lines)
    )
    metadata = extract_metadata([blanked, *pages[1:]])
    assert metadata.code_number is None
    assert metadata.needs_review
    assert extract_metadata(pages).code_number == "151"


def test_cong_van_and_two_line_signer_from_real_scans(extracted) -> None:
    cong_van, _ = extracted["cv-05-bnv-vp"]
    assert (cong_van.type_name, cong_van.code_notation) == ("Công văn", "BNV-VP")
    assert cong_van.subject == "đôn đốc thực hiện công tác văn thư, lưu trữ"
    notice, _ = extracted["tb-stp-quang-nam"]
    assert (notice.signer_authority, notice.signer_position) == ("KT.", "PHÓ GIÁM ĐỐC")
    assert notice.page_amount == 2
    seed, _ = extracted["qd-151-stc-gia-lai"]
    assert (seed.organ_name, seed.place, seed.issued_date.isoformat()) == (  # type: ignore[union-attr]
        "SỞ TÀI CHÍNH",
        "Gia Lai",
        "2021-05-31",
    )

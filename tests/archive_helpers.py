"""Archives filled without OCR: real files, real SQLite, a stand-in for the signed PDF."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import numpy as np
from PIL import Image

from sohoa.archive.store import Archive
from sohoa.models import ArchiveRecord, DocumentMetadata, SignedPdf
from sohoa.scanners.loader import open_document
from tests.factories import ocr_page


def scan_file(folder: Path, name: str, mark: int) -> Path:
    """A small distinct image file (its bytes differ by `mark`)."""
    folder.mkdir(parents=True, exist_ok=True)
    pixels = np.full((60, 80), 255, np.uint8)
    pixels[mark % 50 : mark % 50 + 5, 10:20] = 0
    pixels[0, mark % 80] = 7
    path = folder / name
    Image.fromarray(pixels).save(path, dpi=(100, 100))
    return path


def store_document(
    archive: Archive,
    tmp: Path,
    name: str,
    mark: int,
    text: str,
    *,
    metadata: DocumentMetadata | None = None,
    dossier: tuple[str, str] | None = None,
) -> ArchiveRecord:
    scan = scan_file(tmp / "in", name, mark)
    pdf = tmp / f"signed-{mark}.pdf"
    pdf.write_bytes(b"%PDF-1.7\n% stand-in for a signed PDF " + str(mark).encode() + b"\n")
    signed = SignedPdf(pdf, datetime(2026, 11, 28, 9, 0), "B-B", "CN=DEMO")
    pages = [ocr_page(index=0, text=text, mean_confidence=92.0)]
    return archive.store(
        open_document(scan),
        pages,
        metadata or DocumentMetadata(),
        signed,
        review_confidence=70,
        dossier=dossier,
    )


DECISION = DocumentMetadata(
    organ_name="SỞ TÀI CHÍNH",
    code_number="151",
    code_notation="QĐ-STC",
    type_name="Quyết định",
    issued_date=date(2021, 5, 31),
    subject="Ban hành Kế hoạch triển khai Đề án số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    signer_full_name="Nguyễn Anh Dũng",
)
LETTER = DocumentMetadata(
    organ_name="BỘ NỘI VỤ",
    code_number="05",
    code_notation="BNV-VP",
    type_name="Công văn",
    issued_date=date(2024, 2, 5),
    subject="Hướng dẫn lập hồ sơ điện tử",
)
REPORT = DocumentMetadata(
    organ_name="ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG",
    code_number="12",
    code_notation="BC-UBND",
    type_name="Báo cáo",
    issued_date=date(2025, 8, 12),
    subject="Kết quả thực hiện cải cách hành chính",
)

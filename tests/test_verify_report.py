"""The printable biên bản, rendered by a real browser (Debian's Chromium, headless).

The screenshot and the printed PDF are what an auditor signs: Vietnamese
text with diacritics, page numbers from CSS paged-media counters, the DEMO
warning at the verdict, Vietnam time, the trust anchors named.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageStat

from sohoa.config import Settings
from sohoa.signing.identity import load_identity
from sohoa.signing.report import ReportHeader, render_html
from sohoa.signing.sign import sign_pdf
from sohoa.signing.trust import TrustStore, archive_anchors
from sohoa.signing.verify import VIETNAM, DocumentInfo, verify_file
from tests.pki.fixtures import make_pdfa

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _chromium(*args: str, profile: Path) -> None:
    assert CHROMIUM, "chromium is installed by scripts/bootstrap-system.sh"
    subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", f"--user-data-dir={profile}", *args,
        ],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    archive = tmp / "archive"
    identity = load_identity(Settings(archive=archive), archive)
    signed = tmp / "signed.pdf"
    sign_pdf(make_pdfa(tmp / "in.pdf"), signed, identity, agency_name="Sở Tài chính")
    store = TrustStore.of(archive_anchors(archive))
    good = verify_file(signed, trust_roots=store).with_document(
        DocumentInfo(
            document_id="abcdef0123456789",
            type_name="Quyết định",
            code="151/QĐ-STC",
            issued_date="2021-05-31",
            organ_name="SỞ TÀI CHÍNH TỈNH GIA LAI",
            subject="Ban hành Kế hoạch số hóa kết quả giải quyết thủ tục hành chính",
        )
    )
    tampered = tmp / "tampered.pdf"
    data = bytearray(signed.read_bytes())
    with pikepdf.open(signed) as pdf:
        byte_range = [int(x) for x in pdf.pages[0].Annots[0].V.ByteRange]
    data[byte_range[1] // 2] ^= 0x01  # inside the signed bytes
    tampered.write_bytes(bytes(data))
    bad = verify_file(tampered, trust_roots=store)
    header = ReportHeader(
        number="12/BB-KTCKS",
        place="Gia Lai",
        auditor="Nguyễn Thị Ánh Tuyết",
        organ="Sở Tài chính tỉnh Gia Lai",
        when=datetime(2025, 1, 2, 9, 30, tzinfo=VIETNAM),
    )
    page = tmp / "report.html"
    page.write_text(render_html([good, bad] * 3, header=header), encoding="utf-8")
    return page


def test_report_html_is_vietnamese_and_names_what_trust_rests_on(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert '<html lang="vi">' in text
    assert "BIÊN BẢN KIỂM TRA CHỮ KÝ SỐ" in text and "Số: 12/BB-KTCKS" in text
    assert "Gia Lai, ngày 02 tháng 01 năm 2025" in text
    assert "Nguyễn Thị Ánh Tuyết" in text
    assert "Quyết định số 151/QĐ-STC ngày 31/05/2021 của SỞ TÀI CHÍNH TỈNH GIA LAI" in text
    assert "không có giá trị pháp lý" in text and 'class="demo"' in text
    assert "identity of archive" in text and "SHA-256" in text
    assert "+07:00" in text and "+00:00" not in text
    assert "counter(page)" in text and "http://" not in text
    assert "CHỮ KÝ BỊ HỎNG" in text  # the tampered copy


def test_report_renders_in_chromium_with_page_numbers(report: Path, tmp_path: Path) -> None:
    png = tmp_path / "report.png"
    _chromium(
        f"--screenshot={png}", "--window-size=1000,1400", report.as_uri(), profile=tmp_path / "p1"
    )
    with Image.open(png) as image:
        assert image.size == (1000, 1400)
        grey = image.convert("L")
        assert ImageStat.Stat(grey).stddev[0] > 20  # text on the page, not a blank
        # the amber DEMO box is on the first screen
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
        assert any(c == (255, 241, 204) and n > 500 for n, c in colours)
    printed = tmp_path / "report.pdf"
    _chromium(
        f"--print-to-pdf={printed}",
        "--no-pdf-header-footer",
        report.as_uri(),
        profile=tmp_path / "p2",
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(printed), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.count("\f")
    assert pages >= 2
    assert "Trang 1/" in text and f"Trang {pages}/{pages}" in text
    assert "BIÊN BẢN KIỂM TRA CHỮ KÝ SỐ" in text and "Nguyễn Thị Ánh Tuyết" in text

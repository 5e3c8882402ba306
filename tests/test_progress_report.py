"""The quarterly báo cáo: Vietnamese HTML in the Nghị định 30/2020 layout, printed to PDF by
a real Chromium; its text read back by poppler's pdftotext, a page rendered by pdftoppm."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from sohoa.archive import dossiers
from sohoa.archive.store import Archive
from sohoa.config import ReportSettings, Settings
from sohoa.progress.report import date_line, so, ty_le, write_report
from sohoa.progress.targets import parse_quarter
from tests.progress_helpers import archive_at, at, clock, code, entry, import_rows

SOHOA = [sys.executable, "-m", "sohoa.cli"]
DEPARTMENTS = ("Văn phòng Sở", "Phòng Quản lý giá", "Phòng <Tin học> & Thống kê")
SETTINGS = Settings(
    report=ReportSettings(
        organ="Sở Tài chính",
        parent_organ="UBND tỉnh Gia Lai",
        place="Gia Lai",
        notation="BC-STC",
        signer=("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
        signer_name="Nguyễn Văn Bình",
    )
)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("report")
    monkeypatch = pytest.MonkeyPatch()
    store = Archive(tmp / "archive", create=True)
    try:
        import_rows(store, tmp, [
            entry(n, f"2025-{1 + n % 12:02d}-10", DEPARTMENTS[n % 3], received=f"01/{1 + n % 12:02d}/2025")
            for n in range(1, 31)
        ])  # fmt: skip
        for n in range(1, 19):  # 18 of 30: 60 %, half of them in the quarter
            day = f"2026-{8 + n % 2:02d}-{n:02d}" if n % 2 else f"2025-12-{n:02d}"
            monkeypatch.setenv("SOHOA_ACTOR", "Nguyễn Thị Lan" if n % 3 else "Trần Văn Minh")
            archive_at(monkeypatch, store, tmp, at(day), n, code(n))
        with clock(monkeypatch, at("2026-08-20")):
            store.log("lookup", None, {"dossier": None, "citizen": "079123456789", "documents": 2})
            dossiers.log_lookup(store, code(2), None, [])
        result = write_report(
            store.db, SETTINGS, parse_quarter("2026Q3"), date(2026, 9, 30), tmp / "out",
            today=date(2026, 10, 5),
        )  # fmt: skip
    finally:
        store.close()
        monkeypatch.undo()
    return result


def pdf_text(pdf: Path, *pages: int) -> str:
    args = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return subprocess.run(
        ["pdftotext", "-layout", *args, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_vietnamese_forms_of_numbers_and_dates() -> None:
    assert date_line("Gia Lai", date(2026, 2, 5)) == "Gia Lai, ngày 05 tháng 02 năm 2026"
    assert date_line("Gia Lai", date(2026, 3, 15)) == "Gia Lai, ngày 15 tháng 3 năm 2026"
    assert date_line("Hà Nội", date(2026, 12, 1)) == "Hà Nội, ngày 01 tháng 12 năm 2026"
    assert so(1600) == "1.600" and so(1234567) == "1.234.567"
    assert ty_le(58.333) == "58,3%" and ty_le(None) == "–"


def test_html_is_a_self_contained_vietnamese_report(written) -> None:
    page = written.html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="vi">' in page
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org", "")
    assert "<svg" in page and "Chỉ tiêu theo kế hoạch" in page  # the chart, inline
    for part in ("UBND TỈNH GIA LAI", "SỞ TÀI CHÍNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "Gia Lai, ngày 05 tháng 10 năm 2026",
                 "<h1>BÁO CÁO</h1>", "quý III năm 2026", "Nơi nhận:", "KT. GIÁM ĐỐC",
                 "Nguyễn Văn Bình", "Lưu: VT, VP."):  # fmt: skip
        assert part in page, part
    assert "Số: " + "&nbsp;" * 12 + "/BC-STC" in page  # the number is the văn thư's to write
    assert "Phòng &lt;Tin học&gt; &amp; Thống kê" in page and "<Tin học>" not in page
    assert page == unicodedata.normalize("NFC", page)


def test_pdf_text_extracts_as_written(written) -> None:
    assert written.pdf is not None and written.pdf.stat().st_size > 10_000
    text = pdf_text(written.pdf)
    flat = " ".join(text.split())
    for part in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "SỞ TÀI CHÍNH",
        "/BC-STC",
        "Gia Lai, ngày 05 tháng 10 năm 2026",
        "BÁO CÁO",
        "Kết quả số hóa hồ sơ, kết quả giải quyết thủ tục hành chính quý III năm 2026",
        "Đến hết ngày 30/9/2026, sổ theo dõi có 30 kết quả",
        "18 kết quả, đạt 60,0%",
        "chưa đạt chỉ tiêu 100% (từ ngày 31/12/2025)",
        "Phòng <Tin học> & Thống kê",
        "Tổng cộng",
        "đã số hóa thêm 9 kết quả",
        "Biểu đồ: Tỷ lệ số hóa thực tế so với chỉ tiêu",
        "Chỉ tiêu theo kế hoạch",
        "II. CÁC CHỈ TIÊU KHÁC CỦA KẾ HOẠCH",
        "1.600 hồ",
        "Nơi nhận:",
        "Nguyễn Văn Bình",
    ):
        assert part in flat, part
    assert text == unicodedata.normalize("NFC", text)
    pages = text.count("\f")
    assert pages >= 2
    second = pdf_text(written.pdf, 2).strip().splitlines()[0].strip()
    assert second == "2"  # Phụ lục I: page numbers at the top, from page 2
    assert not pdf_text(written.pdf, 1).strip().startswith("1")


def test_the_chart_is_on_a_rendered_page(written, tmp_path: Path) -> None:
    pages = pdf_text(written.pdf).split("\f")
    number = next(i for i, page in enumerate(pages, start=1) if "Biểu đồ" in page)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "72", "-f", str(number), "-l", str(number), str(written.pdf),
         str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    (png,) = tmp_path.glob("page*.png")
    with Image.open(png) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []

    def near(rgb: tuple[int, int, int]) -> int:
        return sum(
            n for n, c in colours if all(abs(a - b) < 40 for a, b in zip(c, rgb, strict=True))
        )

    assert near((31, 78, 155)) > 150  # the actual rate, blue
    assert near((178, 34, 34)) > 150  # the target steps, red


def test_figures_of_the_quarter(written) -> None:
    flat = " ".join(written.html.read_text(encoding="utf-8").split())
    # look-ups in the quarter: one applicant with papers held, one dossier without
    assert "≥ 30%" in flat
    assert "Nguyễn Thị Lan" not in flat  # the report counts clerks, it does not name them
    assert "2 cán bộ" in flat


def test_cli_report_html_only_and_bad_quarters(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    store = Archive(root, create=True)
    try:
        import_rows(store, tmp_path, [entry(1, "2025-01-10")])
    finally:
        store.close()
    out = tmp_path / "out"
    done = subprocess.run(
        [*SOHOA, "progress", "report", "--quarter", "2025Q4", "--out", str(out), "--html-only",
         "--json", "--archive", str(root)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["at"] == "2025-12-31" and result["pdf"] is None
    assert Path(result["html"]).name == "bao-cao-so-hoa-2025Q4.html"
    # Without a browser the PDF cannot be printed: exit 5 (the machine lacks a tool), the
    # HTML is there all the same.
    bare = subprocess.run(
        [*SOHOA, "progress", "report", "--quarter", "2025Q4", "--out", str(tmp_path / "bare"),
         "--archive", str(root)],
        capture_output=True, text=True, timeout=300, env={**os.environ, "PATH": str(tmp_path)},
    )  # fmt: skip
    assert bare.returncode == 5 and "Chromium" in bare.stderr
    assert (tmp_path / "bare" / "bao-cao-so-hoa-2025Q4.html").is_file()
    assert not (tmp_path / "bare" / "bao-cao-so-hoa-2025Q4.pdf").exists()
    for quarter in ("2099Q1", "2025Q5"):
        refused = subprocess.run(
            [*SOHOA, "progress", "report", "--quarter", quarter, "--out", str(out),
             "--archive", str(root)],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert refused.returncode == 3, quarter

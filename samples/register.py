"""The register of results that goes with the one-stop samples (`samples/register/`).

The list of TTHC results a one-stop system exports, the denominator of `sohoa
progress`: ten results of the Gia Lai one-stop shop, two of which are the
dossiers whose papers are in `samples/dossier/` (their mã hồ sơ in a QR code or
in the file name). The third sample paper, of a Hà Nội commune, is not in this
register: `sohoa progress gaps` lists it as a document outside the register.

The same ten results are written twice, as exports really come:

- `so-theo-doi-ket-qua.csv`: UTF-8 with the BOM Excel writes, a title row, the
  headings in Vietnamese, dates as 31/05/2021;
- `so-theo-doi-ket-qua.xlsx`: CamelCase headings (`MaHoSo`, `NgayTraKetQua`)
  under a title block, dates as Excel date cells.

Names of people are invented; the procedures are those of a Sở Tài chính.
Written byte for byte the same every time (`python -m samples.generate --committed`).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

#: (mã hồ sơ, thủ tục, lĩnh vực, phòng, ngày tiếp nhận, ngày trả kết quả, còn hiệu lực,
#:  hiệu lực đến, người nộp)
ENTRIES: tuple[tuple[str, str, str, str, date, date, str, date | None, str], ...] = (
    ("000.00.17.H34-220314-0011", "Cấp mã số đơn vị có quan hệ với ngân sách",
     "Tin học – Thống kê", "Phòng Tin học – Thống kê", date(2022, 3, 14), date(2022, 3, 17),
     "Có", None, "Trường Tiểu học Ia Kha"),
    ("000.00.17.H34-220905-0027", "Đăng ký giá của doanh nghiệp", "Quản lý giá",
     "Phòng Quản lý giá", date(2022, 9, 5), date(2022, 9, 12), "Không", None,
     "Công ty TNHH Phú Thịnh"),
    ("000.00.17.H34-230512-0003", "Thông báo kết quả giải quyết hồ sơ một cửa",
     "Tài chính ngân sách", "Văn phòng Sở", date(2023, 5, 12), date(2023, 5, 19), "Có", None,
     "Nguyễn Văn An"),
    ("000.00.17.H34-230808-0019", "Quyết toán vốn đầu tư dự án hoàn thành", "Đầu tư",
     "Phòng Tài chính đầu tư", date(2023, 8, 8), date(2023, 9, 22), "Có", None,
     "Ban Quản lý dự án huyện Chư Păh"),
    ("000.00.17.H34-231120-0035", "Xác lập quyền sở hữu toàn dân đối với tài sản",
     "Quản lý công sản", "Phòng Quản lý công sản", date(2023, 11, 20), date(2023, 12, 15),
     "Có", None, "Công an huyện Đak Đoa"),
    ("000.00.17.H34-240215-0008", "Thẩm định phương án giá đất", "Quản lý giá",
     "Phòng Quản lý giá", date(2024, 2, 15), date(2024, 3, 1), "Có", date(2029, 3, 1),
     "Ủy ban nhân dân thành phố Pleiku"),
    ("000.00.17.H34-240610-0021", "Cấp mã số đơn vị có quan hệ với ngân sách",
     "Tin học – Thống kê", "Phòng Tin học – Thống kê", date(2024, 6, 10), date(2024, 6, 12),
     "Có", None, "Trường THCS Nguyễn Du"),
    ("000.00.17.H34-241120-0042", "Thông báo kết quả giải quyết hồ sơ một cửa",
     "Tài chính ngân sách", "Văn phòng Sở", date(2024, 11, 20), date(2024, 11, 27), "Có", None,
     "Trần Thị Bình"),
    ("000.00.17.H34-250305-0014", "Đăng ký giá của doanh nghiệp", "Quản lý giá",
     "Phòng Quản lý giá", date(2025, 3, 5), date(2025, 3, 11), "Có", None,
     "Hợp tác xã Nông nghiệp Ia Grai"),
    ("000.00.17.H34-250716-0030", "Quyết toán vốn đầu tư dự án hoàn thành", "Đầu tư",
     "Phòng Tài chính đầu tư", date(2025, 7, 16), date(2025, 8, 29), "Có", None,
     "Ban Quản lý dự án đầu tư xây dựng tỉnh"),
)  # fmt: skip

CSV_HEADINGS = ["STT", "Mã hồ sơ", "Tên thủ tục", "Lĩnh vực", "Phòng", "Ngày tiếp nhận",
                "Ngày trả kết quả", "Còn hiệu lực", "Hiệu lực đến", "Người nộp"]  # fmt: skip
XLSX_HEADINGS = ["STT", "MaHoSo", "TenThuTuc", "LinhVuc", "DonViXuLy", "NgayTiepNhan",
                 "NgayTraKetQua", "ConHieuLuc", "HieuLucDen", "NguoiNop"]  # fmt: skip
TITLE = "SỔ THEO DÕI KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
#: The moment the workbook says it was made, and its zip entries' time: fixed, so the file
#: is the same bytes at every generation.
MADE = datetime(2025, 9, 30, 17, 0, 0)


def _vn(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def write_csv(path: Path) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([TITLE])
    writer.writerow(CSV_HEADINGS)
    for i, (code, procedure, field, dept, received, resolved, valid, until, who) in enumerate(
        ENTRIES, start=1
    ):
        writer.writerow([i, code, procedure, field, dept, _vn(received), _vn(resolved), valid,
                         _vn(until), who])  # fmt: skip
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def write_xlsx(path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "SoTheoDoi"
    sheet.append(["SỞ TÀI CHÍNH TỈNH GIA LAI"])
    sheet.append([TITLE])
    sheet.append([])
    sheet.append(XLSX_HEADINGS)
    for i, (code, procedure, field, dept, received, resolved, valid, until, who) in enumerate(
        ENTRIES, start=1
    ):
        sheet.append([i, code, procedure, field, dept, received, resolved, valid, until, who])
        for column in (6, 7, 9):
            sheet.cell(row=sheet.max_row, column=column).number_format = "DD/MM/YYYY"
    book.properties.creator = "sohoa samples"
    book.properties.created = book.properties.modified = MADE
    raw = io.BytesIO()
    book.save(raw)
    # openpyxl stamps each zip entry, and the workbook's `modified`, with the time of
    # writing: rewrite them with MADE.
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=MADE.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*",
                    rb"\g<1>" + f"{MADE:%Y-%m-%dT%H:%M:%SZ}".encode(),
                    data,
                )
            out.writestr(entry, data)


def write_register_samples(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "so-theo-doi-ket-qua.csv")
    write_xlsx(folder / "so-theo-doi-ket-qua.xlsx")

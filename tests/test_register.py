"""`sohoa register import`: the register of results as one-stop systems and clerks export it.

Real files (CSV in the encodings Excel and Vietnamese Windows write, .xlsx through
openpyxl), real SQLite: headings recognised, dates read the Vietnamese way, bad
rows reported with the line a person sees, re-imports idempotent.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import unicodedata
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from sohoa.archive.store import Archive
from sohoa.config import Settings, load_settings
from sohoa.errors import ConfigError, UsageError
from sohoa.progress.columns import key
from sohoa.progress.register import import_register
from sohoa.progress.values import parse_date, parse_flag

TODAY = date(2026, 11, 30)
SOHOA = [sys.executable, "-m", "sohoa.cli"]


def write_csv(
    path: Path, rows: list[list[str]], *, encoding: str = "utf-8-sig", delimiter: str = ","
) -> Path:
    if encoding == "cp1258":
        rows = [[windows_1258(cell) for cell in row] for row in rows]
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


TONES = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(text: str) -> str:
    """Text as Windows-1258 writes it: letters with their vowel marks precomposed (â, ơ, ư),
    the tone as a combining mark after them — never NFC."""
    out = []
    for char in text:
        try:
            char.encode("cp1258")
            out.append(char)
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out.append(base + "".join(c for c in parts if c in TONES))
    return "".join(out)


@pytest.fixture
def archive(tmp_path: Path):
    store = Archive(tmp_path / "archive", create=True)
    yield store
    store.close()


def entries(store: Archive) -> dict[str, dict]:
    return {r["code"]: dict(r) for r in store.db.execute("SELECT * FROM register")}


HEADING = ["STT", "Mã hồ sơ", "Tên thủ tục", "Lĩnh vực", "Phòng", "Ngày tiếp nhận",
           "Ngày trả kết quả", "Còn hiệu lực", "Người nộp"]  # fmt: skip


def test_bad_rows_are_reported_with_their_lines_and_the_rest_imported(
    tmp_path: Path, archive: Archive
) -> None:
    path = write_csv(tmp_path / "so.csv", [
        ["DANH SÁCH HỒ SƠ ĐÃ GIẢI QUYẾT NĂM 2023"],                      # line 1: a title
        [],                                                               # line 2: blank
        HEADING,                                                          # line 3
        ["1", "000.00.17.H34-230512-0003", "Cấp mã số đơn vị", "Tin học", "Phòng Tin học",
         "10/05/2023", "12/05/2023", "Có", "Nguyễn Văn An"],              # line 4: good
        ["2", "", "Thẩm định giá", "Quản lý giá", "Phòng Quản lý giá",
         "13/05/2023", "15/05/2023", "Có", "Trần Thị Bình"],              # line 5: no code
        ["3", "000.00.17.H34-230513-0004", "Thẩm định giá", "Quản lý giá",
         "Phòng Quản lý giá", "13/05/2023", "31/02/2023", "Có", "Lê Văn Cường"],  # 6: 31 February
        ["4", "000.00.17.H34-230512-0003", "Đăng ký giá", "Quản lý giá", "Phòng Quản lý giá",
         "", "20/05/2023", "Không", "Phạm Thị Dung"],                     # line 7: duplicate
        ["5", "000.00.17.H34-230514-0005", "Quyết toán vốn\nđầu tư", "Đầu tư", "Phòng Đầu tư",
         "14/05/2023", "2023-05-20", "Không", "Hoàng Văn Em"],            # lines 8–9: two lines
        ["6", "000.00.17.H34-230515-0006", "Đăng ký giá", "Quản lý giá", "Phòng Quản lý giá",
         "20/05/2023", "16/05/2023", "Có", "Vũ Thị Hạnh"],                # line 10: received later
        ["7", "000.00.17.H34-230516-0007", "Đăng ký giá", "Quản lý giá", "Phòng Quản lý giá",
         "16/05/2023", "16/05/2027", "Có", "Đỗ Văn Giang"],               # line 11: in the future
        ["8", "mã sai có dấu cách", "x", "y", "z", "", "16/05/2023", "", ""],  # line 12: bad code
        ["9", "000.00.17.H34-230517-0008", "Đăng ký giá", "Quản lý giá", "Phòng Quản lý giá",
         "16/05/2023", "17/05/2023", "có lẽ", "Bùi Văn Sơn"],             # line 13: not yes/no
        ["10", "000.00.17.H34-230518-0009", "Đăng ký giá", "Quản lý giá", "Phòng Quản lý giá",
         "44334", "44335", "x", "Công ty TNHH Phú Thịnh"],                # line 14: Excel serials
    ])  # fmt: skip
    result = import_register(archive, path, Settings(), today=TODAY)
    bad = {b.line: b.reason for b in result.bad}
    assert sorted(bad) == [5, 6, 7, 10, 11, 12, 13]
    assert bad[5] == "no mã hồ sơ"
    assert "31/02/2023" in bad[6] and "28 days" in bad[6] and bad[6].startswith("Ngày trả kết quả")
    assert bad[7] == "mã hồ sơ 000.00.17.H34-230512-0003 is already on line 4"
    assert bad[10] == "Ngày tiếp nhận 2023-05-20 is after Ngày trả kết quả 2023-05-16"
    assert "in the future" in bad[11]
    assert "is not a mã hồ sơ" in bad[12]
    assert "Còn hiệu lực" in bad[13] and "yes or no" in bad[13]
    assert (result.inserted, result.updated, result.unchanged) == (3, 0, 0)
    rows = entries(archive)
    assert set(rows) == {
        "000.00.17.H34-230512-0003",
        "000.00.17.H34-230514-0005",
        "000.00.17.H34-230518-0009",
    }
    first = rows["000.00.17.H34-230512-0003"]
    assert first["line"] == 4 and first["procedure_name"] == "Cấp mã số đơn vị"  # the first kept
    assert first["resolved_date"] == "2023-05-12" and first["still_valid"] == 1
    assert rows["000.00.17.H34-230514-0005"]["line"] == 8  # a record starts on its first line
    assert rows["000.00.17.H34-230514-0005"]["procedure_name"] == "Quyết toán vốn đầu tư"
    assert rows["000.00.17.H34-230514-0005"]["valid_through"] == ""  # Không: not valid
    serials = rows["000.00.17.H34-230518-0009"]
    assert (serials["received_date"], serials["resolved_date"]) == ("2021-05-18", "2021-05-19")
    assert result.columns["ignored"] == ["STT"]


def test_re_import_is_idempotent_and_updates_changed_rows(tmp_path: Path, archive: Archive) -> None:
    rows = [HEADING] + [
        [str(i), f"000.00.17.H34-2305{10 + i:02d}-{i:04d}", "Đăng ký giá", "Quản lý giá",
         "Phòng Quản lý giá", f"{i:02d}/05/2023", f"{10 + i:02d}/05/2023", "Có", "Nguyễn Văn An"]
        for i in range(1, 6)
    ]  # fmt: skip
    path = write_csv(tmp_path / "so.csv", rows)
    first = import_register(archive, path, Settings(), today=TODAY)
    assert (first.inserted, first.updated, first.unchanged) == (5, 0, 0)
    before = entries(archive)
    again = import_register(archive, path, Settings(), today=TODAY)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 5)
    assert entries(archive) == before  # not even updated_at moved
    rows[2][4] = "Phòng Tài chính doanh nghiệp"  # moved to another phòng
    rows.append(["6", "000.00.17.H34-230601-0006", "Đăng ký giá", "Quản lý giá", "Phòng Quản lý giá",
                 "01/06/2023", "02/06/2023", "Có", "Trần Thị Bình"])  # fmt: skip
    later = import_register(archive, write_csv(tmp_path / "so2.csv", rows), Settings(), today=TODAY)
    assert (later.inserted, later.updated, later.unchanged) == (1, 1, 4)
    after = entries(archive)
    assert len(after) == 6
    assert after["000.00.17.H34-230512-0002"]["department"] == "Phòng Tài chính doanh nghiệp"
    count = archive.db.execute("SELECT count(*) FROM events WHERE action = 'register-import'")
    assert count.fetchone()[0] == 3


def test_dry_run_changes_nothing(tmp_path: Path, archive: Archive) -> None:
    path = write_csv(tmp_path / "so.csv", [HEADING, ["1", "000.00.17.H34-230512-0003", "x", "y",
                     "Phòng A", "10/05/2023", "12/05/2023", "Có", "An"]])  # fmt: skip
    result = import_register(archive, path, Settings(), dry_run=True, today=TODAY)
    assert result.inserted == 1 and result.dry_run
    assert entries(archive) == {}
    assert archive.db.execute("SELECT count(*) FROM events").fetchone()[0] == 0


@pytest.mark.parametrize(
    "headings",
    [
        ["Mã hồ sơ", "Ngày giải quyết", "Phòng"],
        ["MÃ HỒ SƠ", "NGÀY GIẢI QUYẾT", "PHÒNG"],
        ["Ma ho so", "Ngay giai quyet", "Phong"],
        ["ma_ho_so", "ngay_giai_quyet", "phong"],
        ["MaHoSo", "NgayGiaiQuyet", "Phong"],
        ["dossier_code", "resolved_date", "department"],
        ["Số biên nhận", "Ngày trả kết quả", "Đơn vị xử lý"],
    ],
)
def test_headings_are_recognised_in_every_usual_spelling(
    tmp_path: Path, archive: Archive, headings: list[str]
) -> None:
    path = write_csv(tmp_path / "so.csv", [headings, ["000.00.17.H34-230512-0003", "12/05/2023",
                                                      "Phòng Quản lý giá"]])  # fmt: skip
    result = import_register(archive, path, Settings(), today=TODAY)
    assert result.bad == [] and result.inserted == 1
    assert set(result.columns["fields"]) == {"code", "resolved_date", "department"}
    row = entries(archive)["000.00.17.H34-230512-0003"]
    assert (row["resolved_date"], row["department"]) == ("2023-05-12", "Phòng Quản lý giá")


def test_heading_keys_fold_case_diacritics_and_separators() -> None:
    assert key("Mã hồ sơ") == key("ma_ho_so") == key("MaHoSo") == key("MÃ HỒ SƠ") == "mahoso"
    assert key("Đơn vị") == "donvi"


def test_unknown_headings_are_mapped_in_sohoa_toml(tmp_path: Path, archive: Archive) -> None:
    config = tmp_path / "sohoa.toml"
    config.write_text('[register.columns]\n"Số phiếu" = "code"\n"Ngày xong" = "resolved_date"\n',
                      encoding="utf-8")  # fmt: skip
    settings = load_settings(config)
    path = write_csv(
        tmp_path / "so.csv", [["Số phiếu", "Ngày xong"], ["H34-230512-0003", "12/05/2023"]]
    )
    with pytest.raises(UsageError, match="no heading row with a mã hồ sơ column"):
        import_register(archive, path, Settings(), today=TODAY)
    result = import_register(archive, path, settings, today=TODAY)
    assert result.inserted == 1 and result.columns["fields"]["code"] == "Số phiếu"


@pytest.mark.parametrize(
    "toml, problem",
    [
        ('[register.columns]\n"Số phiếu" = "ma"\n', "unknown fields"),
        ("[register]\ncolums = {}\n", "unknown key 'colums'"),
        ("[progress.milestones]\n2021-12-31 = 130\n", "at most 100"),
        ('[progress.milestones]\n"31/12/2021" = 30\n', "not a date"),
        ('[progress]\nscope = "all"\n', "must be one of resolved, valid"),
        ("[progress]\npace_days = 0\n", "between 7 and 3650"),
        ('[report]\nnotation = "BC STC"\n', "like BC-STC"),
    ],
)
def test_wrong_settings_are_config_errors(tmp_path: Path, toml: str, problem: str) -> None:
    config = tmp_path / "sohoa.toml"
    config.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=problem):
        load_settings(config)


def test_encodings_and_separators_of_real_exports(tmp_path: Path, archive: Archive) -> None:
    rows = [["Mã hồ sơ", "Ngày trả kết quả", "Người nộp"],
            ["000.00.17.H34-230512-0003", "12/05/2023", "Nguyễn Thị Ánh Tuyết"]]  # fmt: skip
    for name, encoding, delimiter in (
        ("cp1258.csv", "cp1258", ";"),
        ("utf16.txt", "utf-16", "\t"),
        ("plain.csv", "utf-8", "|"),
    ):
        path = write_csv(tmp_path / name, rows, encoding=encoding, delimiter=delimiter)
        result = import_register(archive, path, Settings(), today=TODAY)
        assert result.bad == [], name
        applicant = entries(archive)["000.00.17.H34-230512-0003"]["applicant"]
        assert applicant == "Nguyễn Thị Ánh Tuyết", name  # NFC, whatever the code page did


def test_xlsx_with_title_rows_date_cells_and_serials(tmp_path: Path, archive: Archive) -> None:
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Ghi chú"
    notes.append(["Sổ theo dõi xuất từ Hệ thống thông tin giải quyết TTHC"])
    sheet = book.create_sheet("Hồ sơ")
    sheet.append(["SỞ TÀI CHÍNH TỈNH GIA LAI"])
    sheet.append(["DANH SÁCH KẾT QUẢ GIẢI QUYẾT TTHC"])
    sheet.append([])
    sheet.append(["STT", "MaHoSo", "TenThuTuc", "NgayTiepNhan", "NgayTraKetQua", "HieuLucDen"])
    sheet.append(
        [
            1,
            "000.00.17.H34-230512-0003",
            "Cấp mã số",
            datetime(2023, 5, 10),
            date(2023, 5, 12),
            None,
        ]
    )
    sheet.append([2, "000.00.17.H34-230513-0004", "Đăng ký giá", 45059, 45061, "31/12/2030"])
    sheet.append([3, "000.00.17.H34-230514-0005", "Đăng ký giá", "13/05/2023", "30/02/2023", None])
    sheet.append([4, 123456, "Mã là số", None, "15/05/2023", None])
    path = tmp_path / "so.xlsx"
    book.save(path)
    result = import_register(archive, path, Settings(), today=TODAY)
    assert result.sheet == "Hồ sơ"
    assert [(b.line, b.code) for b in result.bad] == [(7, "000.00.17.H34-230514-0005")]
    rows = entries(archive)
    assert rows["000.00.17.H34-230512-0003"]["received_date"] == "2023-05-10"
    assert rows["000.00.17.H34-230513-0004"]["resolved_date"] == "2023-05-15"  # serial 45061
    assert rows["000.00.17.H34-230513-0004"]["valid_through"] == "2030-12-31"
    assert rows["123456"]["line"] == 8


def test_values_as_offices_write_them() -> None:
    for text in ("31/05/2021", "31/5/2021", "2021-05-31", "31-05-2021 14:30", "31.05.2021",
                 "44347", "ngày 31 tháng 5 năm 2021", "2021-05-31T10:00:00+07:00"):  # fmt: skip
        assert parse_date(text) == date(2021, 5, 31), text
    assert parse_date(44347) == date(2021, 5, 31)
    for text, reason in (("29/02/2023", "28 days"), ("12/13/2023", "no month 13"),
                         ("31/05/21", "four digits"), ("2021", "not a date"),
                         ("01/01/1900", "outside")):  # fmt: skip
        with pytest.raises(ValueError, match=reason):
            parse_date(text)
    assert [parse_flag(v) for v in ("Có", "KHÔNG", "x", "", None, 1, "Còn hiệu lực")] == [
        True, False, True, None, None, True, True
    ]  # fmt: skip


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SOHOA, *args], capture_output=True, text=True, timeout=300)


def test_cli_import_json_and_exit_codes(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    missing = run("register", "import", str(tmp_path / "none.csv"), "--archive", str(root))
    assert missing.returncode == 3 and not root.exists()  # a missing archive is never created
    Archive(root, create=True).close()
    path = write_csv(tmp_path / "so.csv", [HEADING, ["1", "", "x", "y", "z", "", "", "", ""],
                     ["2", "000.00.17.H34-230512-0003", "Cấp mã số [mới]", "Tin học", "Phòng Tin học",
                      "10/05/2023", "12/05/2023", "Có", "Nguyễn Văn An"]])  # fmt: skip
    done = run("register", "import", str(path), "--archive", str(root), "--json")
    assert done.returncode == 1, done.stderr  # a row was not imported
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert lines[0] == {"line": 2, "code": None, "reason": "no mã hồ sơ"}
    assert lines[-1]["inserted"] == 1 and lines[-1]["bad"] == 1
    text = run("register", "import", str(path), "--archive", str(root))
    assert "line 2: no mã hồ sơ" in text.stdout and "1 unchanged" in text.stdout
    xls = tmp_path / "so.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0")
    old = run("register", "import", str(xls), "--archive", str(root))
    assert old.returncode == 3 and ".xlsx" in old.stderr
    nothing = write_csv(tmp_path / "other.csv", [["Họ tên", "Địa chỉ"], ["An", "Gia Lai"]])
    unknown = run("register", "import", str(nothing), "--archive", str(root))
    said = " ".join(unknown.stderr.split())  # the console wraps long messages
    assert unknown.returncode == 3 and "[register.columns]" in said
    assert "'Họ tên', 'Địa chỉ'" in said
    config = tmp_path / "sohoa.toml"
    config.write_text("[register]\nwhat = 1\n", encoding="utf-8")
    bad = run("register", "import", str(path), "--archive", str(root), "--config", str(config))
    assert bad.returncode == 4 and "unknown key 'what'" in bad.stderr


def test_the_sample_register_in_both_formats_matches_the_sample_papers(
    tmp_path: Path, samples_dir: Path
) -> None:
    found = []
    for name in ("so-theo-doi-ket-qua.csv", "so-theo-doi-ket-qua.xlsx"):
        store = Archive(tmp_path / name, create=True)
        try:
            result = import_register(store, samples_dir / "register" / name, Settings())
            rows = entries(store)
        finally:
            store.close()
        assert result.bad == [] and result.inserted == 10, name
        found.append({code: {k: v for k, v in row.items() if k not in ("source", "line",
                      "imported_at", "updated_at")} for code, row in rows.items()})  # fmt: skip
    assert found[0] == found[1]  # the same register, however it was exported
    papers = json.loads((samples_dir / "dossier" / "expected.json").read_text(encoding="utf-8"))
    codes = {p["dossier"] for p in papers}
    assert codes & set(found[0]) == {"000.00.17.H34-230512-0003", "000.00.17.H34-241120-0042"}
    assert "000.00.31.H26-250903-0117" not in found[0]  # another unit's paper: outside it

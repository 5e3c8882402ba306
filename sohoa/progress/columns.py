"""Which column of a register export holds what: headings recognised without configuration.

One-stop systems and the spreadsheets clerks keep name the same column many
ways: `Mã hồ sơ`, `MÃ HỒ SƠ`, `Ma ho so`, `ma_ho_so`, `MaHoSo`, `dossier_code`.
A heading is compared by its key — no diacritics (đ → d), no case, letters and
digits only — so all of these are one. Headings the table below does not know
are mapped in sohoa.toml (`[register.columns]`, checked in `sohoa.config`),
and that mapping wins over the table.

Exports often start with a title block (`DANH SÁCH HỒ SƠ ĐÃ GIẢI QUYẾT`, the
period, a blank row): the heading row is the first of the opening rows that
names a mã hồ sơ column and at least one other known column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sohoa.config import REGISTER_FIELDS
from sohoa.errors import UsageError
from sohoa.metadata.text import fold_letters

#: How far down an export the heading row may sit.
HEADING_ROWS = 30

#: Known headings by field, as people write them (compared by `key`).
HEADINGS: dict[str, tuple[str, ...]] = {
    "code": (
        "Mã hồ sơ", "Số hồ sơ", "Mã số hồ sơ", "Mã HS", "Số HS", "Mã biên nhận", "Số biên nhận",
        "Mã hồ sơ TTHC", "dossier_code", "dossier_id", "dossier_no", "dossier_number",
        "FileCode", "file_code",
    ),
    "procedure_code": (
        "Mã thủ tục", "Mã TTHC", "Mã thủ tục hành chính", "Mã số thủ tục", "procedure_code",
        "procedure_id",
    ),
    "procedure_name": (
        "Tên thủ tục", "Tên TTHC", "Thủ tục", "TTHC", "Thủ tục hành chính",
        "Tên thủ tục hành chính", "procedure", "procedure_name",
    ),
    "field": ("Lĩnh vực", "Tên lĩnh vực", "Lĩnh vực thủ tục", "field", "domain", "sector"),
    "department": (
        "Phòng", "Phòng ban", "Phòng chuyên môn", "Phòng xử lý", "Đơn vị", "Đơn vị xử lý",
        "Đơn vị giải quyết", "Đơn vị thực hiện", "Bộ phận", "Bộ phận xử lý", "department",
        "dept", "unit", "office",
    ),
    "received_date": (
        "Ngày tiếp nhận", "Ngày nhận", "Ngày nộp", "Ngày tiếp nhận hồ sơ", "Ngày nhận hồ sơ",
        "Ngày nộp hồ sơ", "Thời gian tiếp nhận", "received_date", "received", "date_received",
        "received_at", "submitted_date", "submitted",
    ),
    "resolved_date": (
        "Ngày giải quyết", "Ngày hoàn thành", "Ngày trả kết quả", "Ngày có kết quả",
        "Ngày kết thúc", "Ngày trả", "Thời gian trả kết quả", "Ngày cấp", "Ngày ký kết quả",
        "resolved_date", "resolved", "date_resolved", "resolved_at", "completed_date",
        "completed", "closed_date",
    ),
    "valid_until": (
        "Hiệu lực đến", "Có hiệu lực đến", "Ngày hết hiệu lực", "Thời hạn hiệu lực",
        "Hạn hiệu lực", "Ngày hết hạn", "Hết hạn", "valid_until", "valid_to", "expiry",
        "expiry_date", "expires", "expiration_date",
    ),
    "still_valid": (
        "Còn hiệu lực", "Hiệu lực", "Tình trạng hiệu lực", "Trạng thái hiệu lực",
        "still_valid", "valid", "is_valid", "active",
    ),
    "applicant": (
        "Người nộp", "Người nộp hồ sơ", "Tên người nộp", "Họ tên người nộp", "Chủ hồ sơ",
        "Tổ chức, cá nhân", "Tổ chức/cá nhân", "Tên tổ chức, cá nhân", "Cá nhân, tổ chức",
        "Người đứng tên", "Họ và tên", "Họ tên", "applicant", "applicant_name",
    ),
    "applicant_id": (
        "Số định danh", "Số định danh cá nhân", "Mã định danh", "Số CCCD", "CCCD", "CMND",
        "CCCD/CMND", "Số CMND", "Số giấy tờ", "Mã số thuế", "applicant_id", "citizen_id",
        "national_id",
    ),
}  # fmt: skip


def key(heading: str) -> str:
    """What a heading is compared by: `Mã hồ sơ`, `ma_ho_so`, `MaHoSo` → `mahoso`."""
    return fold_letters(heading)


_KNOWN: dict[str, str] = {key(h): name for name, hs in HEADINGS.items() for h in hs}
assert set(HEADINGS) == set(REGISTER_FIELDS)


@dataclass(frozen=True)
class Columns:
    """Where each field is in the rows of one export."""

    heading_row: int
    """Index (0-based) of the heading row among the rows read."""
    positions: dict[str, int]
    """Field → column index."""
    headings: dict[str, str]
    """Field → the heading as written."""
    ignored: tuple[str, ...]
    """Headings of columns no field takes (STT, Ghi chú, …)."""

    def to_json(self) -> dict[str, Any]:
        return {"fields": dict(self.headings), "ignored": list(self.ignored)}


def match_heading(cells: Sequence[Any], mapping: dict[str, str]) -> dict[str, int]:
    """Field → column index for one candidate heading row (the first column wins a field)."""
    found: dict[str, int] = {}
    for position, cell in enumerate(cells):
        if cell is None or not str(cell).strip():
            continue
        name = mapping.get(key(str(cell))) or _KNOWN.get(key(str(cell)))
        if name is not None and name not in found:
            found[name] = position
    return found


def find_columns(
    rows: Sequence[Sequence[Any]], configured: Sequence[tuple[str, str]], source: str
) -> Columns:
    """The heading row among the first rows of an export, and what each column holds.

    `configured`: `[register.columns]` of sohoa.toml (heading → field). UsageError naming
    the headings seen when no row names a mã hồ sơ column beside another known column.
    """
    mapping = {key(heading): name for heading, name in configured}
    for index, cells in enumerate(rows[:HEADING_ROWS]):
        found = match_heading(cells, mapping)
        if "code" in found and len(found) >= 2:
            taken = set(found.values())
            return Columns(
                heading_row=index,
                positions=found,
                headings={name: str(cells[pos]).strip() for name, pos in found.items()},
                ignored=tuple(
                    str(c).strip()
                    for i, c in enumerate(cells)
                    if i not in taken and c is not None and str(c).strip()
                ),
            )
    seen = next(
        (r for r in rows[:HEADING_ROWS] if sum(1 for c in r if c not in (None, "")) > 1), []
    )
    shown = ", ".join(repr(str(c)) for c in seen if c not in (None, "")) or "none"
    raise UsageError(
        f"{source}: no heading row with a mã hồ sơ column in the first {HEADING_ROWS} rows "
        f"(headings seen: {shown})",
        hint='name the columns in sohoa.toml, e.g. [register.columns] "Số biên nhận" = "code"',
    )

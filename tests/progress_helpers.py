"""Archives with a register and documents at chosen times, for the progress tests.

Documents go through the archive's own store (files, sidecar, index row, ingest
event, dossier link) with the clock fixed at a chosen moment; the register
through `register import` of a real CSV file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import pytest

from sohoa.archive import dossiers
from sohoa.archive.store import Archive
from sohoa.config import Settings
from sohoa.models import ArchiveRecord
from sohoa.progress.register import import_register
from sohoa.vntime import VIETNAM
from tests.archive_helpers import store_document

HEADING = ["Mã hồ sơ", "Phòng", "Lĩnh vực", "Ngày tiếp nhận", "Ngày giải quyết", "Còn hiệu lực",
           "Hiệu lực đến", "Người nộp"]  # fmt: skip


def code(n: int) -> str:
    return f"000.00.17.H34-230512-{n:04d}"


def at(day: str, hour: int = 9) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time()).replace(
        hour=hour, tzinfo=VIETNAM
    )


@contextmanager
def clock(monkeypatch: pytest.MonkeyPatch, when: datetime) -> Iterator[None]:
    """Everything the archive stamps (ingest, links, events) happens at `when`."""
    with monkeypatch.context() as patch:
        for module in ("sohoa.archive.store", "sohoa.archive.dossiers", "sohoa.progress.verdicts"):
            patch.setattr(f"{module}.now", lambda: when)
        yield


def write_register(path: Path, rows: Sequence[Sequence[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADING)
        writer.writerows(rows)
    return path


def entry(
    n: int,
    resolved: str,
    department: str = "Phòng Quản lý giá",
    *,
    field: str = "Quản lý giá",
    received: str = "",
    valid: str = "Có",
    until: str = "",
) -> list[str]:
    return [code(n), department, field, received, resolved, valid, until, "Nguyễn Văn An"]


def import_rows(archive: Archive, tmp: Path, rows: Sequence[Sequence[str]]) -> None:
    result = import_register(archive, write_register(tmp / "so.csv", rows), Settings())
    assert result.bad == [], result.bad


def archive_at(
    monkeypatch: pytest.MonkeyPatch,
    archive: Archive,
    tmp: Path,
    when: datetime,
    mark: int,
    dossier: str | None = None,
) -> ArchiveRecord:
    """One document archived at `when`, linked to `dossier` (as from its QR code)."""
    with clock(monkeypatch, when):
        return store_document(
            archive, tmp, f"scan-{mark}.png", mark, f"văn bản {mark}",
            dossier=(dossier, "qr") if dossier else None,
        )  # fmt: skip


def link_at(
    monkeypatch: pytest.MonkeyPatch, archive: Archive, when: datetime, dossier: str, ids: list[str]
) -> None:
    with clock(monkeypatch, when):
        dossiers.link(archive, dossier, ids)

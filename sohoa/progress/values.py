"""Cell values of a register as Vietnamese offices write them: dates, yes/no, text.

A one-stop system's export holds dates as `31/05/2021` (day first, the
Vietnamese order — never read as month first), `31/5/2021`, `2021-05-31`,
`31-05-2021 14:30`, as Excel date cells, or as bare Excel serial numbers when a
date column lost its format on the way to CSV. A value that cannot be a date
raises `ValueError` with the reason in words, which the importer reports with
the row's line number.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sohoa.metadata.text import fold

#: Excel's day 0 in the 1900 date system (serial 60, the 29 February 1900 Lotus kept, is
#: past by then: every serial from 61 on maps exactly).
EXCEL_EPOCH = date(1899, 12, 30)
#: Dates a register of results can hold: after the Republic's founding, before 2100.
EARLIEST = date(1945, 9, 2)
LATEST = date(2099, 12, 31)
_SERIALS = ((EARLIEST - EXCEL_EPOCH).days, (LATEST - EXCEL_EPOCH).days)

_DAY_FIRST = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2,4})(?:[ T,].*)?$")
_YEAR_FIRST = re.compile(r"^(\d{4})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:[ T].*)?$")
_WORDS = re.compile(r"^ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})$")
_SERIAL = re.compile(r"^\d{4,5}(?:\.\d+)?$")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"), None)

_YES = frozenset({"co", "x", "1", "true", "yes", "y", "con", "con hieu luc", "hieu luc", "valid"})
_NO = frozenset(
    {"khong", "0", "false", "no", "n", "het", "het hieu luc", "khong con hieu luc", "invalid"}
)


#: Anything `text` must clean beyond stripping: runs of spaces, tabs, line breaks, no-break
#: and zero-width spaces (a cell pasted from a web page or a PDF).
_UNTIDY = re.compile(r"\s\s|[^\S ]|[\u200b-\u200d\ufeff]")


def text(value: Any) -> str | None:
    """A cell as NFC text with single spaces, or None when empty (a whole number stays whole)."""
    if value is None:
        return None
    if value.__class__ is not str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = value.isoformat() if isinstance(value, datetime | date) else str(value)
    if not value.isascii():
        value = unicodedata.normalize("NFC", value)
    if _UNTIDY.search(value):
        value = " ".join(value.translate(_INVISIBLE).split())
    else:
        value = value.strip()
    return value or None


#: `text` for columns whose values repeat (phòng, lĩnh vực, thủ tục): cleaned once each.
repeated_text = lru_cache(maxsize=65536)(text)


def iso_date(value: Any) -> str | None:
    """`parse_date` as YYYY-MM-DD (cached for text cells, which repeat)."""
    if value.__class__ is str:
        return _iso_text(value)
    day = parse_date(value)
    return day.isoformat() if day else None


@lru_cache(maxsize=65536)
def _iso_text(value: str) -> str | None:
    day = parse_date(value)
    return day.isoformat() if day else None


def parse_date(value: Any) -> date | None:
    """A date cell as a date, None when empty; ValueError (the reason in words) otherwise."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return _plausible(value.date(), value)
    if isinstance(value, date):
        return _plausible(value, value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(float(value), value)
    cleaned = text(value)
    return None if cleaned is None else _parse_text(cleaned)


@lru_cache(maxsize=65536)
def _parse_text(value: str) -> date:
    """Text dates repeat a lot in a register (one per working day): parsed once each."""
    if _SERIAL.match(value):
        return _serial(float(value), value)
    match = _DAY_FIRST.match(value)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if len(match.group(3)) != 4:
            raise ValueError(f"{value!r}: write the year with four digits")
        return _plausible(_calendar(year, month, day, value), value)
    match = _YEAR_FIRST.match(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return _plausible(_calendar(year, month, day, value), value)
    match = _WORDS.match(fold(value))  # `ngày 31 tháng 5 năm 2021`, as on the paper
    if match:
        day, month, year = (int(g) for g in match.groups())
        return _plausible(_calendar(year, month, day, value), value)
    raise ValueError(f"{value!r} is not a date (write 31/05/2021 or 2021-05-31)")


def _calendar(year: int, month: int, day: int, shown: Any) -> date:
    if not 1 <= month <= 12:
        raise ValueError(f"{shown!r} is not a date: there is no month {month}")
    last = calendar.monthrange(year, month)[1] if 1 <= year <= 9999 else 31
    if not 1 <= day <= last:
        raise ValueError(f"{shown!r} is not a date: month {month:02d}/{year} has {last} days")
    return date(year, month, day)


def _serial(serial: float, shown: Any) -> date:
    if not _SERIALS[0] <= serial <= _SERIALS[1]:
        raise ValueError(f"{shown!r} is not a date (nor an Excel date serial)")
    return EXCEL_EPOCH + timedelta(days=int(serial))


def _plausible(day: date, shown: Any) -> date:
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"{shown!r}: {day.isoformat()} is outside {EARLIEST.year}–{LATEST.year}")
    return day


def parse_flag(value: Any) -> bool | None:
    """Còn hiệu lực: Có/Không, x, 1/0, true/false (None when empty); ValueError otherwise."""
    if value.__class__ is str:
        return _text_flag(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise ValueError(f"{value!r} is not yes or no (Có/Không)")
    return None if value is None else _text_flag(str(value))


@lru_cache(maxsize=1024)
def _text_flag(value: str) -> bool | None:
    cleaned = text(value)
    if cleaned is None:
        return None
    key = fold(cleaned).rstrip(".")
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueError(f"{cleaned!r} is not yes or no (Có/Không)")

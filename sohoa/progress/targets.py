"""The target path: milestones, the target on a date, the forecast, quarters.

The plan (Quyết định 151/QĐ-STC, Phụ lục items 3, 5 and 11) sets 30 % of the
results digitized by 31/12/2021, +20 points by the end of Q1/2022, then +20
points a year from 2023 until 100 %. The milestones are in sohoa.toml
(`[progress.milestones]`, `yearly_step`, `yearly_from`); the yearly steps fall
on 31 December, after the last explicit milestone. The target on a date is the
latest milestone reached on or before it: a step function, never interpolated —
the plan asks for a level by a date, not a slope.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, timedelta

from sohoa.config import ProgressSettings
from sohoa.errors import UsageError


@dataclass(frozen=True)
class Milestone:
    day: date
    percent: float

    def to_json(self) -> dict[str, object]:
        return {"date": self.day.isoformat(), "percent": self.percent}


def road(settings: ProgressSettings) -> tuple[Milestone, ...]:
    """Every milestone in date order: the explicit ones, then the yearly steps up to 100 %."""
    steps = [Milestone(day, percent) for day, percent in settings.milestones]
    if settings.yearly_step <= 0:
        return tuple(steps)
    current = steps[-1].percent if steps else 0.0
    year = settings.yearly_from
    while steps and date(year, 12, 31) <= steps[-1].day:
        year += 1
    while current < 100:
        current = min(100.0, current + settings.yearly_step)
        steps.append(Milestone(date(year, 12, 31), current))
        year += 1
    return tuple(steps)


def target_on(milestones: tuple[Milestone, ...], day: date) -> Milestone | None:
    """The milestone in force on `day` (the latest reached), None before the first."""
    reached = [m for m in milestones if m.day <= day]
    return reached[-1] if reached else None


def next_milestone(milestones: tuple[Milestone, ...], day: date) -> Milestone | None:
    return next((m for m in milestones if m.day > day), None)


def needed(percent: float, total: int) -> int:
    """Entries that must be digitized for `percent` of `total` (rounded up: 30 % of 7 is 3)."""
    return math.ceil(percent * total / 100 - 1e-9)


def completion_date(remaining: int, per_day: float, today: date) -> date | None:
    """When the remaining entries are done at `per_day`; today when none remain, None when
    the pace is nil (never, at that pace)."""
    if remaining <= 0:
        return today
    if per_day <= 0:
        return None
    days = math.ceil(remaining / per_day)
    if days > 365 * 200:
        return None  # beyond any date a report can print
    return today + timedelta(days=days)


def month_ends(start: date, end: date) -> list[date]:
    """The last day of every month from `start`'s to `end`'s (exclusive of `end` itself)."""
    days: list[date] = []
    current = date(start.year, start.month, 1)
    while True:
        following = date(current.year + current.month // 12, current.month % 12 + 1, 1)
        last = following - timedelta(days=1)
        if last >= end:
            return days
        days.append(last)
        current = following


# --- quarters ----------------------------------------------------------------------------------

_QUARTER = re.compile(r"^(?:(\d{4})\s*[-/ ]?\s*Q([1-4])|Q([1-4])\s*[-/ ]?\s*(\d{4}))$", re.I)
ROMAN = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        following = date(self.year + (self.number == 4), (3 * self.number) % 12 + 1, 1)
        return following - timedelta(days=1)

    @property
    def due(self) -> date:
        """The province's deadline: before the 15th of the quarter's last month."""
        return date(self.year, 3 * self.number, 15)

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def vietnamese(self) -> str:
        return f"quý {ROMAN[self.number - 1]} năm {self.year}"


def parse_quarter(text: str) -> Quarter:
    """`2026Q3`, `2026-Q3`, `Q3/2026`; UsageError otherwise."""
    match = _QUARTER.match(text.strip())
    if not match:
        raise UsageError(f"{text!r} is not a quarter", hint="write it as 2026Q3")
    year, number = (match.group(1), match.group(2)) if match.group(1) else match.group(4, 3)
    return Quarter(int(year), int(number))

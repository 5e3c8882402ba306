"""`sohoa progress`: where the office stands on a date, from the register and the archive.

Every figure is read from the index in a handful of queries, none of which
touches a PDF: one pass over the register (its `digitized_at` is kept by
triggers, `schema.py`), the recorded signature verdicts, and the audit trail
through its (action, actor, station, at) index. A million entries take well
under a second.

The denominator (`[progress] scope`): "resolved" counts every result resolved
on or before the date (Phụ lục items 11 and 15); "valid" only those still
valid on it (item 3: not marked no longer valid in the register, and not past
their `valid_until`). An entry without a resolved date counts from the start.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from sohoa.config import ProgressSettings
from sohoa.errors import UsageError
from sohoa.progress.reading import EMPTY_HINT
from sohoa.progress.targets import (
    Milestone,
    completion_date,
    month_ends,
    needed,
    next_milestone,
    road,
    target_on,
)

BY = ("department", "field", "year")
#: Days of work below which documents per clerk are not scaled to a year.
MIN_DAYS = 30
#: Still valid on :day (`valid_through`: the register's flag at export time and valid_until).
VALID = "valid_through >= :day"
#: What "digitized" means, in the words every output repeats.
MEANING = (
    "a register entry is digitized when a signed, archived document is linked to its "
    "dossier and that document's latest signature verdict is good (intact, trusted by the "
    "archive's anchors, unchanged after signing): verified when it was archived, and again "
    "by every `sohoa archive check`"
)


@dataclass(frozen=True)
class Standing:
    """Digitized against total, and what the target asks, for the whole register or a group."""

    total: int
    digitized: int
    digitized_then: int
    """Digitized by the start of the pace window."""
    target: float | None

    @property
    def rate(self) -> float | None:
        return 100 * self.digitized / self.total if self.total else None

    @property
    def gap_points(self) -> float:
        if self.target is None or self.rate is None:
            return 0.0
        return max(0.0, self.target - self.rate)

    @property
    def gap_documents(self) -> int:
        if self.target is None:
            return 0
        return max(0, needed(self.target, self.total) - self.digitized)

    @property
    def status(self) -> str:
        if not self.total:
            return "no-entries"
        if self.target is None:
            return "no-target-yet"
        return "on-track" if self.digitized >= needed(self.target, self.total) else "behind"

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "digitized": self.digitized,
            "rate": _round(self.rate),
            "target": self.target,
            "gap_points": round(self.gap_points, 2),
            "gap_documents": self.gap_documents,
            "status": self.status,
        }


@dataclass(frozen=True)
class Pace:
    days: int
    digitized: int
    """Entries that became digitized in the window."""
    per_day: float
    complete_on: date | None
    """When 100 % is reached at this pace (None: never at this pace)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "digitized": self.digitized,
            "per_day": round(self.per_day, 2),
            "complete_on": self.complete_on.isoformat() if self.complete_on else None,
        }


@dataclass(frozen=True)
class Verification:
    meaning: str
    last_check: str | None
    """When `sohoa archive check` last ran (Vietnam time), None when never."""
    last_check_sampled: bool
    checked: int
    """Documents whose latest verdict comes from a check (the rest: from their archiving)."""
    failing: int
    """Documents whose latest verdict is bad: they count for no entry."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Productivity:
    """Documents archived per clerk (actor) and per station, per year (Phụ lục item 18)."""

    target: int
    window_days: int
    """Days of the audit trail counted (a year, or since the first ingest)."""
    clerks: tuple[tuple[str, int, float | None], ...]
    """(actor, documents in the window, per year: None when the window is under a month)."""
    stations: tuple[tuple[str, int, float | None], ...]

    @property
    def per_clerk(self) -> float | None:
        return _mean(c[2] for c in self.clerks)

    @property
    def per_station(self) -> float | None:
        return _mean(s[2] for s in self.stations)

    def to_json(self) -> dict[str, Any]:
        def rows(items: tuple[tuple[str, int, float | None], ...], name: str) -> list[Any]:
            return [{name: n, "documents": d, "per_year": _round(y, 1)} for n, d, y in items]

        return {
            "target": self.target,
            "window_days": self.window_days,
            "per_clerk": _round(self.per_clerk, 1),
            "per_station": _round(self.per_station, 1),
            "clerks": rows(self.clerks, "actor"),
            "stations": rows(self.stations, "station"),
        }


@dataclass(frozen=True)
class Reuse:
    """Dossiers whose papers were found in the archive instead of asked for again (item 9)."""

    target: float
    lookups: int
    """Distinct dossiers and applicants looked up in the window (`sohoa lookup`)."""
    hits: int
    """Of those, the ones for which papers were held."""
    dossiers: int
    """Results resolved in the window (the dossiers the office handled)."""

    @property
    def share(self) -> float | None:
        return min(100.0, 100 * self.hits / self.dossiers) if self.dossiers else None

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "share": _round(self.share)}


@dataclass(frozen=True)
class Turnaround:
    """Days from the receipt of a dossier to its archived, verified record."""

    entries: int
    median_days: float | None
    mean_days: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "entries": self.entries,
            "median_days": _round(self.median_days, 1),
            "mean_days": _round(self.mean_days, 1),
        }


@dataclass(frozen=True)
class Progress:
    at: date
    scope: str
    overall: Standing
    resolved: Standing
    valid: Standing
    target: Milestone | None
    next: Milestone | None
    pace: Pace
    verification: Verification
    productivity: Productivity
    reuse: Reuse
    turnaround: Turnaround
    by: str | None = None
    groups: tuple[tuple[str, Standing], ...] = ()

    @property
    def next_needed(self) -> tuple[int, float] | None:
        """(entries still to digitize for the next milestone, per day until it)."""
        if self.next is None:
            return None
        missing = max(0, needed(self.next.percent, self.overall.total) - self.overall.digitized)
        days = max(1, (self.next.day - self.at).days)
        return missing, missing / days

    def summary(self) -> str:
        """The one line a script or the demo ends with."""
        o = self.overall
        line = (
            f"Progress on {self.at.isoformat()}: {o.digitized:,} / {o.total:,} digitized "
            f"({o.rate:.1f} %)"
            if o.rate is not None
            else f"Progress on {self.at.isoformat()}: no register entries"
        )
        if self.target is None:
            return f"{line}; no target yet."
        verdict = (
            "on track"
            if o.status == "on-track"
            else f"behind by {o.gap_points:.1f} points ({o.gap_documents:,} documents)"
        )
        return f"{line}; target {self.target.percent:g} % since {self.target.day}: {verdict}."

    def _next_json(self) -> dict[str, Any] | None:
        following = self.next_needed
        if self.next is None or following is None:
            return None
        return {
            **self.next.to_json(),
            "documents_needed": following[0],
            "per_day_needed": round(following[1], 2),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "scope": self.scope,
            **self.overall.to_json(),
            "target_since": self.target.day.isoformat() if self.target else None,
            "next_milestone": self._next_json(),
            "resolved": self.resolved.to_json(),
            "valid": self.valid.to_json(),
            "pace": self.pace.to_json(),
            "verification": self.verification.to_json(),
            "productivity": self.productivity.to_json(),
            "reuse": self.reuse.to_json(),
            "receipt_to_archive": self.turnaround.to_json(),
        }


def _mean(values: Any) -> float | None:
    found = [v for v in values if v is not None]
    return statistics.fmean(found) if found else None


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _next_day(day: date) -> str:
    """Times are ISO in Vietnam time: everything before this string happened by `day`'s end."""
    return (day + timedelta(days=1)).isoformat()


def _params(at: date, window: int) -> dict[str, str]:
    """The bounds every query takes: the day, the next day, and the window's start."""
    since = at - timedelta(days=window)
    return {
        "day": at.isoformat(),
        "next": _next_day(at),
        "then_next": _next_day(since),
        "from": (since + timedelta(days=1)).isoformat(),
    }


def history(
    db: sqlite3.Connection, settings: ProgressSettings, start: date, end: date
) -> list[tuple[date, float]]:
    """The rate at the end of every month from `start`'s to `end`, and on `end` itself
    (as known today: a document found broken later counts at no date)."""
    points = []
    for day in [*month_ends(start, end), end]:
        counts = _headline(db, settings.scope, _params(day, settings.pace_days))
        if counts["total"]:
            points.append((day, 100 * counts["digitized"] / counts["total"]))
    return points


def progress(
    db: sqlite3.Connection,
    settings: ProgressSettings,
    at: date,
    *,
    by: str | None = None,
    window: int | None = None,
) -> Progress:
    """Every figure of `sohoa progress` on `at` (end of that day, Vietnam time).

    `window`: days (ending with `at`) of the pace, the reuse share and the turnaround;
    default `pace_days` (a quarterly report gives the quarter's)."""
    if by is not None and by not in BY:
        raise UsageError(f"--by {by!r}: give one of {', '.join(BY)}")
    milestones = road(settings)
    target = target_on(milestones, at)
    percent = target.percent if target else None
    days = window or settings.pace_days
    params = _params(at, days)
    totals = _headline(db, settings.scope, params)
    if not totals["resolved"] and not db.execute("SELECT 1 FROM register LIMIT 1").fetchone():
        raise UsageError("the register of results is empty", hint=EMPTY_HINT)
    scoped = Standing(totals["total"], totals["digitized"], totals["digitized_then"], percent)
    gained = scoped.digitized - scoped.digitized_then
    per_day = gained / days
    return Progress(
        at=at,
        scope=settings.scope,
        overall=scoped,
        resolved=Standing(totals["resolved"], totals["resolved_digitized"], 0, percent),
        valid=Standing(totals["valid"], totals["valid_digitized"], 0, percent),
        target=target,
        next=next_milestone(milestones, at),
        pace=Pace(
            days,
            gained,
            per_day,
            completion_date(scoped.total - scoped.digitized, per_day, at),
        ),
        verification=verification(db),
        productivity=productivity(db, settings.clerk_target, at),
        reuse=reuse(db, settings.reuse_target, params, totals["handled"]),
        turnaround=turnaround(db, params),
        by=by,
        groups=tuple(
            (name, Standing(total, digitized, 0, percent))
            for name, (total, digitized) in _groups(db, settings.scope, params, by)
        )
        if by
        else (),
    )


def _headline(db: sqlite3.Connection, scope: str, params: dict[str, str]) -> dict[str, int]:
    """The whole register's counts from the day tallies (a few thousand rows), corrected by
    range counts over narrow indexes that visit only the entries that need it (`schema.py`)."""

    def one(sql: str) -> int:
        return int(db.execute(sql, params).fetchone()[0] or 0)

    def tally(kind: str, condition: str) -> int:
        return one(f"SELECT sum(entries) FROM register_tally WHERE kind = '{kind}' AND {condition}")

    def digitized(cutoff: str) -> int:
        """Entries resolved by :day and digitized before `cutoff`: all those digitized, less
        the ones resolved after :day (none, on the usual today)."""
        return tally("digitized", f"day < :{cutoff}") - one(
            f"SELECT count(*) FROM register WHERE resolved_date > :day AND digitized_at < :{cutoff}"
        )

    def not_valid(*cutoffs: str) -> list[int]:
        """Entries resolved by :day no longer valid on it: all, and those digitized before
        each cutoff (one pass over the expired entries of `register_validity`)."""
        sums = "".join(f", sum(digitized_at < :{c})" for c in cutoffs)
        row = db.execute(
            f"SELECT count(*){sums} FROM register WHERE valid_through < :day"
            " AND (resolved_date IS NULL OR resolved_date <= :day)",
            params,
        ).fetchone()
        return [int(n or 0) for n in row]

    # '' (no resolved date) sorts before every date: such entries count from the start.
    resolved = tally("resolved", "day <= :day")
    resolved_digitized, resolved_then = digitized("next"), digitized("then_next")
    if scope == "resolved":
        expired, expired_digitized = not_valid("next")
    else:
        expired, expired_digitized, expired_then = not_valid("next", "then_next")
    counts = {
        "resolved": resolved,
        "resolved_digitized": resolved_digitized,
        "valid": resolved - expired,
        "valid_digitized": resolved_digitized - expired_digitized,
        "handled": tally("resolved", "day >= :from AND day <= :day"),
    }
    if scope == "resolved":
        scoped = (resolved, resolved_digitized, resolved_then)
    else:
        scoped = (counts["valid"], counts["valid_digitized"], resolved_then - expired_then)
    return {**counts, **dict(zip(("total", "digitized", "digitized_then"), scoped, strict=True))}


def _groups(
    db: sqlite3.Connection, scope: str, params: dict[str, str], by: str
) -> list[tuple[str, tuple[int, int]]]:
    """(total, digitized) of every department, field or year: one pass over the narrow index
    `register_groups` in its own order (department, field), so only years are sorted.

    On the usual day — today, after every resolution and digitization — the date
    conditions hold for every row and are left out: counting a column is far cheaper
    than comparing it a million times."""
    last_digitized, last_resolved = db.execute(
        "SELECT (SELECT max(digitized_at) FROM register), (SELECT max(resolved_date) FROM register)"
    ).fetchone()
    every_resolved = last_resolved is None or last_resolved <= params["day"]
    every_digitized = last_digitized is None or last_digitized < params["next"]
    if scope == "resolved":
        digitized = "count(digitized_at)" if every_digitized else "sum(digitized_at < :next)"
        counts = f"count(*), {digitized}"
    else:
        counts = f"sum({VALID}), sum({VALID} AND digitized_at < :next)"
    if by == "year":
        return _years(db, params, counts)
    where = "" if every_resolved else "WHERE coalesce(resolved_date, '') <= :day"
    sql = (
        f"SELECT department, field, {counts} FROM register INDEXED BY register_groups {where}"
        " GROUP BY department, field"
    )
    rolled: dict[str, list[int]] = {}
    for row in db.execute(sql, params):
        name = row[0] if by == "department" else row[1]
        total, done = row[-2:]
        into = rolled.setdefault(name or "", [0, 0])
        into[0] += total or 0
        into[1] += done or 0
    return [(name, (t, d)) for name, (t, d) in sorted(rolled.items()) if t]


def _years(
    db: sqlite3.Connection, params: dict[str, str], counts: str
) -> list[tuple[str, tuple[int, int]]]:
    """By year resolved: one range of `register_resolved` per year (the years come from the
    tally), so a million dates are never sorted."""
    years = [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT substr(day, 1, 4) FROM register_tally"
            " WHERE kind = 'resolved' AND day <= :day ORDER BY 1",
            params,
        )
    ]
    found = []
    for year in years:
        where = (
            "resolved_date IS NULL"
            if not year
            else "resolved_date >= :low AND resolved_date <= min(:high, :day)"
        )
        total, done = db.execute(
            f"SELECT {counts} FROM register INDEXED BY register_resolved WHERE {where}",
            {**params, "low": f"{year}-01-01", "high": f"{year}-12-31"},
        ).fetchone()
        if total:
            found.append((year, (int(total), int(done or 0))))
    return found


def verification(db: sqlite3.Connection) -> Verification:
    # Range counts over signature_checks_state (ok, source), not a pass over every verdict.
    checked, failing = db.execute(
        "SELECT (SELECT count(*) FROM signature_checks WHERE ok IN (0, 1) AND source = 'check'),"
        " (SELECT count(*) FROM signature_checks WHERE ok = 0)"
    ).fetchone()
    last = db.execute(
        "SELECT at, detail FROM events WHERE action = 'check' ORDER BY id DESC LIMIT 1"
    ).fetchone()
    sampled = bool(json.loads(last[1]).get("sampled")) if last else False
    return Verification(MEANING, last[0] if last else None, sampled, checked or 0, failing or 0)


def productivity(db: sqlite3.Connection, target: int, at: date) -> Productivity:
    """Documents archived in the year to `at`, by clerk (actor) and by station, scaled to a
    year when the archive is younger than one (`work_tally`, from the ingest events)."""
    start = at - timedelta(days=364)
    first = db.execute("SELECT min(day) FROM work_tally").fetchone()[0]
    if first is not None:
        start = max(start, date.fromisoformat(first))
    days = max(1, (at - start).days + 1)
    rows = db.execute(
        "SELECT actor, station, sum(documents) FROM work_tally"
        " WHERE day >= ? AND day <= ? GROUP BY actor, station",
        (start.isoformat(), at.isoformat()),
    ).fetchall()
    clerks: dict[str, int] = {}
    stations: dict[str, int] = {}
    for actor, station, n in rows:
        clerks[actor] = clerks.get(actor, 0) + n
        stations[station] = stations.get(station, 0) + n

    def yearly(counts: dict[str, int]) -> tuple[tuple[str, int, float | None], ...]:
        # A few days of work scaled to a year says nothing: below a month, no yearly figure.
        return tuple(
            (name, n, n * 365 / days if days >= MIN_DAYS else None)
            for name, n in sorted(counts.items(), key=lambda i: -i[1])
        )

    return Productivity(target, days, yearly(clerks), yearly(stations))


def reuse(db: sqlite3.Connection, target: float, params: dict[str, str], handled: int) -> Reuse:
    """Distinct dossiers and applicants looked up in the window, and those with papers held."""
    lookups, hits = db.execute(
        "SELECT count(DISTINCT subject), count(DISTINCT CASE WHEN held THEN subject END)"
        " FROM lookups WHERE at >= :from AND at < :next",
        params,
    ).fetchone()
    return Reuse(target, lookups or 0, hits or 0, handled)


def turnaround(db: sqlite3.Connection, params: dict[str, str]) -> Turnaround:
    """Days from receipt to the archived record, for the entries digitized in the window
    (a histogram by whole days, read from the `register_digitized` index)."""
    histogram = [
        (max(0, days), n)
        for days, n in db.execute(
            "SELECT CAST(julianday(substr(digitized_at, 1, 10)) - julianday(received_date)"
            " AS INTEGER), count(*) FROM register"
            " WHERE digitized_at >= :from AND digitized_at < :next AND received_date IS NOT NULL"
            " GROUP BY 1 ORDER BY 1",
            params,
        )
    ]
    entries = sum(n for _, n in histogram)
    if not entries:
        return Turnaround(0, None, None)
    mean = sum(days * n for days, n in histogram) / entries
    return Turnaround(entries, _median(histogram, entries), mean)


def _median(histogram: list[tuple[int, int]], entries: int) -> float:
    """The median of a sorted (value, count) histogram."""
    lower, upper = (entries - 1) // 2, entries // 2
    seen, low = 0, None
    for value, n in histogram:
        if low is None and seen + n > lower:
            low = value
        if seen + n > upper:
            return (low + value) / 2 if low is not None else float(value)
        seen += n
    raise AssertionError("histogram shorter than its count")  # pragma: no cover

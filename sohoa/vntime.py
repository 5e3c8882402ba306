"""Vietnam time, in one place.

Every time sohoa shows or stores is Vietnam time with its offset (Nghị định
30/2020 Phụ lục I: the signing time of a digitized copy in ISO 8601 with
+07:00). Vietnam has kept UTC+7 without daylight saving since 1975, so a fixed
offset is exact for every record sohoa can hold and needs no tz database.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7), "ICT")


def now() -> datetime:
    """The current moment in Vietnam time, to the second."""
    return datetime.now(VIETNAM).replace(microsecond=0)


def in_vietnam(moment: datetime) -> datetime:
    """`moment` in Vietnam time; a naive value is read as Vietnam time (what a clerk types)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=VIETNAM)
    return moment.astimezone(VIETNAM)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in Vietnam time with the offset, to the second (None stays None)."""
    if moment is None:
        return None
    return in_vietnam(moment).replace(microsecond=0).isoformat()

"""The server's clock: the current time, timezone-aware UTC."""

from __future__ import annotations

import datetime


def utcnow() -> datetime.datetime:
    """The current time, timezone-aware UTC."""
    return datetime.datetime.now(datetime.UTC)


def utc_period(
    period: str, now: datetime.datetime | None = None
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """Where the UTC `day` or `month` holding `now` (default: now) began and when the next one begins; both None for
    `total` (a period that never ends)."""
    if period not in ("day", "month"):
        return None, None
    at = (now or utcnow()).astimezone(datetime.UTC)
    if period == "day":
        start = at.replace(hour=0, minute=0, second=0, microsecond=0)
        return start, start + datetime.timedelta(days=1)
    start = at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (
        start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    )
    return start, following

"""The server's clock: the current time, timezone-aware UTC."""

from __future__ import annotations

import datetime


def utcnow() -> datetime.datetime:
    """The current time, timezone-aware UTC."""
    return datetime.datetime.now(datetime.UTC)

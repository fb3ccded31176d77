"""What the API shows people: the clock in several formats and the shell command that continues a fork."""

from __future__ import annotations

import datetime
import email.utils
import shlex
import uuid
from typing import Any

__all__ = ["clock_reading", "fork_command"]


def clock_reading(now: datetime.datetime) -> dict[str, Any]:
    """A UTC time in the formats of `GET /api/date`."""
    now = now.astimezone(datetime.UTC)
    return {
        "iso": now.isoformat().replace("+00:00", "Z"),
        "unixMs": int(now.timestamp() * 1000),
        "unix": int(now.timestamp()),
        "rfc2822": email.utils.format_datetime(now),
        "date": now.date().isoformat(),
        "time": now.time().replace(microsecond=0).isoformat(),
        "weekday": now.strftime("%A"),
        "timezone": "UTC",
    }


def fork_command(folder: str, forked_from: uuid.UUID, session_id: uuid.UUID) -> str:
    """The shell command with which a person continues a fork in Claude Code, from the team's folder."""
    return f"cd {shlex.quote(folder)} && claude --resume {forked_from} --fork-session --session-id {session_id}"

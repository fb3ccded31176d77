"""Recent structured log records, kept in memory for the logs operation, with anything shaped like a key redacted."""

from __future__ import annotations

import datetime
import logging
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from app.redact import redact

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class OfSession(Protocol):
    """Anything about one session of one caller → team pair (a session's live side, a tell)."""

    session_id: uuid.UUID
    from_team: str
    team: str


def about(item: OfSession) -> dict[str, str]:
    """The log context of a record about one session: its pair and id (what a team-scoped key's logs show)."""
    return {"team": item.team, "fromTeam": item.from_team, "sessionId": str(item.session_id)}


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One log record."""

    timestamp: datetime.datetime
    level: str
    logger: str
    message: str
    context: dict[str, Any]


def _kept(value: Any) -> str | int | float | bool | None:
    """A context value as kept: a number, flag or None as is, anything else as its redacted text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact(value if isinstance(value, str) else repr(value))


class LogBuffer(logging.Handler):
    """A logging handler keeping the newest records in a ring buffer; what it keeps (message, context, exception)
    passes through `app.redact.redact` first, so no key reaches a reader of the logs. A `listener`, when one is
    set (the stream layer's, while someone follows the logs), is handed each record as it is kept."""

    def __init__(self, size: int = 2000) -> None:
        super().__init__(logging.DEBUG)
        self.entries: deque[LogEntry] = deque(maxlen=size)
        self.listener: Callable[[LogEntry], None] | None = None

    def resize(self, size: int) -> None:
        """Keep at most `size` records from now on."""
        if size != self.entries.maxlen:
            self.entries = deque(self.entries, maxlen=size)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            context = {key: _kept(value) for key, value in vars(record).items() if key not in _STANDARD}
            if record.exc_info and record.exc_info[1] is not None:
                context["exception"] = redact(f"{type(record.exc_info[1]).__name__}: {record.exc_info[1]}")
            entry = LogEntry(
                datetime.datetime.fromtimestamp(record.created, datetime.UTC),
                record.levelname.lower(),
                record.name,
                redact(record.getMessage()),
                context,
            )
            self.entries.append(entry)
            listener = self.listener
            if listener is not None:
                listener(entry)
        except Exception:  # pragma: no cover - logging must never raise
            self.handleError(record)

    def query(
        self, *, since: datetime.datetime | None = None, level: str | None = None, limit: int = 100
    ) -> list[LogEntry]:
        """The newest records first, at or above `level`, after `since`, at most `limit`."""
        floor = logging.getLevelNamesMapping().get((level or "debug").upper(), logging.DEBUG)
        found: list[LogEntry] = []
        for entry in reversed(self.entries):
            if since is not None and entry.timestamp < since:
                break
            if logging.getLevelNamesMapping().get(entry.level.upper(), 0) >= floor:
                found.append(entry)
                if len(found) >= limit:
                    break
        return found

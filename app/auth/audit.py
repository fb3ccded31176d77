"""The audit log: append-only events in their own SQLite file, written in batches, never holding a key."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import enum
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, cast

import msgspec
from sqlalchemy import Table, delete, insert, select

from app.auth.db import (
    BUSY_TIMEOUT_MS,
    Clock,
    Page,
    check_limit,
    prepare,
    sqlite_config,
    teams_within,
)
from app.auth.keys import TEAM_PATTERN, KeyRecord, redact, redact_value
from app.auth.models import AuditRow
from app.clock import utcnow
from app.config import EXTERNAL, AuthSuccessAudit
from app.cursors import decode_cursor, encode_cursor, foreign_cursor
from app.db.writer import Writer
from app.errors import ValidationError

__all__ = [
    "AUDIT_EVENTS",
    "AUTO",
    "AuditLog",
    "AuditRecord",
    "AuditView",
    "Auto",
    "row_teams",
]

log = logging.getLogger("iris.audit")

AUDIT_EVENTS: tuple[str, ...] = (
    "auth_success",
    "auth_failure",
    "forbidden",
    "rate_limited",
    "key_created",
    "key_revoked",
    "tell",
    "cancel",
    "reboot",
    "delete",
    "fork",
    "wake",
    "launch",
    "sleep",
    "wake_all",
    "compact",
    "cache_clear",
    "permission_decision",
    "webhook_created",
    "webhook_deleted",
    "webhook_redelivered",
)
"""Every event type, in the contract's order (its `AuditEventType`)."""

_MAX_TEXT = 2000
SUCCESS_WINDOW = datetime.timedelta(minutes=1)
"""With `first-per-key-per-minute`, a key's `auth_success` rows are at least this far apart."""
_MAX_REMEMBERED_KEYS = 10_000
_TABLE = cast(Table, AuditRow.__table__)
_INSERT = insert(_TABLE)
"""One row's INSERT: a batch is one `executemany` of it (compiled once by the writer)."""


class Auto(enum.Enum):
    """The type of `AUTO`."""

    AUTO = "auto"


AUTO: Literal[Auto.AUTO] = Auto.AUTO
"""`teams` of `AuditLog.record` left to `row_teams`."""


def _team(value: str | None) -> str | None:
    """A team name worth storing (anything else, e.g. an over-long or malformed name from a refused request: None)."""
    return value if isinstance(value, str) and TEAM_PATTERN.fullmatch(value) else None


def row_teams(
    team: str | None = None,
    from_team: str | None = None,
    others: Iterable[str] = (),
    key: KeyRecord | None = None,
) -> list[str] | None:
    """The teams an event concerns: those it names (the pair, less `external`, and any others), else the team
    scope of the key that made it. None: no team (a key without a team scope, or no key); only keys without a
    team scope see such rows."""
    named: list[str] = []
    for name in (team, from_team, *others):
        if name and name != EXTERNAL and name not in named:
            named.append(name)
    if named:
        return named
    if key is not None and key.teams:
        return list(key.teams)
    return None


def _text(value: str | None, limit: int = _MAX_TEXT) -> str | None:
    if value is None:
        return None
    cleaned = redact(value)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def _details(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None

    def clip(node: Any) -> Any:
        if isinstance(node, str):
            return _text(node, 1000)
        if isinstance(node, dict):
            return {k: clip(v) for k, v in node.items()}
        if isinstance(node, list):
            return [clip(v) for v in node]
        return node

    cleaned = redact_value(dict(value))
    return dict(clip(cleaned))


@dataclass(frozen=True)
class AuditRecord:
    """One audit entry as stored."""

    id: int
    timestamp: datetime.datetime
    event: str
    key_id: str | None
    key_name: str | None
    client_address: str | None
    method: str | None
    path: str | None
    status_code: int | None
    error: str | None
    details: dict[str, Any] | None
    team: str | None = None
    from_team: str | None = None
    teams: tuple[str, ...] | None = None

    def view(self) -> AuditView:
        """The entry as callers see it (without the teams that decide who sees it)."""
        return msgspec.convert(self, AuditView, from_attributes=True)


class AuditView(msgspec.Struct, frozen=True, rename="camel"):
    """An audit entry as callers see it (the contract's `AuditEntry`, field for field)."""

    id: int
    timestamp: datetime.datetime
    event: str
    key_id: str | None
    key_name: str | None
    client_address: str | None
    method: str | None
    path: str | None
    status_code: int | None
    error: str | None
    details: dict[str, Any] | None
    team: str | None
    from_team: str | None


def _record(row: AuditRow) -> AuditRecord:
    return AuditRecord(
        id=row.id,
        timestamp=row.timestamp,
        event=row.event,
        key_id=row.key_id,
        key_name=row.key_name,
        client_address=row.client_address,
        method=row.method,
        path=row.path,
        status_code=row.status_code,
        error=row.error,
        details=row.details,
        team=row.team,
        from_team=row.from_team,
        teams=tuple(row.teams) if isinstance(row.teams, list) else None,
    )


class AuditLog:
    """Append-only audit events: `record` queues, a background task writes batches, `close` writes the rest."""

    def __init__(
        self,
        path: str | Path,
        retention_days: int = 90,
        *,
        batch_size: int = 100,
        flush_interval: float = 0.1,
        prune_interval: float = 86_400.0,
        max_pending: int = 100_000,
        auth_success: AuthSuccessAudit = "all",
        clock: Clock = utcnow,
    ) -> None:
        if retention_days < 1:
            raise ValueError("retention_days must be at least 1")
        self.path = Path(path).expanduser()
        self.retention_days = retention_days
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self.prune_interval = prune_interval
        self.max_pending = max_pending
        self.clock = clock
        self.auth_success = auth_success
        """Which `auth_success` events become rows (`api.audit.authSuccess`); every other event always does."""
        self._successes: dict[str, datetime.datetime] = {}
        self.dropped = 0
        """Rows dropped because more than `max_pending` were waiting (the database was unwritable)."""
        self.observers: list[Callable[[str, Mapping[str, Any] | None], None]] = []
        """Called with each recorded event's type and details (the metrics count refusals this way)."""
        self._config = sqlite_config(self.path)
        self._sessions = self._config.create_session_maker()
        self._engine = self._config.get_engine()
        self._rows = Writer(self._engine, busy_timeout_ms=BUSY_TIMEOUT_MS)
        self._pending: list[dict[str, Any]] = []
        self._wake = asyncio.Event()
        """Set when the writer should write: a batch is full, the oldest queued row has waited `flush_interval`,
        or the log is closing."""
        self._timer: asyncio.TimerHandle | None = None
        self._lock = asyncio.Lock()
        self._writer: asyncio.Task[None] | None = None
        self._pruned_at = 0.0
        self._opened = False
        self._closed = False

    async def open(self, *, prune: bool = True) -> None:
        """Create the file if needed, apply pending migrations, prune old rows and start the writer."""
        await prepare("audit", self.path)
        self._opened = True
        self._closed = False
        if prune:
            await self.prune()
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_forever(), name="iris-audit-writer")
            if self._pending:  # queued before the log opened
                self._wake.set()

    async def close(self) -> None:
        """Stop the writer, write every queued row and release the file."""
        self._closed = True
        if self._writer is not None:
            self._wake.set()  # the writer finishes its batch and stops; never cancelled mid-write
            await self._writer
            self._writer = None
        if self._opened:
            for attempt in range(3):
                try:
                    await self.flush()
                    break
                except Exception:
                    if attempt == 2:
                        log.exception("audit log %s: %d rows could not be written", self.path, len(self._pending))
                    else:
                        await asyncio.sleep(0.2)
        await self._rows.close()
        await self._config.get_engine().dispose()
        self._opened = False

    async def __aenter__(self) -> AuditLog:
        await self.open()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @property
    def pending(self) -> int:
        """Rows queued and not yet written."""
        return len(self._pending)

    def record(
        self,
        event: str,
        *,
        key: KeyRecord | None = None,
        key_id: str | None = None,
        key_name: str | None = None,
        client_address: str | None = None,
        method: str | None = None,
        path: str | None = None,
        status_code: int | None = None,
        error: str | None = None,
        details: Mapping[str, Any] | None = None,
        team: str | None = None,
        from_team: str | None = None,
        teams: Iterable[str] | Literal[Auto.AUTO] | None = AUTO,
        at: datetime.datetime | None = None,
    ) -> None:
        """Queue one event (returns at once; call from the event loop's thread). Anything like a key is redacted.

        `team` and `from_team` are the caller → team pair the event acted on. `teams` are the teams it concerns,
        which decide who sees it (`AuditLog.query(within=...)`): by default `row_teams` of the pair and the key;
        given, those teams plus the pair's; None, no team at all (only keys without a team scope see it).
        """
        if event not in AUDIT_EVENTS:
            raise ValueError(f"unknown audit event {event!r}")
        for observer in self.observers:
            try:
                observer(event, details)
            except Exception:
                log.exception("audit observer failed for %s", event)
        if self._closed:
            log.warning("audit log %s is closed; %s event not recorded", self.path, event)
            return
        if key is not None:
            key_id, key_name = key.id, key.name
        at = at or self.clock()
        if event == "auth_success" and not self._keeps_success(key_id, at):
            return
        team, from_team = _team(team), _team(from_team)
        if teams is AUTO:
            concerned = row_teams(team, from_team, key=key)
        elif teams is None:
            concerned = None
        else:
            concerned = row_teams(team, from_team, [t for t in teams if _team(t)]) or None
        if len(self._pending) >= self.max_pending:
            del self._pending[0]
            self.dropped += 1
        self._pending.append(
            {
                "timestamp": at,
                "event": event,
                "key_id": _text(key_id, 64),
                "key_name": _text(key_name, 64),
                "client_address": _text(client_address, 128),
                "method": _text(method, 16),
                "path": _text(path),
                "status_code": status_code,
                "error": _text(error),
                "details": _details(details),
                "team": team,
                "from_team": from_team,
                "teams": concerned,
            }
        )
        if len(self._pending) >= self.batch_size:
            self._wake.set()
        elif self._timer is None and self._writer is not None:  # the first row of a batch: write it in a while
            self._timer = asyncio.get_running_loop().call_later(self.flush_interval, self._wake.set)

    def _keeps_success(self, key_id: str | None, at: datetime.datetime) -> bool:
        """Whether an `auth_success` of this key at `at` becomes a row under the `auth_success` setting."""
        if self.auth_success == "none":
            return False
        if self.auth_success == "all" or key_id is None:
            return True
        last = self._successes.get(key_id)
        if last is not None and last <= at < last + SUCCESS_WINDOW:
            return False
        if len(self._successes) >= _MAX_REMEMBERED_KEYS:
            self._successes.clear()
        self._successes[key_id] = at
        return True

    async def flush(self) -> int:
        """Write every queued row now, in one transaction; returns how many."""
        async with self._lock:
            if not self._pending:
                return 0
            if not self._opened:
                raise RuntimeError("the audit log is not open")
            batch, self._pending = self._pending, []
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            try:
                await self._rows.write([(_INSERT, batch)])
            except BaseException:
                self._pending[:0] = batch  # keep them, in order, for the next try
                raise
            return len(batch)

    async def prune(self) -> int:
        """Delete rows older than the retention; returns how many."""
        cutoff = self.clock() - datetime.timedelta(days=self.retention_days)
        async with self._sessions() as db:
            result = await db.execute(delete(AuditRow).where(AuditRow.timestamp < cutoff))
            await db.commit()
        self._pruned_at = time.monotonic()
        removed = int(getattr(result, "rowcount", 0) or 0)
        if removed:
            log.info("audit log %s: pruned %d rows older than %d days", self.path, removed, self.retention_days)
        return removed

    async def query(
        self,
        *,
        since: datetime.datetime | None = None,
        event: str | None = None,
        key_id: str | None = None,
        within: Iterable[str] | None = None,
        limit: int | None = 50,
        cursor: str | None = None,
    ) -> Page[AuditRecord]:
        """Entries newest first (queued ones written first), filtered; `limit` None is all.

        `within` (a team scope) keeps only the entries whose teams are all in it (never one that concerns no team).
        """
        check_limit(limit)
        if event is not None and event not in AUDIT_EVENTS:
            raise ValidationError(
                f"event: expected one of {', '.join(AUDIT_EVENTS)}, got {event!r}", {"field": "event"}
            )
        if since is not None and since.tzinfo is None:
            raise ValidationError("since: expected a time with a timezone", {"field": "since"})
        if self._opened:
            await self.flush()
        statement = select(AuditRow).order_by(AuditRow.id.desc())
        if since is not None:
            statement = statement.where(AuditRow.timestamp >= since)
        if event is not None:
            statement = statement.where(AuditRow.event == event)
        if key_id is not None:
            statement = statement.where(AuditRow.key_id == key_id)
        if within is not None:
            statement = statement.where(teams_within(AuditRow.teams, within))
        if cursor:
            (before,) = decode_cursor(cursor, [0])
            if before < 0:
                raise foreign_cursor()
            statement = statement.where(AuditRow.id < before)
        if limit is not None:
            statement = statement.limit(limit + 1)
        async with self._sessions() as db:
            rows = list((await db.execute(statement)).scalars())
        next_cursor = None
        if limit is not None and len(rows) > limit:
            rows = rows[:limit]
            next_cursor = encode_cursor([rows[-1].id])
        return Page(items=[_record(row) for row in rows], next_cursor=next_cursor)

    async def _write_forever(self) -> None:
        """Write batches as `record` asks for them (idle, it wakes only to prune), until the log closes."""
        while True:
            due = self.prune_interval - (time.monotonic() - self._pruned_at)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(due, 0.0))
            self._wake.clear()
            try:
                await self.flush()
            except Exception:
                log.exception("audit log %s: write failed, %d rows kept for retry", self.path, len(self._pending))
                if not self._closed:
                    await asyncio.sleep(self.flush_interval)
                    self._wake.set()  # try again
            if self._closed:
                return
            if time.monotonic() - self._pruned_at >= self.prune_interval:
                try:
                    await self.prune()
                except Exception:
                    log.exception("audit log %s: pruning failed", self.path)

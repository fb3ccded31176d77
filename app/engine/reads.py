"""Reading the engine: team status, the teams, a session's cache, logs, the date, the system's status and health."""

from __future__ import annotations

import datetime
import email.utils
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from app import __version__
from app.clock import utcnow
from app.config import IrisConfig
from app.cursors import decode_cursor, encode_cursor, foreign_cursor
from app.db.models import SessionRecord
from app.db.store import Store
from app.engine.logs import LogBuffer, LogEntry
from app.engine.permissions import PermissionBroker
from app.engine.pool import Pool
from app.engine.runner import Runner
from app.engine.sessions import Sessions
from app.engine.views import CachePage, SessionView, SystemStatus, TeamInfo, TeamStatus, TellView
from app.errors import SessionNotFoundError, ValidationError


def _parse_cursor(cursor: str) -> tuple[datetime.datetime, uuid.UUID]:
    """The position (queued at, request id) inside a cursor of a session's tells."""
    at, request_id = decode_cursor(cursor, ["", ""])
    try:
        return datetime.datetime.fromisoformat(at), uuid.UUID(request_id)
    except ValueError:
        raise foreign_cursor() from None


def date() -> dict[str, Any]:
    """The current time in several formats (UTC)."""
    now = utcnow()
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


class Reads:
    """What the engine's read operations return, built from the store and the live sessions."""

    def __init__(
        self,
        config: Callable[[], IrisConfig],
        store: Store,
        sessions: Sessions,
        pool: Pool,
        runner: Runner,
        permissions: PermissionBroker,
        logs: LogBuffer,
        started_at: datetime.datetime,
    ) -> None:
        self._config = config
        self._store = store
        self._sessions = sessions
        self._pool = pool
        self._runner = runner
        self._permissions = permissions
        self._logs = logs
        self._started_at = started_at
        self._started = time.monotonic()

    def session_view(self, record: SessionRecord) -> SessionView:
        """A stored session with what its process is doing now."""
        runtime = self._sessions.runtimes.get(record.id)
        if runtime is None:
            return SessionView.of(record, "stopped", None, 0)
        return SessionView.of(record, runtime.state, runtime.pid, len(runtime.queue))

    async def team_status(self, caller: str, names: list[str]) -> list[TeamStatus]:
        """These teams as seen by one caller."""
        config = self._config()
        statuses = []
        for name in names:
            runtime = await self._sessions.of_pair(caller, name, create=False)
            if runtime is None:
                statuses.append(TeamStatus(name, caller, False, "stopped", None, None, 0, 0, None, None, None))
                continue
            await self._runner.recorded()
            record = await self._store.get_session(runtime.session_id)
            remaining = None
            awake = runtime.process is not None and runtime.process.alive
            if awake and not runtime.busy:
                idle_ms = (time.monotonic() - runtime.last_used) * 1000
                remaining = max(0, int(config.team_idle_timeout(name) - idle_ms))
            current = runtime.current
            statuses.append(
                TeamStatus(
                    name,
                    caller,
                    awake,
                    runtime.state,
                    runtime.pid,
                    runtime.session_id,
                    record.message_count if record else 0,
                    len(runtime.queue),
                    runtime.last_activity,
                    remaining,
                    current.request_id if current else None,
                )
            )
        return statuses

    async def list_teams(self, include_processes: bool) -> list[TeamInfo]:
        """The configured teams, optionally with their sessions' processes."""
        infos = []
        for name, team in self._config().teams.items():
            processes = None
            if include_processes:
                processes = [self.session_view(record) for record in await self._store.sessions(name)]
            infos.append(
                TeamInfo(name, team.path, team.description, team.color, team.grant_permission, team.model, processes)
            )
        return infos

    async def read_cache(self, session_id: uuid.UUID, limit: int, cursor: str | None) -> CachePage:
        """A page of a session's tells, newest first (live ones with their messages)."""
        if not 1 <= limit <= 500:
            raise ValidationError("limit must be 1 to 500", {"field": "limit"})
        await self._runner.recorded()
        record = await self._store.get_session(session_id)
        if record is None:
            raise SessionNotFoundError(f"No session {session_id}", {"sessionId": str(session_id)})
        before = _parse_cursor(cursor) if cursor else None
        rows = await self._store.tells(session_id, limit=limit + 1, before=before)
        more = len(rows) > limit
        rows = rows[:limit]
        views = []
        for row in rows:
            live = self._runner.recent.get(row.id)
            views.append(TellView.of(live, with_messages=True) if live else TellView.from_record(row))
        next_cursor = encode_cursor([rows[-1].queued_at.isoformat(), str(rows[-1].id)]) if more and rows else None
        return CachePage(self.session_view(record), views, next_cursor)

    async def clear_cache(self, session_id: uuid.UUID) -> int:
        """Delete a session's finished tell records (not the conversation); returns how many."""
        await self._runner.recorded()
        record = await self._store.get_session(session_id)
        if record is None:
            raise SessionNotFoundError(f"No session {session_id}", {"sessionId": str(session_id)})
        count = await self._store.clear_tells(session_id)
        self._runner.forget(session_id, ended_only=True)
        return count

    def query_logs(self, since: datetime.datetime | None, level: str | None, limit: int) -> list[LogEntry]:
        """Recent log records, newest first."""
        if level is not None and level.upper() not in logging.getLevelNamesMapping():
            raise ValidationError("level must be debug, info, warning, error or critical", {"field": "level"})
        if not 1 <= limit <= 1000:
            raise ValidationError("limit must be 1 to 1000", {"field": "limit"})
        return self._logs.query(since=since, level=level, limit=limit)

    def _uptime_ms(self) -> int:
        """Milliseconds since the engine was made."""
        return int((time.monotonic() - self._started) * 1000)

    async def system_status(self) -> SystemStatus:
        """The engine as a whole."""
        config = self._config()
        states = self._pool.states()
        return SystemStatus(
            version=__version__,
            started_at=self._started_at,
            uptime_ms=self._uptime_ms(),
            teams=len(config.teams),
            sessions=len(await self._store.sessions()),
            processes=states,
            total_processes=sum(states.values()),
            max_processes=config.settings.max_processes,
            running_tells=sum(1 for r in self._sessions.live() if r.current is not None),
            queued_tells=sum(len(r.queue) for r in self._sessions.live()),
            pending_permissions=len(self._permissions.pending),
            config_path=config.source,
        )

    def health(self) -> dict[str, Any]:
        """The payload of a health tick."""
        states = self._pool.states()
        return {
            "totalProcesses": sum(states.values()),
            "maxProcesses": self._config().settings.max_processes,
            "uptime": self._uptime_ms(),
            "processes": states,
            "pendingPermissions": len(self._permissions.pending),
            "timestamp": utcnow().isoformat(),
        }

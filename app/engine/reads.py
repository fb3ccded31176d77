"""Reading the engine: team status, the teams, a session's cache, logs, the system's status and health."""

from __future__ import annotations

import dataclasses
import datetime
import logging
import time
import uuid
from collections.abc import Callable

from app import __version__
from app.clock import utcnow
from app.config import EXTERNAL, IrisConfig
from app.cursors import decode_cursor, encode_cursor, foreign_cursor
from app.db.models import SessionRecord
from app.db.store import Store
from app.engine import budgets
from app.engine.budgets import team_budget
from app.engine.logs import LogBuffer, LogEntry
from app.engine.permissions import PermissionBroker
from app.engine.pool import Pool
from app.engine.records import Health
from app.engine.runner import Runner
from app.engine.sessions import SessionRuntime, Sessions, primary_pair
from app.engine.views import (
    CachePage,
    SessionView,
    StoredSession,
    SystemStatus,
    TeamInfo,
    TeamSessions,
    TeamStatus,
    TellView,
)
from app.engine.worktrees import Worktrees, WorktreeView
from app.errors import SessionNotFoundError, ValidationError


def _parse_cursor(cursor: str) -> tuple[datetime.datetime, uuid.UUID]:
    """The position (queued at, request id) inside a cursor of a session's tells."""
    at, request_id = decode_cursor(cursor, ["", ""])
    try:
        return datetime.datetime.fromisoformat(at), uuid.UUID(request_id)
    except ValueError:
        raise foreign_cursor() from None


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
        *,
        worktrees: Worktrees | None = None,
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
        self._worktrees = worktrees

    async def worktree(self, team: str, session_id: uuid.UUID) -> WorktreeView | None:
        """The session's git worktree with its changes since its base, if it has one."""
        if self._worktrees is None:
            return None
        return await self._worktrees.describe(team, self._config().team(team), session_id)

    def session_view(self, record: SessionRecord) -> SessionView:
        """A stored session with what its process is doing now."""
        runtime = self._sessions.runtimes.get(record.id)
        if runtime is None:
            return SessionView.of(record, "stopped", None, 0)
        return SessionView.of(record, runtime.state, runtime.pid, len(runtime.queue))

    def _idle_left(self, runtime: SessionRuntime) -> int | None:
        """Milliseconds until the idle reaper stops the session's process: known while it is alive and idle."""
        if runtime.process is None or not runtime.process.alive or runtime.busy:
            return None
        idle_ms = (time.monotonic() - runtime.last_used) * 1000
        return max(0, int(self._config().team_idle_timeout(runtime.team) - idle_ms))

    def _process_view(self, record: SessionRecord) -> SessionView:
        """A stored session with its process, and its idle time left when it is its pair's primary session (of a
        caller still configured)."""
        view = self.session_view(record)
        runtime = self._sessions.runtimes.get(record.id)
        caller_known = record.from_team == EXTERNAL or record.from_team in self._config().teams
        if runtime is None or not caller_known or record.primary_pair != primary_pair(record.from_team, record.team):
            return view
        return dataclasses.replace(view, idle_time_remaining_ms=self._idle_left(runtime))

    async def team_status(self, caller: str, names: list[str]) -> list[TeamStatus]:
        """These teams as seen by one caller (one read of the store for them all)."""
        await self._runner.recorded()
        statuses = []
        for name, (runtime, record) in zip(names, await self._sessions.primaries(caller, names), strict=True):
            if runtime is None:
                statuses.append(TeamStatus(name, caller, False, "stopped", None, None, 0, 0, None, None, None))
                continue
            current = runtime.current
            statuses.append(
                TeamStatus(
                    name,
                    caller,
                    runtime.process is not None and runtime.process.alive,
                    runtime.state,
                    runtime.pid,
                    runtime.session_id,
                    record.message_count if record else 0,
                    len(runtime.queue),
                    runtime.last_activity,
                    self._idle_left(runtime),
                    current.request_id if current else None,
                    await self.worktree(name, runtime.session_id),
                )
            )
        return [await self._with_budget(status) for status in statuses]

    async def _with_budget(self, status: TeamStatus) -> TeamStatus:
        """The status with its team's cost budget and spend this period, when the team has one."""
        budget = team_budget(self._config(), status.team)
        if budget is None:
            return status
        return dataclasses.replace(status, budget=await budgets.state_of(self._store, budget))

    async def list_teams(self, include_processes: bool) -> list[TeamInfo]:
        """The configured teams, optionally with their sessions' processes (one read of the store for them all)."""
        config = self._config()
        processes: dict[str, list[SessionView]] = {}
        if include_processes:
            for record in await self._store.sessions():
                processes.setdefault(record.team, []).append(self._process_view(record))
        return [
            TeamInfo(
                name,
                team.path,
                team.description,
                team.color,
                team.grant_permission,
                team.model,
                processes.get(name, []) if include_processes else None,
                config.team_idle_timeout(name),
            )
            for name, team in config.teams.items()
        ]

    async def team_sessions(
        self,
        teams: list[str],
        admits: Callable[[str], bool],
        limit: int,
        last_seq: Callable[[str], int],
    ) -> dict[str, TeamSessions]:
        """These teams' stored sessions whose caller `admits` passes, at most `limit` each (the live ones, then the
        most recently active), oldest first, each with its tell count and event position (one read of the store)."""
        if not 1 <= limit <= 500:
            raise ValidationError("sessionLimit must be 1 to 500", {"field": "sessionLimit"})
        for _ in range(3):  # until no tell ended during the read, so each session's counts match its seq
            ended = self._runner.ended
            await self._runner.recorded()
            rows = await self._store.sessions_with_tell_counts(teams)
            if self._runner.ended == ended:
                break
        found: dict[str, list[StoredSession]] = {team: [] for team in teams}
        for record, tells in rows:
            if record.team in found and admits(record.from_team):
                view = self._process_view(record)
                found[record.team].append(StoredSession(view, tells, last_seq(str(record.id))))
        return {team: self._first(listed, limit) for team, listed in found.items()}

    @staticmethod
    def _first(listed: list[StoredSession], limit: int) -> TeamSessions:
        """The `limit` sessions to show of a team's (live first, then the most recently active), oldest first."""
        if len(listed) <= limit:
            return TeamSessions(listed, False)

        def rank(item: StoredSession) -> tuple[bool, datetime.datetime]:
            view = item.session
            return view.pid is not None or view.process_state != "stopped", view.last_used_at or view.created_at

        kept = {id(item) for item in sorted(listed, key=rank, reverse=True)[:limit]}
        return TeamSessions([item for item in listed if id(item) in kept], True)

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
        session = dataclasses.replace(self.session_view(record), worktree=await self.worktree(record.team, record.id))
        return CachePage(session, views, next_cursor)

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

    async def system_status(self, pairs: Callable[[str, str | None], bool] | None) -> SystemStatus:
        """The engine as a whole; with `pairs`, counted over the pairs it admits (a team alone: no caller)."""
        config = self._config()
        states = self._pool.states()
        pool_full = sum(states.values()) >= config.settings.max_processes and states["idle"] == 0
        live = list(self._sessions.live())
        sessions = await self._store.sessions()
        pending = list(self._permissions.pending.values())
        teams = len(config.teams)
        if pairs is not None:
            live = [r for r in live if pairs(r.team, r.from_team)]
            states = dict.fromkeys(states, 0)
            for runtime in live:
                state = runtime.state
                if state in states:
                    states[state] += 1
            sessions = [s for s in sessions if pairs(s.team, s.from_team)]
            pending = [p for p in pending if pairs(p.team, p.from_team)]
            teams = sum(1 for team in config.teams if pairs(team, None))
        return SystemStatus(
            version=__version__,
            started_at=self._started_at,
            uptime_ms=self._uptime_ms(),
            teams=teams,
            sessions=len(sessions),
            processes=states,
            total_processes=sum(states.values()),
            max_processes=config.settings.max_processes,
            running_tells=sum(1 for r in live if r.current is not None),
            queued_tells=sum(len(r.queue) for r in live),
            pending_permissions=len(pending),
            config_path=config.source,
            pool_full=pool_full,
        )

    def health(self) -> Health:
        """A health tick."""
        states = self._pool.states()
        return Health(
            total_processes=sum(states.values()),
            max_processes=self._config().settings.max_processes,
            uptime=self._uptime_ms(),
            processes=states,
            pending_permissions=len(self._permissions.pending),
            timestamp=utcnow(),
        )

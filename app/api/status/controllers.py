"""Team status, system status, health, logs and the server's clock."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, TypeVar

import msgspec
from litestar import Controller, Request, get
from litestar.datastructures import State
from litestar.params import Parameter

from app import __version__
from app.api import models as m
from app.api.auth.state import key_of, key_scope
from app.api.deps import caller
from app.api.paging import page
from app.api.params import CursorQuery, FromTeamQuery, LimitQuery, TeamQuery
from app.api.presentation import clock_reading
from app.api.routing import operation
from app.api.status.mappers import date_response, health, log_record, system_status, team_status
from app.api.streams import StreamLayer
from app.auth.keys import KeyRecord
from app.auth.permissions import caller_in_scope, in_scope, pair_in_scope
from app.clock import utcnow
from app.engine import Engine
from app.engine.logs import LogEntry
from app.errors import ValidationError

__all__ = ["StatusController", "TeamStatusController"]

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)

V = TypeVar("V")


def _parse(value: str | None, kind: type[V], field: str, expected: str) -> V | None:
    """A query value converted strictly (Litestar's lax conversion would take the text `null` as absent)."""
    if value is None:
        return None
    try:
        return msgspec.convert(value, kind)
    except msgspec.ValidationError:
        raise ValidationError(f"{field}: expected {expected}", {"field": field, "in": "query"}) from None


class TeamStatusController(Controller):
    """Every team's process for one caller."""

    path = "/teams/status"
    tags = ["status"]

    @get("/", opt=operation("teamStatus"))
    async def team_status(
        self,
        request: Request[Any, Any, Any],
        engine: Engine,
        from_team: FromTeamQuery = None,
        team: TeamQuery = None,
        cursor: CursorQuery = None,
        limit: LimitQuery = 50,
    ) -> m.TeamStatusPage:
        """Each team (config order), awake or asleep, for the caller; with `team`, only that one."""
        from_team = caller(engine, from_team)
        statuses = await engine.team_status(from_team=from_team, team=team)
        scope = key_scope(request)
        if scope is not None:  # a key limited to some teams sees only those
            statuses = [s for s in statuses if s.team in scope]
        names = list(engine.config.teams)
        chosen, next_cursor = page(
            statuses,
            lambda s: [names.index(s.team) if s.team in names else len(names), s.team],
            limit,
            cursor,
        )
        return m.TeamStatusPage(
            from_team=statuses[0].from_team if statuses else (from_team or "external"),
            items=[team_status(s) for s in chosen],
            next_cursor=next_cursor,
        )


def _log_keys(entries: list[LogEntry]) -> dict[int, list[int]]:
    """A key per record that increases along the newest-first listing: (-time, rank among equal times)."""
    keys: dict[int, list[int]] = {}
    previous: int | None = None
    rank = 0
    for entry in entries:
        micros = (entry.timestamp - _EPOCH) // datetime.timedelta(microseconds=1)
        rank = rank + 1 if micros == previous else 0
        previous = micros
        keys[id(entry)] = [-micros, rank]
    return keys


def _about_scope(key: KeyRecord | None, entry: LogEntry) -> bool:
    """Whether a key may read a log record: any without a team scope; a scoped key only records about its teams.

    A record is about a team when its context names one (`team`, and `fromTeam` for a pair's caller); a
    record that names none is for keys without a team scope only.
    """
    if key is None or key.teams is None:
        return True
    team = entry.context.get("team")
    from_team = entry.context.get("fromTeam")
    return (
        isinstance(team, str)
        and in_scope(key, team)
        and (from_team is None or (isinstance(from_team, str) and caller_in_scope(key, from_team)))
    )


class StatusController(Controller):
    """The server as a whole."""

    path = "/"
    tags = ["status"]

    @get("/logs", opt=operation("getLogs"))
    async def logs(
        self,
        request: Request[Any, Any, Any],
        engine: Engine,
        since: Annotated[str | None, Parameter(query="since")] = None,
        level: Annotated[str | None, Parameter(query="level")] = None,
        cursor: CursorQuery = None,
        limit: LimitQuery = 50,
    ) -> m.LogPage:
        """Recent log records, newest first, at or after `since` and at or above `level` (a scoped key: its teams')."""
        after = _parse(since, datetime.datetime, "since", "an RFC 3339 date-time")
        if after is not None and after.tzinfo is None:
            raise ValidationError(
                "since: expected an RFC 3339 date-time with an offset", {"field": "since", "in": "query"}
            )
        floor = _parse(level, m.LogLevel, "level", "one of " + ", ".join(member.value for member in m.LogLevel))
        entries = engine.logs.query(
            since=after, level=floor.value if floor else None, limit=max(1, len(engine.logs.entries))
        )
        key = key_of(request)
        entries = [entry for entry in entries if _about_scope(key, entry)]
        keys = _log_keys(entries)
        chosen, next_cursor = page(entries, lambda e: keys[id(e)], limit, cursor)
        return m.LogPage(items=[log_record(e) for e in chosen], next_cursor=next_cursor)

    @get("/date", opt=operation("getDate"))
    async def date(self) -> m.DateResponse:
        """The server's current time in several formats (UTC)."""
        return date_response(clock_reading(utcnow()))

    @get("/status", opt=operation("systemStatus"))
    async def system_status(self, request: Request[Any, Any, Any], engine: Engine, state: State) -> m.SystemStatus:
        """Overall system status (a scoped key's counts cover its pairs only; the health stays the server's)."""
        key = key_of(request)
        scoped = key is not None and key.teams is not None
        status = await engine.system_status(
            pairs=(lambda team, caller: pair_in_scope(key, team, caller)) if scoped else None
        )
        layer = state.get("streams")
        channels = layer.channels_status() if isinstance(layer, StreamLayer) else None
        cut_off = channels is not None and not channels.connected  # events between instances stop
        result = system_status(status, degraded=status.pool_full or bool(state.get("config_error")) or cut_off)
        if channels is not None:
            result.channels = channels
        return result

    @get("/health", opt=operation("health"))
    async def health(self, engine: Engine) -> m.Health:
        """Liveness (no authentication)."""
        return health(__version__, engine.started_at)

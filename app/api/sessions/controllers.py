"""One caller → team conversation: cancel, reboot, delete, fork, compact, report."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, post

from app.api import models as m
from app.api.auth.state import key_of
from app.api.deps import caller, given, json_body
from app.api.params import (
    CursorQuery,
    FromTeamQuery,
    IncludeMessagesQuery,
    LimitQuery,
    SessionIdQuery,
    TeamPath,
    as_optional_uuid,
)
from app.api.routing import operation
from app.api.sessions.mappers import (
    cancel_response,
    delete_response,
    fork_response,
    reboot_response,
    session_report,
)
from app.api.teams.controllers import TELL_STATUSES, tell_answer
from app.auth.permissions import sees_paths
from app.engine import Engine

__all__ = ["SessionsController"]


class SessionsController(Controller):
    """Operations on the exact caller → team pair's session."""

    path = "/teams/{team:str}"
    tags = ["sessions"]

    @post(
        "/cancel",
        opt=operation("cancelTell", "team:cancel", 200, 400, 401, 403, 404, 413, 429, 500),
        dependencies={"payload": json_body(m.CancelRequest, required=False)},
        status_code=200,
    )
    async def cancel(self, engine: Engine, team: TeamPath, payload: m.CancelRequest) -> m.CancelResponse:
        """Interrupt the pair's running tell (and, with `dropQueued`, its queued tells)."""
        result = await engine.cancel(
            team,
            from_team=caller(engine, payload.from_team),
            drop_queued=payload.drop_queued is True,
            session_id=given(payload.session_id),
        )
        return cancel_response(result)

    @delete(
        "/reboot",
        opt=operation("rebootSession", "team:clear", 200, 400, 401, 403, 404, 429, 500),
        status_code=200,
    )
    async def reboot(self, engine: Engine, team: TeamPath, from_team: FromTeamQuery = None) -> m.RebootResponse:
        """Replace the pair's session with a fresh one."""
        return reboot_response(await engine.reboot(team, from_team=caller(engine, from_team)))

    @delete(
        "/delete",
        opt=operation("deleteSession", "team:clear", 200, 400, 401, 403, 404, 429, 500),
        status_code=200,
    )
    async def delete_session(
        self,
        engine: Engine,
        team: TeamPath,
        from_team: FromTeamQuery = None,
        session_id: SessionIdQuery = None,
    ) -> m.DeleteSessionResponse:
        """Delete the pair's session (or the named one of this pair), its cache and transcript."""
        result = await engine.delete(team, from_team=caller(engine, from_team), session_id=as_optional_uuid(session_id))
        return delete_response(result)

    @post(
        "/fork",
        opt=operation("forkSession", "team:fork", 201, 400, 401, 403, 404, 408, 413, 429, 500, 503),
        dependencies={"payload": json_body(m.ForkRequest, required=False)},
        status_code=201,
    )
    async def fork(self, engine: Engine, team: TeamPath, payload: m.ForkRequest) -> m.ForkResponse:
        """Branch a new session from the pair's session (or from the named one of this pair)."""
        result = await engine.fork(
            team,
            from_team=caller(engine, payload.from_team),
            session_id=given(payload.session_id),
        )
        return fork_response(result)

    @post(
        "/compact",
        opt=operation("compactSession", "team:compact", *TELL_STATUSES),
        dependencies={"payload": json_body(m.CompactRequest, required=False)},
        status_code=200,
    )
    async def compact(self, engine: Engine, team: TeamPath, payload: m.CompactRequest) -> Response[m.TellResponse]:
        """Send `/compact` to the pair's session as a tell (200 finished, 202 still running)."""
        view = await engine.compact(
            team,
            from_team=caller(engine, payload.from_team),
            timeout=payload.timeout if isinstance(payload.timeout, int) else 0,
            session_id=given(payload.session_id),
        )
        return tell_answer(view)

    @get("/report", opt=operation("sessionReport", "cache:read", 200, 400, 401, 403, 404, 429, 500))
    async def report(
        self,
        request: Request[Any, Any, Any],
        engine: Engine,
        team: TeamPath,
        from_team: FromTeamQuery = None,
        include_messages: IncludeMessagesQuery = True,
        cursor: CursorQuery = None,
        limit: LimitQuery = 50,
    ) -> m.SessionReport:
        """The pair's session and one page of its tells, newest first (the launch command only with debug:read)."""
        cache = await engine.report(team, from_team=caller(engine, from_team), limit=limit, cursor=cursor)
        show_command = sees_paths(key_of(request))
        return session_report(cache, include_messages=include_messages, show_command=show_command)

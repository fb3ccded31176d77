"""One caller → team conversation: cancel, reboot, delete, fork, compact, report."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post

from app.api import models as m
from app.api.auth.state import key_of
from app.api.convert import to_model
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
from app.api.sessions.mappers import fork_response, session_report
from app.api.teams.controllers import tell_answer
from app.api.teams.options import key_budget, key_id
from app.auth.permissions import sees_paths
from app.engine import Engine

__all__ = ["SessionsController"]


class SessionsController(Controller):
    """Operations on the exact caller → team pair's session."""

    path = "/teams/{team:str}"
    tags = ["sessions"]

    @post(
        "/cancel",
        opt=operation("cancelTell"),
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
        request_id = msgspec.UNSET if result.request_id is None else result.request_id
        return to_model(result, m.CancelResponse, request_id=request_id)

    @delete(
        "/reboot",
        opt=operation("rebootSession"),
        status_code=200,
    )
    async def reboot(self, engine: Engine, team: TeamPath, from_team: FromTeamQuery = None) -> m.RebootResponse:
        """Replace the pair's session with a fresh one."""
        result = await engine.reboot(team, from_team=caller(engine, from_team))
        return to_model(result, m.RebootResponse, worktree=result.worktree or msgspec.UNSET)

    @delete(
        "/delete",
        opt=operation("deleteSession"),
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
        return to_model(result, m.DeleteSessionResponse, deleted=True, worktree=result.worktree or msgspec.UNSET)

    @post(
        "/fork",
        opt=operation("forkSession"),
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
        opt=operation("compactSession"),
        dependencies={"payload": json_body(m.CompactRequest, required=False)},
        status_code=200,
    )
    async def compact(
        self, request: Request[Any, Any, Any], engine: Engine, team: TeamPath, payload: m.CompactRequest
    ) -> Response[m.TellResponse]:
        """Send `/compact` to the pair's session as a tell (200 finished, 202 still running)."""
        view = await engine.compact(
            team,
            from_team=caller(engine, payload.from_team),
            timeout=payload.timeout if isinstance(payload.timeout, int) else 0,
            session_id=given(payload.session_id),
            key_budget=key_budget(key_of(request)),
            key_id=key_id(key_of(request)),
        )
        return tell_answer(view)

    @get("/report", opt=operation("sessionReport"))
    async def report(
        self,
        request: Request[Any, Any, Any],
        engine: Engine,
        team: TeamPath,
        from_team: FromTeamQuery = None,
        include_messages: IncludeMessagesQuery = False,
        cursor: CursorQuery = None,
        limit: LimitQuery = 50,
    ) -> m.SessionReport:
        """The pair's session and one page of its tells, newest first (the launch command only with debug:read)."""
        cache = await engine.report(team, from_team=caller(engine, from_team), limit=limit, cursor=cursor)
        show_command = sees_paths(key_of(request))
        return session_report(cache, include_messages=include_messages, show_command=show_command)

"""Talking to teams: tell, ask, quick-tell; one tell's record; the configured teams."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter

from app.api import models as m
from app.api.auth.guards import in_process
from app.api.auth.state import audit_details, key_of
from app.api.auth.webhooks import identity_of
from app.api.deps import caller, given, json_body
from app.api.paging import page
from app.api.params import CursorQuery, FromTeamQuery, LimitQuery, UuidPath, as_uuid
from app.api.routing import operation
from app.api.teams.commands import run_as_command
from app.api.teams.mappers import process_info, team_info, tell_response
from app.api.teams.options import key_budget, key_id, tell_options
from app.api.webhooks.callbacks import callback_for
from app.auth.permissions import caller_in_scope, in_scope, sees_paths
from app.engine import Engine
from app.engine.views import TellView

__all__ = ["RequestController", "TeamsController", "tell_answer"]


def tell_answer(view: TellView) -> Response[m.TellResponse]:
    """200 when the tell has ended; 202 (with `Location` of its record) while it is queued or running."""
    body = tell_response(view)
    if view.finished:
        return Response(body, status_code=200)
    return Response(body, status_code=202, headers={"Location": f"/api/requests/{view.request_id}"})


def as_command(request: Request[Any, Any, Any], engine: Engine, message: str) -> bool:
    """Whether the request's tell runs as a Claude Code command (see `app.api.teams.commands`); audited."""
    key = key_of(request)
    name = run_as_command(engine, message, lambda permission: key is None or key.has(permission))
    if name is not None:
        audit_details(request, command=name)
    return name is not None


def parent_of(request: Request[Any, Any, Any]) -> uuid.UUID | None:
    """The tell whose Claude Code makes this request through Iris's tools (only a team's own process, in
    process, can say; never a client)."""
    marker = in_process(request.scope)
    return marker.parent_request_id if marker is not None and marker.team is not None else None


def callback_of(
    request: Request[Any, Any, Any], engine: Engine, payload: m.TellRequest | m.TellStartRequest
) -> uuid.UUID | None:
    """The webhook endpoint the tell's `callbackUrl` names, which the request's key may use (400 if none)."""
    key = key_of(request)
    from_team = caller(engine, payload.from_team)
    return callback_for(
        engine, identity_of(key), bool(key and key.teams is not None), payload.callback_url, payload.to_team, from_team
    )


async def _tell(request: Request[Any, Any, Any], engine: Engine, payload: m.TellRequest) -> Response[m.TellResponse]:
    view = await engine.tell(
        payload.to_team,
        payload.message,
        from_team=caller(engine, payload.from_team),
        timeout=payload.timeout if isinstance(payload.timeout, int) else 0,
        session_id=given(payload.session_id),
        command=as_command(request, engine, payload.message),
        parent_request_id=parent_of(request),
        options=tell_options(payload),
        key_budget=key_budget(key_of(request)),
        key_id=key_id(key_of(request)),
        callback=callback_of(request, engine, payload),
    )
    return tell_answer(view)


class TeamsController(Controller):
    """Tells to teams, and the configured teams."""

    path = "/teams"
    tags = ["teams"]

    @post(
        "/tell",
        opt=operation("tell"),
        dependencies={"payload": json_body(m.TellRequest)},
        status_code=200,
    )
    async def tell(
        self, request: Request[Any, Any, Any], engine: Engine, payload: m.TellRequest
    ) -> Response[m.TellResponse]:
        """Send a message to a team and wait per `timeout`."""
        return await _tell(request, engine, payload)

    @post(
        "/ask",
        opt=operation("ask"),
        dependencies={"payload": json_body(m.TellRequest)},
        status_code=200,
    )
    async def ask(
        self, request: Request[Any, Any, Any], engine: Engine, payload: m.TellRequest
    ) -> Response[m.TellResponse]:
        """Ask a team a question: the same operation as tell."""
        return await _tell(request, engine, payload)

    @post(
        "/quick-tell",
        opt=operation("quickTell"),
        dependencies={"payload": json_body(m.TellStartRequest)},
        status_code=202,
    )
    async def quick_tell(
        self, request: Request[Any, Any, Any], engine: Engine, payload: m.TellStartRequest
    ) -> Response[m.TellResponse]:
        """Send a message and return at once (202)."""
        view = await engine.tell(
            payload.to_team,
            payload.message,
            from_team=caller(engine, payload.from_team),
            timeout=-1,
            session_id=given(payload.session_id),
            command=as_command(request, engine, payload.message),
            parent_request_id=parent_of(request),
            options=tell_options(payload),
            key_budget=key_budget(key_of(request)),
            key_id=key_id(key_of(request)),
            callback=callback_of(request, engine, payload),
        )
        return Response(tell_response(view), status_code=202, headers={"Location": f"/api/requests/{view.request_id}"})

    @get("/", opt=operation("listTeams"))
    async def list_teams(
        self,
        request: Request[Any, Any, Any],
        engine: Engine,
        from_team: FromTeamQuery = None,
        cursor: CursorQuery = None,
        limit: LimitQuery = 50,
        include_processes: Annotated[bool, Parameter(query="includeProcesses")] = False,
        include_sessions: Annotated[bool, Parameter(query="includeSessions")] = False,
        session_limit: Annotated[int, Parameter(query="sessionLimit", ge=1, le=500)] = 100,
    ) -> m.TeamPage:
        """The configured teams (config order), with their live processes and stored sessions when asked for.

        A key limited to some teams sees only those, and only the processes and sessions of callers within its
        scope; the folders only with debug:read.
        """
        only = caller(engine, from_team)
        names = list(engine.config.teams)
        key = key_of(request)
        teams, next_cursor = page(
            [info for info in await engine.list_teams(include_processes=include_processes) if in_scope(key, info.name)],
            lambda info: [names.index(info.name) if info.name in names else len(names), info.name],
            limit,
            cursor,
        )
        sessions = {}
        if include_sessions and teams:
            sessions = await engine.team_sessions(
                [info.name for info in teams],
                admits=lambda from_team: caller_in_scope(key, from_team) and (only is None or from_team == only),
                limit=session_limit,
            )
        items = []
        for info in teams:
            processes = None
            if info.processes is not None:
                processes = []
                for session in info.processes:
                    if session.process_state == "stopped" or (only is not None and session.from_team != only):
                        continue
                    if not caller_in_scope(key, session.from_team):
                        continue
                    processes.append(process_info(session))
            items.append(team_info(info, processes, show_path=sees_paths(key), sessions=sessions.get(info.name)))
        return m.TeamPage(items=items, next_cursor=next_cursor)


class RequestController(Controller):
    """One tell's record, by request id."""

    path = "/requests"
    tags = ["teams"]

    @get("/{requestId:str}", opt=operation("getRequest"))
    async def get_request(
        self,
        engine: Engine,
        requestId: UuidPath,
        include_messages: Annotated[bool, Parameter(query="includeMessages")] = False,
    ) -> m.TellResponse:
        """The current record of one tell (how a 202 caller gets its answer)."""
        view = await engine.get_request(as_uuid(requestId))
        return tell_response(view, include_messages=include_messages)

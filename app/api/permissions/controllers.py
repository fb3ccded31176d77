"""Tool-use permission requests held for a decision (teams with grantPermission ask)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post

from app.api import models as m
from app.api.auth.state import key_of
from app.api.deps import caller, json_body
from app.api.paging import page
from app.api.params import CursorQuery, FromTeamQuery, LimitQuery, SessionIdQuery, TeamQuery, UuidPath, as_uuid
from app.api.permissions.mappers import decision_response, permission_request
from app.api.routing import operation
from app.auth.permissions import pair_in_scope
from app.engine import Engine
from app.engine.checks import unknown_team

__all__ = ["PermissionsController", "key_id"]


def key_id(request: Request[Any, Any, Any]) -> str | None:
    """The public id of the key that made the request (None when authentication is off)."""
    user = request.scope.get("user")
    value = getattr(user, "id", None) or (user.get("id") if isinstance(user, dict) else None)
    return value if isinstance(value, str) else None


class PermissionsController(Controller):
    """Pending permission requests and their decisions."""

    path = "/permissions"
    tags = ["permissions"]

    @get("/", opt=operation("listPermissions"))
    async def list_permissions(
        self,
        request: Request[Any, Any, Any],
        engine: Engine,
        team: TeamQuery = None,
        from_team: FromTeamQuery = None,
        session_id: SessionIdQuery = None,
        cursor: CursorQuery = None,
        limit: LimitQuery = 50,
    ) -> m.PermissionPage:
        """Pending requests, oldest (closest to their deadline) first."""
        if team is not None and engine.config.team(team) is None:
            raise unknown_team(engine.config, team)
        from_team = caller(engine, from_team)
        key = key_of(request)  # a key limited to some teams sees only the requests of pairs within its scope
        pending = [
            p
            for p in engine.pending_permissions(team)
            if (from_team is None or p.from_team == from_team)
            and pair_in_scope(key, p.team, p.from_team)
            and (session_id is None or p.session_id == str(as_uuid(session_id)))
        ]
        pending.sort(key=lambda p: (p.created_at, p.id))
        chosen, next_cursor = page(pending, lambda p: [p.created_at.isoformat(), p.id], limit, cursor)
        return m.PermissionPage(items=[permission_request(p) for p in chosen], next_cursor=next_cursor)

    @post(
        "/{permissionId:str}",
        opt=operation("decidePermission"),
        dependencies={"payload": json_body(m.PermissionDecisionRequest)},
        status_code=200,
    )
    async def decide(
        self,
        request: Request[Any, Any, Any],
        engine: Engine,
        permissionId: UuidPath,
        payload: m.PermissionDecisionRequest,
    ) -> m.PermissionDecisionResponse:
        """Approve or deny a pending permission request."""
        reason = payload.reason if isinstance(payload.reason, str) else None
        approve = payload.decision is m.PermissionDecision.approve
        pending = engine.decide_permission(str(as_uuid(permissionId)), approve, reason)
        return decision_response(pending, payload.decision, reason, key_id(request))

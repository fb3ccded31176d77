"""The response hook of the auth layer: `RateLimit-*` headers on every /api response, the `auth_success` row of
a request with the status it got, and the audit row of every state-changing operation (its `x-iris-audit`
event, its status code, and the caller → team pair it acted on; `via: mcp` or `via: team` in its details when
an MCP tool call made it in process)."""

from __future__ import annotations

import http
from typing import Any, cast

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import Message, Scope

from app.api.auth.guards import AUTH_SUCCESS, Target, audit_request, audit_teams, in_process
from app.api.auth.state import AuthServices, facts, rate_decision, rate_headers
from app.api.routing import operation_of

__all__ = ["auth_response_hook"]


async def auth_response_hook(message: Message, scope: Scope) -> None:
    """Add the request's rate-limit headers; audit the operation if it changes state (after the guard let it in)."""
    if message["type"] != "http.response.start" or scope["type"] != ScopeType.HTTP:
        return
    decision = rate_decision(scope)
    if decision is not None:
        headers = MutableScopeHeaders.from_message(message)
        for name, value in rate_headers(decision).items():
            if name.startswith("RateLimit-"):  # only this hook sets these: appended without a search
                headers.add(name, value)
            else:  # an error answer may carry its own Retry-After
                headers[name] = value
    state = facts(scope)
    status = int(message["status"])
    if state.pop(AUTH_SUCCESS, False):
        audit_request(cast(AuthServices, scope["app"].state.auth), scope, "auth_success", status, key=state.get("key"))
    if not state.get("authorized"):
        return
    operation = operation_of(getattr(scope.get("route_handler"), "opt", None))
    if operation is None or operation.audit is None:
        return
    services = cast(AuthServices, scope["app"].state.auth)
    details: dict[str, Any] = {"operation": operation.operation_id}
    team = scope.get("path_params", {}).get("team")
    if team:
        details["team"] = team
    details.update(state.get("details") or {})
    marker = in_process(scope)
    if marker is not None:
        details["via"] = marker.via
    target = state.get("target")
    target = target if isinstance(target, Target) else None
    client = scope.get("client")
    services.audit.record(
        operation.audit,
        key=state.get("key"),
        client_address=client[0] if client else None,
        method=str(scope.get("method") or "") or None,
        path=scope["path"],
        status_code=status,
        error=http.HTTPStatus(status).phrase if status >= 400 else None,
        details=details,
        team=target.team if target else None,
        from_team=target.from_team if target else None,
        teams=state["audit_teams"] if "audit_teams" in state else audit_teams(target),
    )

"""The one guard of the /api router: authenticate, rate-limit, authorize (permission and team scope), audit.

Order, for a route that needs a permission:

1. an address that has used up its failed authentications gets 429 (audit `rate_limited`);
2. with `api.requireAuth`: the bearer key is verified against the key store (no cache: revocation and expiry take
   effect on the next request); a failure counts against the address (429 once over, else 401, audit
   `auth_failure` with the reason); a usable key is counted against its own limit (429, audit `rate_limited`),
   audited `auth_success`, and must hold the route's permission (403 naming it, audit `forbidden`);
3. team scope: a key limited to some teams gets 403 naming the team for any operation that addresses another
   one: path `{team}`, query `team`, body `toTeam`, or the team of the named session, request or permission;
4. without `api.requireAuth`: the client address is counted against the limit.

Public routes (`x-iris-permission: none`, i.e. health) pass untouched. `/ws` is not under this guard: it
authenticates itself (header or first message) through the same services (`AuthServices.stream_access`).
Listings (team status without `team`, list teams, pending permissions) are filtered to the key's scope by
their controllers (`key_scope`); wake-all addresses every team, so a scoped key whose scope does not cover every
configured team gets 403 naming the first team it may not address.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import Any, cast

import msgspec
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.handlers import BaseRouteHandler

from app.api.auth.state import AuthServices, client_address, facts
from app.api.routing import OPERATION, PERMISSION, PUBLIC
from app.auth.keys import KeyRecord, bearer_token
from app.auth.permissions import check
from app.engine import Engine
from app.errors import ForbiddenError, IrisError, UnauthorizedError

__all__ = ["auth_guard", "teams_addressed"]

_BODY_TEAM = frozenset({"tell", "ask", "quickTell", "tellStream"})
_UNAUTHORIZED = {
    "missing": "Missing API key (Authorization: Bearer <key>)",
    "malformed": "Malformed API key (expected iris_sk_[env_]<40 base62 characters>)",
    "unknown": "Unknown API key",
    "revoked": "This API key has been revoked",
    "expired": "This API key has expired",
}


def _services(connection: ASGIConnection[Any, Any, Any, Any]) -> AuthServices:
    return cast(AuthServices, connection.app.state.auth)


def _uuid(value: object) -> uuid.UUID | None:
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


async def teams_addressed(connection: ASGIConnection[Any, Any, Any, Any], operation_id: str) -> list[str]:
    """The teams an operation names (empty when it names none, or names a session/request nobody knows)."""
    teams: list[str] = []
    team = connection.path_params.get("team")
    if isinstance(team, str):
        teams.append(team)
    query_team = connection.query_params.get("team")
    if query_team:
        teams.append(query_team)
    engine = cast(Engine, connection.app.state.engine)
    if operation_id in _BODY_TEAM and isinstance(connection, Request):
        with contextlib.suppress(msgspec.DecodeError, IrisError):  # a bad body is the handler's 400
            data = msgspec.json.decode(await connection.body())
            if isinstance(data, dict) and isinstance(data.get("toTeam"), str):
                teams.append(data["toTeam"])
    session_id = _uuid(connection.path_params.get("sessionId"))
    if session_id is not None:
        record = await engine.store.get_session(session_id)
        if record is not None:
            teams.append(record.team)
    request_id = _uuid(connection.path_params.get("requestId"))
    if request_id is not None:
        with contextlib.suppress(IrisError):  # unknown: the handler answers 404
            teams.append((await engine.get_request(request_id)).team)
    permission_id = _uuid(connection.path_params.get("permissionId"))
    if permission_id is not None:
        pending = next((p for p in engine.pending_permissions() if p.id == str(permission_id)), None)
        if pending is not None:
            teams.append(pending.team)
    if operation_id == "wakeAll":
        teams.extend(engine.config.teams)
    return teams


def _audit(
    services: AuthServices,
    connection: ASGIConnection[Any, Any, Any, Any],
    event: str,
    status: int,
    *,
    key: KeyRecord | None = None,
    key_id: str | None = None,
    key_name: str | None = None,
    error: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    services.audit.record(
        event,
        key=key,
        key_id=key_id,
        key_name=key_name,
        client_address=client_address(connection),
        method=str(connection.scope.get("method") or "") or None,
        path=connection.scope["path"],
        status_code=status,
        error=error,
        details=details,
    )


async def auth_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Authenticate, rate-limit and authorize one /api request (see the module docstring)."""
    if connection.scope["type"] != ScopeType.HTTP:
        return
    opt = handler.opt or {}
    permission = opt.get(PERMISSION)
    if permission is None or permission == PUBLIC:
        return
    services = _services(connection)
    limits = services.limits
    address = client_address(connection)
    state = facts(connection.scope)
    if not services.require_auth:
        decision = limits.hit(key_id=None, client_address=address)
        state["rate"] = decision
        if not decision.allowed:
            _audit(services, connection, "rate_limited", 429)
            raise decision.error()
        state["authorized"] = True
        return

    blocked = limits.auth_blocked(address)
    if blocked is not None:
        state["rate"] = blocked
        _audit(services, connection, "rate_limited", 429, details={"reason": "authentication failures"})
        raise blocked.error(f"Too many failed authentications from this address; retry in {blocked.reset} s")
    outcome = await services.keys.verify(bearer_token(connection.headers.get("authorization")))
    if outcome.record is None:
        failed = limits.auth_failed(address)
        state["rate"] = failed
        if not failed.allowed:
            _audit(services, connection, "rate_limited", 429, details={"reason": "authentication failures"})
            raise failed.error(f"Too many failed authentications from this address; retry in {failed.reset} s")
        message = _UNAUTHORIZED.get(outcome.reason, "Missing or invalid API key")
        _audit(
            services,
            connection,
            "auth_failure",
            401,
            key_id=outcome.key_id,
            key_name=outcome.key_name,
            error=message,
            details={"reason": outcome.reason},
        )
        raise UnauthorizedError(message)
    key = outcome.record
    decision = limits.hit(key_id=key.id, client_address=address)
    state["rate"] = decision
    if not decision.allowed:
        _audit(services, connection, "rate_limited", 429, key=key)
        raise decision.error()
    state["key"] = key
    connection.scope["user"] = key  # the stream layer's identify_scope and `key_id(request)` read it
    _audit(services, connection, "auth_success", 200, key=key)
    operation_id = str(opt.get(OPERATION, ""))
    try:
        check(key, permission)
        if key.teams is not None:
            for team in await teams_addressed(connection, operation_id):
                check(key, permission, team)
    except ForbiddenError as error:
        _audit(services, connection, "forbidden", 403, key=key, error=error.message, details=error.details)
        raise
    state["authorized"] = True

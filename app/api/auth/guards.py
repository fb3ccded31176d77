"""The one guard of the /api router: authenticate, rate-limit, authorize (permission and team scope), audit.

Order, for a route that needs a permission:

1. an address that has used up its failed authentications gets 429 (audit `rate_limited`);
2. with `api.requireAuth`: the bearer key is verified against the key store (`KeyCheck`: verified keys are
   remembered only while the key store file is unchanged, so revocation and expiry take effect on the next
   request); a failure counts against the address (429 once over, else 401, audit `auth_failure` with the
   reason); a usable key is counted against its own limit (429, audit `rate_limited`), audited `auth_success`
   with the status its response gets (as `api.audit.authSuccess` says), and must hold the route's permission
   (403 naming it, audit `forbidden`; every key holds `authenticated`, the permission of `GET /api/keys/me`);
3. team scope (`app.api.auth.scope`): a key limited to some teams gets 403 for any operation that addresses
   another team or speaks as a caller outside its teams: where the operation names them is its `x-iris-team`
   in the contract (`app.api.operations`): the team, the caller (`fromTeam`), and the team and caller of the
   named session, request or permission;
4. keys: a new key may be no wider than its creator, and only keys within the caller's scope may be revoked
   (403 naming what was too wide, audit `forbidden`);
5. without `api.requireAuth`: the client address is counted against the limit, and the operations that need
   `admin` (keys, audit) are refused with 403: key management needs authentication.

The route's permission is its `opt` (`app.api.routing`: the contract's, or none for a public `/metrics`);
everything else about the operation comes from the table of operations. Public routes pass untouched.
`/ws` is not under this guard: it authenticates itself (header or first message) through the same services
(`AuthServices.stream_access`) and checks scope with the same functions. Listings (team status without `team`,
list teams, pending permissions, keys, audit, logs, system status) are filtered to the key's scope by their
controllers (`key_of`); wake-all addresses every team (`x-iris-team: {team: every}`), so a scoped key whose scope
does not cover every configured team gets 403 naming the first team it may not address; so does `GET /metrics`,
which counts every team.

The pair an audited operation acts on (`Target`) is kept in the request's auth facts for its audit row.

A request an MCP tool call makes in process (`app.api.mcp.dispatch`) carries an `InProcess` marker in its ASGI
scope, which no client can set: its audit rows say `via: mcp` (a host at `/mcp`, with the host's key, checked as
above) or `via: team`. The latter is a team's own Claude Code process: it has no key and acts as its team, with
the permissions of the `operator` role (never `admin`), only as caller itself (a `fromTeam`, or the caller of a
named session, tell or permission, naming any other team is 403), and only on the teams its `tellTeams` lists
(every team when it has none); it is counted against the rate limit as `team:<name>`.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.handlers import BaseRouteHandler

from app.api import models as m
from app.api.auth.access import KeyIdentity
from app.api.auth.scope import require_caller
from app.api.auth.state import UNAUTHORIZED, AuthServices, client_address, facts
from app.api.auth.webhooks import WEBHOOK_OPERATIONS, check_webhook
from app.api.deps import given, json_object, read_body
from app.api.operations import EVERY, Operation, Source
from app.api.routing import PERMISSION, PUBLIC, operation_of
from app.auth.audit import AUTO, Auto
from app.auth.keys import ADMIN, KeyRecord, bearer_token, grants, normalize_permissions, role_permissions
from app.auth.permissions import check, check_key_access, check_new_key, permission_forbidden
from app.config import EXTERNAL
from app.engine import Engine
from app.errors import ForbiddenError, IrisError, UnauthorizedError

__all__ = [
    "AUTH_SUCCESS",
    "IN_PROCESS",
    "KEY_MANAGEMENT_NEEDS_AUTH",
    "TEAM_ROLE",
    "InProcess",
    "Target",
    "audit_request",
    "audit_teams",
    "auth_guard",
    "authenticate",
    "in_process",
    "target_of",
]

KEY_MANAGEMENT_NEEDS_AUTH = (
    "Key management needs authentication: with api.requireAuth false the key routes and the audit log are "
    "refused (manage keys with `litestar iris key ...` on the server's machine)"
)


AUTH_SUCCESS = "auth_success"
"""The auth fact of a request whose key was accepted and whose `auth_success` row waits for its status."""
IN_PROCESS = "iris.in_process"
"""The ASGI scope key of the `InProcess` marker."""
TEAM_ROLE = "operator"
"""The role whose permissions a team's own process has."""


@dataclass(frozen=True)
class InProcess:
    """What a request made in process by an MCP tool call carries in its ASGI scope (never a header)."""

    via: Literal["mcp", "team"]
    """`mcp`: a host's call at `/mcp`; `team`: a team's own process."""
    team: str | None = None
    """The calling team (`via: team`)."""
    parent_request_id: uuid.UUID | None = None
    """The tell the calling team is answering, if any."""


def in_process(scope: Any) -> InProcess | None:
    """The request's `InProcess` marker (None: a request from the network)."""
    marker = scope.get(IN_PROCESS) if isinstance(scope, dict) else None
    return marker if isinstance(marker, InProcess) else None


def _services(connection: ASGIConnection[Any, Any, Any, Any]) -> AuthServices:
    return cast(AuthServices, connection.app.state.auth)


def _uuid(value: object) -> uuid.UUID | None:
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@dataclass
class Target:
    """What an operation addresses: every team and caller it names, and the one pair it acts on (if any)."""

    teams: list[str] = field(default_factory=list)
    callers: list[str] = field(default_factory=list)
    """Callers other than `external`."""
    team: str | None = None
    from_team: str | None = None

    def add(self, team: str | None = None, from_team: str | None = None) -> None:
        """Note a team and/or a caller (each once, in order)."""
        if team and team not in self.teams:
            self.teams.append(team)
        if from_team and from_team != EXTERNAL and from_team not in self.callers:
            self.callers.append(from_team)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


async def target_of(connection: ASGIConnection[Any, Any, Any, Any], operation: Operation) -> Target:
    """Every team and caller an operation names (`x-iris-team`; a session, request or permission nobody knows
    names none)."""
    target = Target()
    names = operation.names
    body = await json_object(connection) if names.body and isinstance(connection, Request) else {}

    def read(source: Source | None) -> object:
        return source.read(connection.path_params, connection.query_params, body) if source is not None else None

    team_source = names.team if isinstance(names.team, Source) else None
    team = _text(read(team_source))
    named_caller = _text(read(names.caller))
    target.add(team, named_caller)
    if team_source is not None and team_source.where != "query":  # a query team filters a listing
        target.team = team
    target.from_team = named_caller
    engine = cast(Engine, connection.app.state.engine)
    session_id = _uuid(read(names.session))
    if session_id is not None:
        record = await engine.store.get_session(session_id)
        if record is not None:
            target.add(record.team, record.from_team)
            target.team, target.from_team = record.team, record.from_team  # what the operation really acts on
    request_id = _uuid(read(names.request))
    if request_id is not None:
        with contextlib.suppress(IrisError):  # unknown: the handler answers 404
            view = await engine.get_request(request_id)
            target.add(view.team, view.from_team)
            target.team, target.from_team = view.team, view.from_team
    permission_id = _uuid(read(names.permission))
    if permission_id is not None:
        pending = next((p for p in engine.pending_permissions() if p.id == str(permission_id)), None)
        if pending is not None:
            target.add(pending.team, pending.from_team)
            target.team, target.from_team = pending.team, pending.from_team
    every = names.team == EVERY
    if every:
        for name in engine.config.teams:
            target.add(name)
    if target.from_team is None and names.caller is not None and (target.team is not None or every):
        target.from_team = EXTERNAL
    return target


async def _check_new_key(request: ASGIConnection[Any, Any, Any, Any], key: KeyRecord) -> None:
    """A key may create only keys no wider than itself (a body the handler will refuse is left to it)."""
    if not isinstance(request, Request):
        return
    try:
        payload = await read_body(request, m.CreateKeyRequest, required=True)
        role, permissions = given(payload.role), given(payload.permissions)
        if role is not None and permissions is not None:
            return
        if permissions is not None:
            granted = normalize_permissions(p.value for p in permissions)
        else:
            granted = role_permissions(role.value if role is not None else "viewer")
    except IrisError:
        return
    check_new_key(key, granted, given(payload.teams))


async def _check_revoke(connection: ASGIConnection[Any, Any, Any, Any], key: KeyRecord) -> None:
    """A key may revoke only keys within its scope (an unknown key is the handler's 404)."""
    ref = connection.path_params.get("keyId")
    if key.teams is None or not isinstance(ref, str):
        return
    try:
        other = await _services(connection).store.find(ref)
    except IrisError:
        return
    check_key_access(key, other)


def _audit(
    services: AuthServices,
    connection: ASGIConnection[Any, Any, Any, Any],
    event: str,
    status: int,
    **columns: Any,
) -> None:
    audit_request(services, connection.scope, event, status, **columns)


def audit_request(
    services: AuthServices,
    scope: Any,
    event: str,
    status: int,
    *,
    key: KeyRecord | None = None,
    key_id: str | None = None,
    key_name: str | None = None,
    error: str | None = None,
    details: dict[str, Any] | None = None,
    target: Target | None = None,
) -> None:
    """Audit an event of one HTTP request (its address, method, path and the status it got)."""
    marker = in_process(scope)
    if marker is not None:
        details = {**(details or {}), "via": marker.via}
    client = scope.get("client")
    services.audit.record(
        event,
        key=key,
        key_id=key_id,
        key_name=key_name,
        client_address=client[0] if client else None,
        method=str(scope.get("method") or "") or None,
        path=scope["path"],
        status_code=status,
        error=error,
        details=details,
        team=target.team if target else None,
        from_team=target.from_team if target else None,
        teams=audit_teams(target),
    )


def audit_teams(target: Target | None) -> list[str] | Literal[Auto.AUTO]:
    """The teams an audit row of this target concerns: those it names, else (none named) the key's scope."""
    if target is None or not (target.teams or target.callers):
        return AUTO
    return [*target.teams, *target.callers]


def _count(
    services: AuthServices, connection: ASGIConnection[Any, Any, Any, Any], key: KeyRecord | None, address: str | None
) -> None:
    """Count the request against its key's (else its address's) limit; over it, 429 (audited `rate_limited`)."""
    decision = services.limits.hit(key_id=key.id if key else None, client_address=address)
    facts(connection.scope)["rate"] = decision
    if not decision.allowed:
        _audit(services, connection, "rate_limited", 429, key=key)
        raise decision.error()


async def authenticate(
    services: AuthServices, connection: ASGIConnection[Any, Any, Any, Any], via: str | None = None
) -> KeyRecord:
    """The request's verified bearer key; a blocked address (429) or a refused key (401, counted) raises, audited."""
    address = client_address(connection)
    state = facts(connection.scope)
    extra = {"via": via} if via else {}
    blocked = services.limits.auth_blocked(address)
    if blocked is not None:
        state["rate"] = blocked
        _audit(services, connection, "rate_limited", 429, details={"reason": "authentication failures", **extra})
        raise blocked.error(f"Too many failed authentications from this address; retry in {blocked.reset} s")
    outcome = await services.keys.verify(bearer_token(connection.headers.get("authorization")))
    if outcome.record is None:
        failed = services.limits.auth_failed(address)
        state["rate"] = failed
        if not failed.allowed:
            _audit(services, connection, "rate_limited", 429, details={"reason": "authentication failures", **extra})
            raise failed.error(f"Too many failed authentications from this address; retry in {failed.reset} s")
        message = UNAUTHORIZED.get(outcome.reason, "Missing or invalid API key")
        _audit(
            services,
            connection,
            "auth_failure",
            401,
            key_id=outcome.key_id,
            key_name=outcome.key_name,
            error=message,
            details={"reason": outcome.reason, **extra},
        )
        raise UnauthorizedError(message)
    return outcome.record


async def auth_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Authenticate, rate-limit and authorize one /api request (see the module docstring)."""
    if connection.scope["type"] != ScopeType.HTTP:
        return
    opt = handler.opt or {}
    permission = opt.get(PERMISSION)
    operation = operation_of(opt)
    if operation is None or permission is None or permission == PUBLIC:
        return
    services = _services(connection)
    address = client_address(connection)
    state = facts(connection.scope)
    operation_id = operation.operation_id
    audited = operation.audit is not None
    marker = in_process(connection.scope)
    if marker is not None and marker.team is not None:
        await _team_guard(services, connection, operation, permission, marker.team)
        return
    if not services.require_auth:
        _count(services, connection, None, address)
        if permission == ADMIN:
            refused = ForbiddenError(KEY_MANAGEMENT_NEEDS_AUTH, {"permission": ADMIN, "requireAuth": False})
            _audit(services, connection, "forbidden", 403, error=refused.message, details=refused.details)
            raise refused
        if audited:
            state["target"] = await target_of(connection, operation)
        state["authorized"] = True
        return

    key = await authenticate(services, connection)
    _count(services, connection, key, address)
    state["key"] = key
    connection.scope["user"] = key  # the stream layer's identify_scope and `key_id(request)` read it
    state[AUTH_SUCCESS] = True  # audited with the status the response gets (`app.api.auth.hooks`)
    target: Target | None = None
    try:
        check(key, permission)
        if key.teams is not None or audited:
            target = state["target"] = await target_of(connection, operation)
        if key.teams is not None and target is not None:
            identity = KeyIdentity(key)
            for team in target.teams:
                check(key, permission, team)
            for caller in target.callers:
                require_caller(identity, permission, caller)
        if operation_id == "createKey":
            await _check_new_key(connection, key)
        elif operation_id == "revokeKey":
            await _check_revoke(connection, key)
        elif operation_id in WEBHOOK_OPERATIONS:
            await check_webhook(connection, key)
    except ForbiddenError as error:
        del state[AUTH_SUCCESS]
        _audit(services, connection, "auth_success", 403, key=key)
        _audit(
            services, connection, "forbidden", 403, key=key, error=error.message, details=error.details, target=target
        )
        raise
    state["authorized"] = True


def _tell_teams(connection: ASGIConnection[Any, Any, Any, Any], team: str) -> tuple[str, ...] | None:
    """The teams a team's process may address (None: every team)."""
    engine = cast(Engine, connection.app.state.engine)
    entry = engine.config.teams.get(team)
    return entry.tell_teams if entry is not None else None


async def _team_guard(
    services: AuthServices,
    connection: ASGIConnection[Any, Any, Any, Any],
    operation: Operation,
    permission: str,
    team: str,
) -> None:
    """Rate-limit and authorize a request of a team's own process (see the module docstring)."""
    state = facts(connection.scope)
    _count(services, connection, None, f"team:{team}")
    target: Target | None = None
    try:
        if permission == ADMIN or not grants(role_permissions(TEAM_ROLE), permission):
            raise permission_forbidden(permission)
        target = state["target"] = await target_of(connection, operation)
        for caller in (*target.callers, target.from_team):
            if caller is not None and caller != team:
                raise ForbiddenError(
                    f"Team {team} may act only as itself, not as caller {caller}", {"fromTeam": caller}
                )
        allowed = _tell_teams(connection, team)
        for name in target.teams:
            if allowed is not None and name not in allowed:
                raise ForbiddenError(f"Team {team} may not address team {name} (not in its tellTeams)", {"team": name})
    except ForbiddenError as error:
        _audit(services, connection, "forbidden", 403, error=error.message, details=error.details, target=target)
        raise
    state["authorized"] = True

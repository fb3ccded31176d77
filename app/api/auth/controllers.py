"""API keys (`/api/keys`) and the audit log (`/api/audit`): admin only, each within the calling key's team scope;
`/api/keys/me`, the calling key itself, for any valid key.

The guard has already refused a new key wider than its creator and the revocation of a key outside the caller's
scope; listings here keep only what the caller's scope covers (`app.auth.permissions.key_within`, audit rows whose
teams are all within it).
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, cast

from litestar import Controller, Request, delete, get, post
from litestar.params import Parameter

from app.api import models as m
from app.api.auth.mappers import api_key, audit_entry, created_api_key, current_key
from app.api.auth.state import AuthServices, audit_details, audit_scope, key_of, key_scope
from app.api.deps import given, json_body
from app.api.params import CursorQuery, LimitQuery, constraints
from app.api.routing import operation
from app.auth.store import key_spend
from app.clock import utcnow
from app.engine import Engine
from app.errors import ValidationError

__all__ = ["AuditController", "KeysController"]

KeyIdPath = Annotated[str, Parameter(**constraints(m.KeyId))]
KeyIdQuery = Annotated[str | None, Parameter(query="keyId", **constraints(m.KeyId))]


ActiveQuery = Annotated[str | None, Parameter(query="active")]
SinceQuery = Annotated[str | None, Parameter(query="since")]
EventQuery = Annotated[str | None, Parameter(query="event")]


def _flag(name: str, value: str | None) -> bool | None:
    """A boolean query parameter spelled as JSON spells it (`true` / `false`)."""
    if value is None:
        return None
    if value not in ("true", "false"):
        raise ValidationError(f"{name}: expected true or false, got {value!r}", {"field": name})
    return value == "true"


def _time(name: str, value: str | None) -> datetime.datetime | None:
    """An RFC 3339 date-time with its offset (`2025-01-16T12:00:00Z`)."""
    if value is None:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or "T" not in value.upper() or parsed.tzinfo is None:
        raise ValidationError(f"{name}: expected an RFC 3339 date-time with an offset, got {value!r}", {"field": name})
    return parsed


def _unique(name: str, values: list[Any] | None) -> None:
    if values is not None and len(set(values)) != len(values):
        raise ValidationError(f"{name}: expected distinct items", {"field": name})


def _services(request: Request[Any, Any, Any]) -> AuthServices:
    return cast(AuthServices, request.app.state.auth)


class KeysController(Controller):
    """Create, list and revoke API keys."""

    path = "/keys"
    tags = ["keys"]

    @get("/", opt=operation("listKeys"))
    async def list_keys(
        self,
        request: Request[Any, Any, Any],
        engine: Engine,
        active: ActiveQuery = None,
        cursor: CursorQuery = None,
        limit: LimitQuery = 50,
    ) -> m.ApiKeyPage:
        """Key records, newest first (never a key or its hash); a scoped key sees only keys within its scope."""
        found = await _services(request).store.list_keys(
            active=_flag("active", active), within=key_scope(request), limit=limit, cursor=cursor
        )
        now = utcnow()
        items = [api_key(r, now, await key_spend(engine.store, r, now)) for r in found.items]
        return m.ApiKeyPage(items=items, next_cursor=found.next_cursor)

    @get("/me", opt=operation("currentKey"))
    async def current_key(self, request: Request[Any, Any, Any]) -> m.CurrentKey:
        """The calling key and what it may do; without authentication, what every request may do."""
        return current_key(key_of(request))

    @post(
        "/",
        opt=operation("createKey"),
        dependencies={"payload": json_body(m.CreateKeyRequest)},
        status_code=201,
    )
    async def create_key(self, request: Request[Any, Any, Any], payload: m.CreateKeyRequest) -> m.CreatedApiKey:
        """A new key; the plain key is in this response only."""
        role = given(payload.role)
        permissions = given(payload.permissions)
        env = given(payload.env)
        _unique("permissions", permissions)
        _unique("teams", given(payload.teams))
        created = await _services(request).store.create(
            payload.name,
            role=role.value if role is not None else None,
            permissions=[p.value for p in permissions] if permissions is not None else None,
            expires_in_days=given(payload.expires_in_days),
            env=env.value if env is not None else None,
            teams=given(payload.teams),
            budget_usd=given(payload.budget_usd),
            budget_period=period.value if (period := given(payload.budget_period)) is not None else None,
        )
        audit_details(request, createdKeyId=created.record.id, name=created.record.name)
        audit_scope(request, created.record.teams)
        return created_api_key(created)

    @delete("/{keyId:str}", opt=operation("revokeKey"), status_code=200)
    async def revoke_key(self, request: Request[Any, Any, Any], keyId: KeyIdPath) -> m.ApiKey:
        """Revoke a key (by public id or unique hash prefix); it stops working on its next request."""
        result = await _services(request).store.revoke(keyId)
        audit_details(request, revokedKeyId=result.record.id, newlyRevoked=result.newly_revoked)
        audit_scope(request, result.record.teams)
        return api_key(result.record, utcnow())


class AuditController(Controller):
    """The audit log."""

    path = "/audit"
    tags = ["audit"]

    @get("/", opt=operation("auditLog"))
    async def audit_log(
        self,
        request: Request[Any, Any, Any],
        since: SinceQuery = None,
        event: EventQuery = None,
        key_id: KeyIdQuery = None,
        cursor: CursorQuery = None,
        limit: LimitQuery = 50,
    ) -> m.AuditPage:
        """Audit entries, newest first (for a scoped key, only those whose teams are all within its scope)."""
        found = await _services(request).audit.query(
            since=_time("since", since),
            event=event,  # the log answers 400 naming `event` for anything but an AuditEventType
            key_id=key_id,
            within=key_scope(request),
            limit=limit,
            cursor=cursor,
        )
        return m.AuditPage(items=[audit_entry(r) for r in found.items], next_cursor=found.next_cursor)

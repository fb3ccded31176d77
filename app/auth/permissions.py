"""The permission table, read from the contract (`x-iris-permission`), and the checks that enforce it."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from app.auth.keys import ADMIN, PERMISSIONS, KeyRecord, grants
from app.config import EXTERNAL
from app.errors import ForbiddenError, UnauthorizedError
from app.spec import SPEC_PATH

__all__ = [
    "PATH_PERMISSION",
    "Operation",
    "PermissionTable",
    "caller_forbidden",
    "caller_in_scope",
    "check",
    "check_caller",
    "check_key_access",
    "check_new_key",
    "check_operation",
    "filter_teams",
    "in_scope",
    "key_within",
    "load_table",
    "pair_in_scope",
    "permission_table",
    "scope_within",
    "sees_paths",
]

PUBLIC = "none"
"""`x-iris-permission: none` marks the routes that need no key."""
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}")


@dataclass(frozen=True)
class Operation:
    """One operation of the contract: its id, method, path template and permission (None: public)."""

    operation_id: str
    method: str
    path: str
    permission: str | None


def _normalize_path(path: str) -> str:
    """`/api/teams/{team:str}/cancel` (Litestar) and `/api/teams/{team}/cancel` (OpenAPI) alike."""
    path = _PARAM.sub(lambda m: "{" + m.group(1) + "}", path)
    return path.rstrip("/") or "/"


@dataclass(frozen=True)
class PermissionTable:
    """Every route, WebSocket message and SSE subscription, with the permission it needs."""

    operations: Mapping[str, Operation]
    """By operationId."""
    websocket: Mapping[str, str]
    """WebSocket client message → permission (`cache:subscribe` → cache:read ...)."""
    subscriptions: Mapping[str, str]
    """SSE `/api/events` query parameter → permission (`session` → cache:read ...)."""

    def for_operation(self, operation_id: str) -> str | None:
        """The permission of an operation (None: public); KeyError for an operation not in the contract."""
        return self.operations[operation_id].permission

    def for_route(self, method: str, path: str) -> Operation:
        """The operation at a method and path template; KeyError when the contract has none."""
        return self._routes[(method.upper(), _normalize_path(path))]

    def for_message(self, event: str) -> str | None:
        """The permission a WebSocket client message needs (None: none, e.g. unsubscribe or auth)."""
        return self.websocket.get(event)

    @functools.cached_property
    def _routes(self) -> dict[tuple[str, str], Operation]:
        return {(op.method, _normalize_path(op.path)): op for op in self.operations.values()}


def _permission(where: str, value: Any) -> str | None:
    if value == PUBLIC:
        return None
    if value not in PERMISSIONS:
        raise ValueError(f"{where}: unknown permission {value!r}")
    return str(value)


def load_table(path: str | Path = SPEC_PATH) -> PermissionTable:
    """Read the table from an OpenAPI document (every operation must state `x-iris-permission`)."""
    with Path(path).open(encoding="utf-8") as f:
        spec: dict[str, Any] = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    operations: dict[str, Operation] = {}
    sse: dict[str, str | None] = {}
    for route, item in (spec.get("paths") or {}).items():
        for method in _METHODS:
            op = item.get(method)
            if op is None:
                continue
            op_id = op.get("operationId")
            if not op_id:
                raise ValueError(f"{method.upper()} {route}: no operationId")
            if "x-iris-permission" not in op:
                raise ValueError(f"{op_id}: no x-iris-permission")
            if op_id in operations:
                raise ValueError(f"{op_id}: operationId used twice")
            operations[op_id] = Operation(op_id, method.upper(), route, _permission(op_id, op["x-iris-permission"]))
            subscriptions = op.get("x-iris-subscription-permissions")
            if subscriptions is not None:
                sse.update({str(k): _permission(f"{op_id}.{k}", v) for k, v in subscriptions.items()})
    websocket_spec = (spec.get("x-websocket") or {}).get("permissions") or {}
    websocket = {str(k): _permission(f"x-websocket.{k}", v) for k, v in websocket_spec.items()}
    return PermissionTable(
        operations=operations,
        websocket={k: v for k, v in websocket.items() if v is not None},
        subscriptions={k: v for k, v in sse.items() if v is not None},
    )


@functools.cache
def permission_table() -> PermissionTable:
    """The table of `openapi/iris.yaml`, loaded once."""
    return load_table()


def in_scope(key: KeyRecord | None, team: str) -> bool:
    """Whether the key may address the team (always, without a key when authentication is off)."""
    return key is None or key.allows_team(team)


def filter_teams(key: KeyRecord | None, teams: Iterable[str]) -> list[str]:
    """The teams within the key's scope, in their order."""
    return [team for team in teams if in_scope(key, team)]


def caller_in_scope(key: KeyRecord | None, from_team: str | None) -> bool:
    """Whether the key may speak as this caller: `external` (or none given) always, a team only within its scope."""
    return from_team is None or from_team == EXTERNAL or in_scope(key, from_team)


def pair_in_scope(key: KeyRecord | None, team: str, from_team: str | None) -> bool:
    """Whether the caller → team pair (a session, a tell, a pending permission) is within the key's scope."""
    return in_scope(key, team) and caller_in_scope(key, from_team)


def caller_forbidden(from_team: str) -> ForbiddenError:
    """The refusal of a caller outside the key's team scope (403 naming `fromTeam`)."""
    return ForbiddenError(
        f"This key may not act as caller {from_team} (outside its team scope; use {EXTERNAL} or one of its teams)",
        {"fromTeam": from_team},
    )


PATH_PERMISSION = "debug:read"
"""The permission that shows a team's folder (`admin` holds it too)."""


def sees_paths(key: KeyRecord | None) -> bool:
    """Whether the key is shown teams' folders: it holds debug:read (or admin), or authentication is off."""
    return key is None or key.has(PATH_PERMISSION)


def check_caller(key: KeyRecord | None, from_team: str | None) -> None:
    """ForbiddenError naming `fromTeam` when the key may not speak as that caller."""
    if from_team is not None and not caller_in_scope(key, from_team):
        raise caller_forbidden(from_team)


def scope_within(outer: Iterable[str] | None, inner: Iterable[str] | None) -> bool:
    """Whether the team scope `inner` is no wider than `outer` (None: every team)."""
    if outer is None:
        return True
    return inner is not None and set(inner) <= set(outer)


def key_within(key: KeyRecord | None, other: KeyRecord) -> bool:
    """Whether `other` is within the key's scope (its teams a subset of the key's): the keys it may see and revoke."""
    return key is None or scope_within(key.teams, other.teams)


def _scope_text(teams: Iterable[str] | None) -> str:
    return "every team" if teams is None else ", ".join(teams)


def check_new_key(creator: KeyRecord | None, permissions: Iterable[str], teams: Iterable[str] | None) -> None:
    """ForbiddenError unless a key with these permissions and team scope is no wider than its creator.

    Every permission must be one the creator holds (`admin` only from an `admin` key), and the team scope a subset
    of the creator's: a creator with a team scope may not make a key without one. `details.field` names what was
    too wide.
    """
    if creator is None:
        return
    wanted = list(permissions)
    wider = [p for p in wanted if not (creator.has(ADMIN) if p == ADMIN else grants(creator.permissions, p))]
    if wider:
        raise ForbiddenError(
            f"This key may not create a key with the permission {wider[0]}, which it does not hold itself",
            {"field": "permissions", "permission": wider[0]},
        )
    if not scope_within(creator.teams, teams):
        outside = "every team" if teams is None else ", ".join(t for t in teams if t not in (creator.teams or ()))
        raise ForbiddenError(
            f"This key may not create a key for {outside}: a new key's teams must be within this key's "
            f"({_scope_text(creator.teams)})",
            {"field": "teams", "allowed": list(creator.teams or ())},
        )


def check_key_access(key: KeyRecord | None, other: KeyRecord) -> None:
    """ForbiddenError naming the key when `other` reaches teams outside the key's scope (it may not revoke it)."""
    if not key_within(key, other):
        raise ForbiddenError(
            f"This key may not manage key {other.id}: that key reaches {_scope_text(other.teams)}, "
            f"wider than this key's teams ({_scope_text(key.teams if key else None)})",
            {"keyId": other.id, "field": "teams"},
        )


def check(
    key: KeyRecord | None,
    permission: str | None,
    team: str | None = None,
    *,
    require_auth: bool = True,
) -> None:
    """Allow, or raise UnauthorizedError (no key, auth on) or ForbiddenError naming the permission or the team."""
    # permission None: a public operation. team: the team addressed (a session's team for session operations).
    if permission is None:
        return
    if key is None:
        if require_auth:
            raise UnauthorizedError("Missing or invalid API key")
        return
    if not key.has(permission):
        raise ForbiddenError(f"This key lacks the permission {permission}", {"permission": permission})
    if team is not None and not key.allows_team(team):
        raise ForbiddenError(f"This key may not address team {team}", {"team": team})


def check_operation(
    key: KeyRecord | None,
    operation_id: str,
    team: str | None = None,
    *,
    require_auth: bool = True,
) -> None:
    """`check` with the permission of a contract operation."""
    check(key, permission_table().for_operation(operation_id), team, require_auth=require_auth)

"""The permission table, read from the contract (`x-iris-permission`), and the checks that enforce it."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from app.auth.keys import PERMISSIONS, KeyRecord
from app.errors import ForbiddenError, UnauthorizedError

__all__ = [
    "SPEC_PATH",
    "Operation",
    "PermissionTable",
    "check",
    "check_operation",
    "filter_teams",
    "in_scope",
    "load_table",
    "permission_table",
]

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "iris.yaml"
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

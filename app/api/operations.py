"""The table of operations: every fact about an operation, stream subscription and WebSocket message, read once
from the contract.

`openapi/iris.yaml` declares each operation's `operationId`, method and path, `x-iris-permission`,
`x-iris-audit` (the audit event of an operation that changes state), `x-iris-team` (where it names the team,
caller, session, tell or pending permission a key's team scope is checked against), `x-iris-mcp-tool` (its MCP
tool's name) and its documented status codes; `x-iris-subscription-permissions` and `x-websocket` (`permissions`,
`audit`) do the same for the streams. The guard, the audit hook, the stream checks, the MCP tools and the drift tests
all read this table.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from app.auth.keys import AUTHENTICATED
from app.spec import SPEC_PATH, read_spec, spec_document

__all__ = [
    "AUTHENTICATED",
    "EVERY",
    "PUBLIC",
    "Message",
    "Names",
    "Operation",
    "Source",
    "Table",
    "by_id",
    "by_route",
    "load",
    "message",
    "operations",
    "subscription",
    "table",
]

PUBLIC = "none"
"""The permission of an operation that needs no credentials (`x-iris-permission: none`)."""
EVERY = "every"
"""`x-iris-team: {team: every}`: the operation addresses each configured team."""

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_WHERE = ("path", "query", "body")
_NAMES = ("team", "caller", "session", "request", "permission")
_TOOL = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}")

Where = Literal["path", "query", "body"]


@dataclass(frozen=True)
class Source:
    """Where a request names something: a path parameter, a query parameter or a field of the JSON body."""

    where: Where
    name: str

    def read(self, path: Mapping[str, Any], query: Mapping[str, Any], body: Mapping[str, Any]) -> object:
        """The value the request gives here (None when absent)."""
        return {"path": path, "query": query, "body": body}[self.where].get(self.name)

    def __str__(self) -> str:
        return f"{self.where}.{self.name}"


@dataclass(frozen=True)
class Names:
    """What an operation names (`x-iris-team`): each entry is where the request gives it, or None."""

    team: Source | Literal["every"] | None = None
    """The team it acts on (`EVERY`: each configured team; a query team filters a listing)."""
    caller: Source | None = None
    """The caller it speaks as (`fromTeam`)."""
    session: Source | None = None
    """A session, whose caller → team pair it acts on."""
    request: Source | None = None
    """A tell (`requestId`), whose pair it acts on."""
    permission: Source | None = None
    """A pending permission request, whose pair it acts on."""

    @property
    def body(self) -> bool:
        """Whether any of it is read from the JSON body."""
        sources = (self.team, self.caller, self.session, self.request, self.permission)
        return any(isinstance(source, Source) and source.where == "body" for source in sources)


@dataclass(frozen=True)
class Operation:
    """One operation of the contract."""

    operation_id: str
    method: str
    """Upper case (`POST`)."""
    path: str
    """The contract's template (`/api/teams/{team}/wake`)."""
    permission: str
    """The permission it needs (`PUBLIC` for none, `AUTHENTICATED` for any valid key)."""
    audit: str | None
    """The audit event of the row it writes (None: a read, not audited)."""
    names: Names
    statuses: frozenset[int]
    """Every documented status code."""
    tool: str | None = None
    """The MCP tool that runs it at `/mcp` (`x-iris-mcp-tool`; None: not offered over MCP)."""

    @property
    def success(self) -> frozenset[int]:
        """The documented 2xx codes."""
        return frozenset(code for code in self.statuses if 200 <= code < 300)

    @property
    def public(self) -> bool:
        """Whether it needs no credentials."""
        return self.permission == PUBLIC


@dataclass(frozen=True)
class Message:
    """A WebSocket client message that needs a permission (`x-websocket.permissions`)."""

    event: str
    permission: str
    audit: str | None
    """The audit event of a message that changes state (`x-websocket.audit`)."""


@dataclass(frozen=True)
class Table:
    """Every operation, WebSocket message and SSE subscription of one contract."""

    operations: Mapping[str, Operation]
    """By operationId, in the contract's order."""
    messages: Mapping[str, Message]
    """By event name (`tell:start`)."""
    subscriptions: Mapping[str, str]
    """SSE `GET /api/events` channel (query parameter) → permission."""


def _source(where: str, value: object) -> Source:
    text = str(value)
    place, _, name = text.partition(".")
    if place not in _WHERE or not name:
        raise ValueError(f"{where}: expected path.NAME, query.NAME or body.NAME, got {text!r}")
    return Source(place, name)  # type: ignore[arg-type]


def _names(op_id: str, path: str, value: object) -> Names:
    if value is None:
        return Names()
    if not isinstance(value, dict):
        raise ValueError(f"{op_id}: x-iris-team must be a mapping")
    unknown = set(value) - set(_NAMES)
    if unknown:
        raise ValueError(f"{op_id}: x-iris-team has unknown entries {sorted(unknown)}")
    found: dict[str, Any] = {}
    for key, item in value.items():
        where = f"{op_id}: x-iris-team.{key}"
        source = EVERY if key == "team" and item == EVERY else _source(where, item)
        if isinstance(source, Source) and source.where == "path" and "{" + source.name + "}" not in path:
            raise ValueError(f"{where}: {path} has no parameter {source.name}")
        found[key] = source
    return Names(**found)


def _tool(op_id: str, value: object) -> str | None:
    """An operation's `x-iris-mcp-tool` (ValueError unless a snake_case name)."""
    if value is None:
        return None
    if not isinstance(value, str) or not _TOOL.match(value):
        raise ValueError(f"{op_id}: x-iris-mcp-tool must be a snake_case name, got {value!r}")
    return value


def load(path: str | Path = SPEC_PATH) -> Table:
    """Read the table from an OpenAPI document (ValueError naming what is missing or malformed)."""
    return build(read_spec(path))


def build(spec: Mapping[str, Any]) -> Table:
    """The table of a parsed OpenAPI document (ValueError naming what is missing or malformed)."""
    schemas = spec.get("components", {}).get("schemas", {})
    permissions = {*schemas.get("Permission", {}).get("enum", ()), PUBLIC, AUTHENTICATED}
    events = set(schemas.get("AuditEventType", {}).get("enum", ()))

    def permission(where: str, value: object) -> str:
        if value not in permissions:
            raise ValueError(f"{where}: unknown permission {value!r}")
        return str(value)

    def audit(where: str, value: object) -> str | None:
        if value is not None and value not in events:
            raise ValueError(f"{where}: {value!r} is not an AuditEventType")
        return None if value is None else str(value)

    found: dict[str, Operation] = {}
    subscriptions: dict[str, str] = {}
    for route, item in (spec.get("paths") or {}).items():
        for method in _METHODS:
            op = item.get(method)
            if op is None:
                continue
            op_id = op.get("operationId")
            if not op_id:
                raise ValueError(f"{method.upper()} {route}: no operationId")
            if op_id in found:
                raise ValueError(f"{op_id}: operationId used twice")
            if "x-iris-permission" not in op:
                raise ValueError(f"{op_id}: no x-iris-permission")
            found[op_id] = Operation(
                operation_id=op_id,
                method=method.upper(),
                path=route,
                permission=permission(op_id, op["x-iris-permission"]),
                audit=audit(f"{op_id}: x-iris-audit", op.get("x-iris-audit")),
                names=_names(op_id, route, op.get("x-iris-team")),
                statuses=frozenset(int(code) for code in op.get("responses") or {}),
                tool=_tool(op_id, op.get("x-iris-mcp-tool")),
            )
            for channel, needed in (op.get("x-iris-subscription-permissions") or {}).items():
                subscriptions[str(channel)] = permission(f"{op_id}: x-iris-subscription-permissions", needed)
    tools = [op.tool for op in found.values() if op.tool is not None]
    twice = sorted({tool for tool in tools if tools.count(tool) > 1})
    if twice:
        raise ValueError(f"x-iris-mcp-tool names used twice: {twice}")
    websocket = spec.get("x-websocket") or {}
    audited = websocket.get("audit") or {}
    messages = {
        str(event): Message(
            str(event),
            permission(f"x-websocket.permissions.{event}", needed),
            audit(f"x-websocket.audit.{event}", audited.get(event)),
        )
        for event, needed in (websocket.get("permissions") or {}).items()
    }
    stray = set(audited) - set(messages)
    if stray:
        raise ValueError(f"x-websocket.audit names messages without a permission: {sorted(stray)}")
    return Table(operations=found, messages=messages, subscriptions=subscriptions)


@functools.cache
def table() -> Table:
    """The table of `openapi/iris.yaml`, built once."""
    return build(spec_document())


def operations() -> tuple[Operation, ...]:
    """Every operation of the contract, in its order."""
    return tuple(table().operations.values())


def by_id(operation_id: str) -> Operation:
    """The operation with this operationId (KeyError when the contract has none)."""
    return table().operations[operation_id]


def by_route(method: str, path: str) -> Operation:
    """The operation at a method and path template (`{team}` or Litestar's `{team:str}`; KeyError when none)."""
    return _routes()[(method.upper(), _template(path))]


@functools.cache
def _routes() -> dict[tuple[str, str], Operation]:
    return {(op.method, _template(op.path)): op for op in operations()}


def _template(path: str) -> str:
    return _PARAM.sub(lambda found: "{" + found.group(1) + "}", path).rstrip("/") or "/"


def message(event: str) -> Message | None:
    """The WebSocket client message of this name, when it needs a permission (None: unsubscribe, auth)."""
    return table().messages.get(event)


def subscription(channel: str) -> str:
    """The permission following an SSE/WebSocket channel needs: `session`, `team` or `system`."""
    return table().subscriptions[channel]

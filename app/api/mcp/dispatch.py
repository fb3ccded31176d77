"""How an MCP tool call runs: as its REST operation, called in process through the Litestar app itself.

The tool's arguments go where the contract puts them (path parameters, query parameters, the JSON body), and
the request passes through the same guard (permission, team scope, rate limit), audit hook, validation, error
shapes and controller as the REST call would. The request carries an `InProcess` marker in its ASGI scope
(`via: mcp` for a host at `/mcp`, `via: team` for a team's own process), never a header a client could send.
A 2xx answer is the tool's `structuredContent` with a short text; any other answer is an error result whose
text begins with the contract's error name (`ForbiddenError: ...`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import quote, unquote, urlencode

import jsonschema  # type: ignore[import-untyped]
from litestar import Litestar
from litestar.types import Receive, Scope, Send

from app.api.auth.guards import IN_PROCESS, InProcess
from app.api.mcp.tools import RESULT, ToolSpec, tool, tools
from app.api.operations import Source, by_id
from app.config import EXTERNAL
from app.engine import Engine
from app.engine.events import Event
from app.engine.records import TellChunk, TellQueued, TellStarted

__all__ = ["Caller", "Progress", "ToolOutcome", "ToolSpec", "call_tool", "tools"]

Progress = Callable[[float, float | None, str | None], Awaitable[None]]
"""Reports progress: (progress so far, total if known, a message)."""

TEXT_LIMIT = 4000
"""The longest text of a result (its structuredContent holds everything)."""
_WAITING = frozenset({"tell", "ask"})
"""The operations whose progress is the reply's chunks as they arrive."""


@dataclass(frozen=True)
class Caller:
    """Who makes a tool call."""

    authorization: str | None = None
    """The `Authorization` header of the `/mcp` request (None: none was sent, e.g. with authentication off)."""
    team: str | None = None
    """A team's own process: the internal caller, acting as this team."""
    parent_request_id: uuid.UUID | None = None
    """The tell the calling team is answering, if any."""
    client_address: str | None = None


@dataclass(frozen=True)
class ToolOutcome:
    """A tool call's result: MCP's `isError`, its text and its `structuredContent`."""

    is_error: bool
    text: str
    structured: dict[str, Any] | None = None
    status: int | None = None
    """The HTTP status of the in-process call (None: refused before it)."""


def _refused(message: str) -> ToolOutcome:
    """A call refused before it ran: bad arguments or an unknown tool."""
    return ToolOutcome(True, f"ValidationError: {message}")


def _where(error: jsonschema.ValidationError) -> str:
    """The argument (dotted path) a schema error is about."""
    path = ".".join(str(part) for part in error.absolute_path)
    return path or "arguments"


def _problem(error: jsonschema.ValidationError) -> str:
    """What is wrong with one argument, naming it and never quoting its value."""
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "required" and isinstance(value, dict):
        missing = [name for name in expected if name not in value]
        return f"{'.'.join([*map(str, error.absolute_path), missing[0]])}: required" if missing else error.message
    if kind == "additionalProperties" and isinstance(value, dict):
        known = set(error.schema.get("properties") or {})
        unknown = sorted(name for name in value if name not in known)
        return f"{', '.join(unknown)}: unknown argument{'s' if len(unknown) > 1 else ''}"
    return f"{_where(error)}: {_expected(str(kind), expected)}"


def _expected(kind: str, expected: Any) -> str:
    """What a JSON Schema keyword wanted, in words."""
    if kind == "type":
        return f"expected {expected if isinstance(expected, str) else ' or '.join(map(str, expected))}"
    if kind == "maxLength":
        return f"longer than {expected} characters"
    if kind == "minLength":
        return f"shorter than {expected} character{'s' if expected != 1 else ''}"
    if kind in ("maximum", "exclusiveMaximum"):
        return f"above the maximum {expected}"
    if kind in ("minimum", "exclusiveMinimum"):
        return f"below the minimum {expected}"
    if kind == "enum" and isinstance(expected, list):
        return f"not one of {', '.join(map(str, expected))}"
    if kind == "pattern":
        return f"does not match {expected}"
    if kind == "format":
        return f"not a valid {expected}"
    return f"does not satisfy {kind}"


@functools.cache
def _validator(name: str) -> jsonschema.Draft202012Validator:
    """The checker of a tool's input schema, made once."""
    spec = tool(name)
    assert spec is not None
    return jsonschema.Draft202012Validator(
        spec.input_schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def check_arguments(spec: ToolSpec, arguments: Mapping[str, Any]) -> str | None:
    """What is wrong with a call's arguments against the tool's input schema (None: nothing)."""
    validator = _validator(spec.name)
    errors = sorted(validator.iter_errors(dict(arguments)), key=lambda e: [str(p) for p in e.absolute_path])
    return "; ".join(dict.fromkeys(_problem(error) for error in errors)) or None


def _query_value(value: Any) -> str:
    """A query parameter as the REST API reads it (booleans as `true` / `false`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _request(spec: ToolSpec, arguments: Mapping[str, Any]) -> tuple[str, str, dict[str, str], dict[str, Any] | None]:
    """The method, path, query and JSON body of the operation's call with these arguments."""
    operation = by_id(spec.operation_id)
    path = operation.path
    query: dict[str, str] = {}
    body: dict[str, Any] = {}
    for name, value in arguments.items():
        place = spec.places[name]
        if place == "path":
            path = path.replace("{" + name + "}", quote(str(value), safe=""))
        elif place == "query":
            query[name] = _query_value(value)
        else:
            body[name] = value
    return operation.method, path, query, (body if spec.body else None)


def _with_caller(spec: ToolSpec, arguments: dict[str, Any], caller: Caller) -> dict[str, Any]:
    """The arguments with the calling team as `fromTeam` when a team's process gave none."""
    source = by_id(spec.operation_id).names.caller
    if caller.team is None or not isinstance(source, Source) or source.name in arguments:
        return arguments
    return {**arguments, source.name: caller.team}


async def _asgi(
    app: Litestar,
    marker: InProcess,
    client: str | None,
    request: tuple[str, str, dict[str, str], dict[str, Any] | None],
    authorization: str | None,
) -> tuple[int, bytes]:
    """One HTTP request to the app, in process: its status and body. The scope carries the marker."""
    method, path, query, body = request
    raw = json.dumps(body).encode() if body is not None else b""
    headers = [(b"host", b"iris.internal")]
    if authorization:
        headers.append((b"authorization", authorization.encode("latin-1", "replace")))
    if body is not None:
        headers += [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote(path),
        "raw_path": path.encode(),
        "query_string": urlencode(query).encode(),
        "root_path": "",
        "headers": headers,
        "client": (client, 0) if client is not None else None,
        "server": ("iris.internal", 80),
        "state": {},
        IN_PROCESS: marker,
    }
    done = asyncio.Event()
    sent_body = False
    status = 500
    parts: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent_body
        if not sent_body:
            sent_body = True
            return {"type": "http.request", "body": raw, "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: Mapping[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])
        elif message["type"] == "http.response.body":
            parts.append(bytes(message.get("body", b"")))
            if not message.get("more_body", False):
                done.set()

    try:
        await app(cast(Scope, scope), cast(Receive, receive), cast(Send, send))
    finally:
        done.set()
    return status, b"".join(parts)


def _text(spec: ToolSpec, status: int, body: dict[str, Any]) -> str:
    """A short text of a result, for hosts that show only text: a tell's reply, else the JSON."""
    reply = body.get("response")
    if isinstance(reply, str) and reply:
        head = f"{body.get('status', status)} ({body.get('requestId', '')}): "
        text = head + reply
    else:
        text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def _error_text(status: int, payload: Any) -> str:
    """An error answer as a result text: `<error name>: <message>`, then its details."""
    if isinstance(payload, dict) and isinstance(payload.get("error"), str):
        text = f"{payload['error']}: {payload.get('message', '')}"
        details = payload.get("details")
        if isinstance(details, dict) and details:
            text += " " + json.dumps(details, separators=(",", ":"), ensure_ascii=False)
        return text
    return f"InternalServerError: HTTP {status}"


@contextlib.contextmanager
def _chunks(
    engine: Engine, spec: ToolSpec, arguments: Mapping[str, Any], progress: Progress | None
) -> Iterator[asyncio.Task[None] | None]:
    """While a waiting tell runs, report each chunk of its reply through `progress`.

    The tell's request id is not known until it answers, so the chunks are found by pair: the first tell that
    is queued or started on the caller → team pair (or on the named session) after the call began is this one.
    """
    if progress is None or spec.operation_id not in _WAITING:
        yield None
        return
    team, caller = arguments.get("toTeam"), arguments.get("fromTeam") or EXTERNAL
    named = arguments.get("sessionId")
    queue: asyncio.Queue[str | None] = asyncio.Queue()
    mine: list[uuid.UUID] = []

    def ours(session_id: uuid.UUID) -> bool:
        if named is not None:
            return str(session_id) == str(named)
        return any(
            runtime.session_id == session_id and runtime.team == team and runtime.from_team == caller
            for runtime in engine.live_sessions()
        )

    def sink(event: Event) -> None:
        record = event.record
        if not event.channel.startswith("session:"):
            return
        if not mine and isinstance(record, TellQueued | TellStarted) and ours(record.session_id):
            mine.append(record.request_id)
        elif isinstance(record, TellChunk) and mine and record.request_id == mine[0]:
            queue.put_nowait(record.chunk)

    async def pump() -> None:
        sent = 0
        while (chunk := await queue.get()) is not None:
            sent += 1
            with contextlib.suppress(Exception):  # a host that stopped listening does not fail the call
                await progress(float(sent), None, chunk)

    task = asyncio.get_running_loop().create_task(pump())
    engine.events.sinks.append(sink)
    try:
        yield task
    finally:
        with contextlib.suppress(ValueError):
            engine.events.sinks.remove(sink)
        queue.put_nowait(None)


async def call_tool(
    app: Litestar,
    name: str,
    arguments: Mapping[str, Any] | None,
    caller: Caller,
    progress: Progress | None = None,
) -> ToolOutcome:
    """Run one tool call as its REST operation, in process (see the module docstring)."""
    spec = tool(name)
    if spec is None:
        return _refused(f"name: unknown tool {name!r} (tools/list names them)")
    if arguments is not None and not isinstance(arguments, Mapping):
        return _refused("arguments: expected an object")
    given = _with_caller(spec, dict(arguments or {}), caller)
    problem = check_arguments(spec, given)
    if problem is not None:
        return _refused(problem)
    request = _request(spec, given)
    marker = InProcess(
        via="team" if caller.team is not None else "mcp", team=caller.team, parent_request_id=caller.parent_request_id
    )
    engine: Engine = app.state.engine
    with _chunks(engine, spec, given, progress) as pump:
        status, raw = await _asgi(app, marker, caller.client_address, request, caller.authorization)
    if pump is not None:
        await pump
    try:
        payload = json.loads(raw)
    except ValueError:
        payload = None
    if not 200 <= status < 300:
        return ToolOutcome(True, _error_text(status, payload), None, status)
    structured = {RESULT: payload} if spec.wrapped else payload
    if not isinstance(structured, dict):
        return ToolOutcome(True, f"InternalServerError: HTTP {status} answered no JSON object", None, status)
    return ToolOutcome(False, _text(spec, status, structured), structured, status)

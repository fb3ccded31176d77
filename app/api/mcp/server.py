"""`/mcp`: Iris's tools over MCP's streamable HTTP transport, for MCP hosts (Claude Code, IDEs, scripts).

Built on the official SDK's low-level server, with the tools registered by their JSON Schemas as the contract
derives them (`app.api.mcp.tools`); each call runs as its REST operation in process (`app.api.mcp.dispatch`), so
the REST guard, audit hook, validation and controllers decide it. The endpoint is stateless (every POST stands on
its own, with its own key): no MCP session outlives a request, so none can be taken over by another key. A
call that asks for progress is answered as an event stream (progress notifications, then the result); every other
message as one JSON body, which costs the SDK less.

Before any MCP message is read, `/mcp` checks the bearer key exactly as REST does: no key or a bad one is a 401
in the contract's error shape with `WWW-Authenticate: Bearer`, failed attempts count against the client address
(429 once over), and with `api.requireAuth` false no key is needed. A `tools/call` is counted against the key's
rate limit, and audited `auth_success`, by its in-process REST call, once; every other MCP request is counted and
audited here (`via: mcp`). tools/list shows every tool, each naming the permission it needs: the list is the
same for every key (hosts cache it), and a call the key may not make answers `ForbiddenError: ...` naming the
permission or team.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any, cast

import mcp_types as types
from litestar import Litestar
from litestar.connection import ASGIConnection
from litestar.handlers import ASGIRouteHandler, asgi
from litestar.types import Message, Receive, Scope, Send
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

from app.api.auth.guards import authenticate
from app.api.auth.state import AuthServices, client_address, facts, rate_headers
from app.api.errors import error_body, headers_of, status_of
from app.api.mcp.dispatch import Caller, call_tool
from app.api.mcp.tools import tools
from app.auth.keys import KeyRecord
from app.errors import IrisError, MethodNotAllowedError, PayloadTooLargeError, UnauthorizedError

__all__ = ["MCP_PATH", "McpEndpoint"]

log = logging.getLogger("iris.mcp")

MCP_PATH = "/mcp"
MAX_MESSAGE_BYTES = 4 * 1024 * 1024
"""The largest MCP request body read (the SDK's own limit): beyond it, 413 PayloadTooLargeError."""
_CALLER = "iris.mcp_caller"
"""The scope key of the verified `Caller` of an `/mcp` request."""


def _tool_list() -> list[types.Tool]:
    """Every tool, as MCP lists it."""
    return [
        types.Tool(
            name=spec.name,
            description=spec.description,
            input_schema=spec.input_schema,
            output_schema=spec.output_schema,
        )
        for spec in tools()
    ]


async def _list_tools(ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None) -> Any:
    """`tools/list`: every tool, whatever the key (each names the permission it needs)."""
    return types.ListToolsResult(tools=_tool_list())


async def _call_tool(ctx: ServerRequestContext[Any, Any], params: types.CallToolRequestParams) -> Any:
    """`tools/call`: the operation, run in process as the `/mcp` request's caller."""
    request = ctx.request
    scope = getattr(request, "scope", None)
    caller = scope.get(_CALLER) if isinstance(scope, dict) else None
    if not isinstance(caller, Caller) or scope is None:
        return _result(True, "UnauthorizedError: the call did not come through /mcp", None)
    app = cast(Litestar, scope["app"])
    token = (params.meta or {}).get("progress_token")
    progress = None
    if token is not None:

        async def progress(done: float, total: float | None, message: str | None) -> None:
            await ctx.session.send_progress_notification(
                token, done, total, message, related_request_id=str(ctx.request_id)
            )

    outcome = await call_tool(app, params.name, params.arguments, caller, progress)
    return _result(outcome.is_error, outcome.text, outcome.structured)


def _result(is_error: bool, text: str, structured: dict[str, Any] | None) -> types.CallToolResult:
    """An MCP tool result."""
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=text)], structured_content=structured, is_error=is_error
    )


async def _answer(send: Send, error: IrisError, headers: dict[str, str] | None = None) -> None:
    """An error answer in the contract's shape, sent below the framework."""
    status = status_of(error)
    body = error_body(error.name, error.message, status, error.details)
    pairs = {"content-type": "application/json", "content-length": str(len(body))}
    pairs |= {name.lower(): value for name, value in {**(headers_of(error) or {}), **(headers or {})}.items()}
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(name.encode(), value.encode()) for name, value in pairs.items()],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body (None: longer than `MAX_MESSAGE_BYTES`)."""
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(parts)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_MESSAGE_BYTES:
            return None
        parts.append(chunk)
        if not message.get("more_body", False):
            return b"".join(parts)


def _messages(body: bytes) -> list[Any] | None:
    """The JSON-RPC messages of a POST body (None: not JSON)."""
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    return payload if isinstance(payload, list) else [payload]


def _only_tool_calls(messages: list[Any] | None) -> bool:
    """Whether every JSON-RPC message of a POST body is a `tools/call` (each counted by its REST call)."""
    return bool(messages) and all(isinstance(m, dict) and m.get("method") == "tools/call" for m in messages or ())


def _streams(messages: list[Any] | None) -> bool:
    """Whether the answer needs an event stream: a call that asked for progress (or anything but one message)."""
    if messages is None or len(messages) != 1 or not isinstance(messages[0], dict):
        return True
    params = messages[0].get("params")
    meta = params.get("_meta") if isinstance(params, dict) else None
    return isinstance(meta, dict) and meta.get("progressToken") is not None


class McpEndpoint:
    """The `/mcp` route of one app and the SDK session manager its lifespan runs."""

    def __init__(self) -> None:
        logging.getLogger("mcp.server.streamable_http").setLevel(logging.WARNING)  # a line per request otherwise
        self.server: Server[Any] = Server("iris", on_list_tools=_list_tools, on_call_tool=_call_tool)
        self.manager: StreamableHTTPSessionManager | None = None
        """Answers as an event stream (progress notifications, then the result)."""
        self.plain: StreamableHTTPSessionManager | None = None
        """Answers as one JSON body: cheaper, for every message that sends nothing before its result."""

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Litestar) -> AsyncIterator[None]:
        """Run the SDK's session managers while the app runs (new ones each time: the SDK's run only once)."""
        manager = StreamableHTTPSessionManager(self.server, stateless=True, max_request_body_size=MAX_MESSAGE_BYTES)
        plain = StreamableHTTPSessionManager(
            self.server, stateless=True, json_response=True, max_request_body_size=MAX_MESSAGE_BYTES
        )
        async with manager.run(), plain.run():
            self.manager, self.plain = manager, plain
            try:
                yield
            finally:
                self.manager = self.plain = None

    def route(self) -> ASGIRouteHandler:
        """The Litestar route of `/mcp`."""
        return asgi(MCP_PATH, copy_scope=False)(self.handle)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Authenticate (and count) an `/mcp` request, then hand it to the SDK (see the module docstring)."""
        connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope, receive)
        services = cast(AuthServices, connection.app.state.auth)
        address = client_address(connection)
        authorization = connection.headers.get("authorization")
        key: KeyRecord | None = None
        if services.require_auth:
            try:
                key = await authenticate(services, connection, via="mcp")
            except IrisError as refused:
                await _answer(
                    send, refused, {"WWW-Authenticate": "Bearer"} if isinstance(refused, UnauthorizedError) else None
                )
                return
        if scope.get("method") == "GET":  # stateless: no server-sent stream to offer (the MCP spec's 405)
            await _answer(
                send, MethodNotAllowedError("/mcp offers no event stream: POST MCP messages"), {"Allow": "POST"}
            )
            return
        body = b""
        if scope.get("method") == "POST":
            read = await _read_body(receive)
            if read is None:
                await _answer(send, PayloadTooLargeError(f"An MCP message may be at most {MAX_MESSAGE_BYTES} bytes"))
                return
            body = read
        messages = _messages(body) if scope.get("method") == "POST" else None
        if not (scope.get("method") == "POST" and _only_tool_calls(messages)):
            decision = services.limits.hit(key_id=key.id if key else None, client_address=address)
            facts(scope)["rate"] = decision
            if not decision.allowed:
                _audit(services, "rate_limited", key, address, scope, 429)
                await _answer(send, decision.error(), rate_headers(decision))
                return
            if key is not None:  # its row records the status the answer got (202 for a notification)
                send = _after_start(send, lambda status: _audit(services, "auth_success", key, address, scope, status))
        scope[_CALLER] = Caller(authorization=authorization, client_address=address)  # type: ignore[literal-required]
        manager = self.manager if _streams(messages) else self.plain
        if manager is None:
            await _answer(send, IrisError("The MCP endpoint is not running (the server is starting or stopping)"))
            return
        await manager.handle_request(cast(Any, scope), _replay(body, receive), cast(Any, send))


def _audit(
    services: AuthServices, event: str, key: KeyRecord | None, address: str | None, scope: Any, status: int
) -> None:
    """The audit row of one MCP request."""
    services.audit.record(
        event,
        key=key,
        client_address=address,
        method=_method(scope),
        path=MCP_PATH,
        status_code=status,
        details={"via": "mcp"},
    )


def _after_start(send: Send, started: Callable[[int], None]) -> Send:
    """`send`, calling `started` with the status once the answer's head goes out."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            started(int(message["status"]))
        await send(message)

    return sending


def _method(scope: Any) -> str | None:
    """The request's HTTP method."""
    return str(scope.get("method") or "") or None


def _replay(body: bytes, receive: Receive) -> Callable[[], Any]:
    """A `receive` that gives the body already read, then passes on to the real one (a disconnect)."""
    given = False

    async def replay() -> Any:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay

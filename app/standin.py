"""A local stand-in for the Anthropic Messages API, scripted by directives in the caller's text.

Directives (tokens in the text the user typed; the reply otherwise echoes it):

- no directive      -> one text block ``echo[n=N]: <caller text>``, N = number of user and assistant
  messages in the request (Claude Code also sends role "system" messages; they are not counted)
- ``#slow:C:MS``    -> the echo reply streamed as C text deltas, MS milliseconds apart
- ``#hang``         -> message_start and content_block_start, then silence until disconnect or stop
  (non-streaming: headers only, then silence)
- ``#status:CODE``  -> HTTP CODE with an Anthropic error body whose message is ``stand-in error CODE``
- ``#cut``          -> a couple of text deltas, then the connection is dropped (no message_stop);
  non-streaming: half the JSON body, then the drop (Claude Code retries a cut stream without streaming)
- ``#blocks:K``     -> K text blocks ``block 1`` .. ``block K`` in one message
- ``#bash:COMMAND`` -> a ``Bash`` tool_use for COMMAND (rest of the text); the follow-up request
  carrying the tool_result is answered ``tool said: <output>`` (``tool error: <output>`` on error)
- ``#read:PATH``    -> a ``Read`` tool_use of PATH (rest of the text), answered like ``#bash``
- ``#iris:TOOL JSON`` -> a tool_use of Iris's MCP tool ``mcp__iris__TOOL`` with the JSON object (rest of the
  text) as its input, answered like ``#bash``; only when the request offers that tool (else the text
  ``not offered: mcp__iris__TOOL``), and only a JSON object (else ``not a JSON object: ...``)
- ``#cost:USD``     -> the echo, with a usage record that makes Claude Code count the request as costing USD
  (output tokens only, at the output price of the request's model; see ``OUTPUT_PRICES``)
- ``#json:JSON``    -> the structured answer JSON (rest of the text): a ``StructuredOutput`` tool_use with it when
  the request offers that tool (Claude Code asked for structured output), else the JSON as the text
- ``#model``        -> one text block ``model: <the request's model>``
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal

import uvicorn
from litestar import Litestar, Request, Response, post, route
from litestar.response import Stream

__all__ = ["ModelStandIn", "Reply", "caller_text", "conversation_length", "plan_reply"]

Body = dict[str, Any]
Block = dict[str, Any]

_DIRECTIVE = re.compile(
    r"#(slow):(\d+):(\d+)|#(hang)\b|#(status):(\d{3})|#(cut)\b|#(blocks):(\d+)|#(bash):|#(read):|#(iris):(\w+)"
    r"|#(cost):(\d+(?:\.\d+)?)|#(json):|#(model)\b"
)
OUTPUT_PRICES = (
    ("claude-haiku-5-5", 0.5e-6),
    ("claude-sonnet-5-5", 10e-6),
    ("haiku-4-5", 5e-6),
    ("sonnet-4-5", 15e-6),
    ("", 20e-6),
)
"""USD per output token by what the request's model name holds, as the bundled Claude Code counts them (measured:
its default model, and any name it does not know, cost the last row's)."""
_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}
_CUT_PAUSE_S = 0.1


class _DropConnection(Exception):
    """Raised inside a stream to make the server drop the connection mid-response."""


@dataclass(frozen=True)
class Reply:
    """What the stand-in answers to one request."""

    blocks: list[Block] = field(default_factory=list)
    stop_reason: str = "end_turn"
    chunks: int = 1
    delay_s: float = 0.0
    fault: Literal["hang", "cut"] | None = None
    status: int = 200
    cost_usd: float | None = None
    """Report usage that costs this much (``#cost``)."""


def _last_user_content(body: Body) -> list[Block]:
    """The content blocks of the last user message (a plain string becomes one text block)."""
    for message in reversed(body.get("messages") or []):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, str):
                return [{"type": "text", "text": content}]
            return [b for b in content or [] if isinstance(b, dict)]
    return []


def caller_text(body: Body) -> str:
    """The text the user just typed: the last user message's last text block that is not a ``<...>`` addition.

    Only the last block counts: after a failed turn Claude Code merges the unanswered prompt and the
    next one into one user message, one text block each.
    """
    texts = [
        b.get("text", "")
        for b in _last_user_content(body)
        if b.get("type") == "text" and not b.get("text", "").lstrip().startswith("<")
    ]
    return texts[-1].strip() if texts else ""


def conversation_length(body: Body) -> int:
    """The number of user and assistant messages (Claude Code adds role "system" ones, not counted)."""
    return sum(1 for m in body.get("messages") or [] if m.get("role") in ("user", "assistant"))


def _tool_result(body: Body) -> Block | None:
    """The first tool_result block of the last user message, if any."""
    return next((b for b in _last_user_content(body) if b.get("type") == "tool_result"), None)


def _tool_result_text(block: Block) -> str:
    """The text carried by a tool_result block (string or list of text blocks)."""
    content = block.get("content")
    if isinstance(content, list):
        return "\n".join(c.get("text", "") for c in content if isinstance(c, dict) and c.get("type") == "text")
    return str(content or "")


def _text(text: str) -> Block:
    """A text content block."""
    return {"type": "text", "text": text}


def plan_reply(body: Body) -> Reply:
    """Decide the reply to one Messages API request body."""
    result = _tool_result(body)
    text = caller_text(body)
    if result is not None and not text:  # with the caller's text too, it is the end of an interrupted tool use
        label = "tool error" if result.get("is_error") else "tool said"
        return Reply([_text(f"{label}: {_tool_result_text(result).strip()}")])
    echo = [_text(f"echo[n={conversation_length(body)}]: {text}")]
    match = _DIRECTIVE.search(text)
    if match is None:
        return Reply(echo)
    groups = [g for g in match.groups() if g is not None]
    name, args = groups[0], groups[1:]
    if name == "slow":
        return Reply(echo, chunks=max(1, int(args[0])), delay_s=int(args[1]) / 1000)
    if name == "hang":
        return Reply(echo, fault="hang")
    if name == "status":
        return Reply(status=int(args[0]))
    if name == "cut":
        return Reply(echo, chunks=4, fault="cut")
    if name == "blocks":
        return Reply([_text(f"block {i}") for i in range(1, int(args[0]) + 1)])
    if name == "cost":
        return Reply(echo, cost_usd=float(args[0]))
    if name == "model":
        return Reply([_text(f"model: {body.get('model')}")])
    rest = text[match.end() :].strip()
    if name == "iris":
        return _iris_tool_use(body, args[0], rest)
    if name == "json":
        return _structured(body, rest)
    tool_input = {"file_path": rest} if name == "read" else {"command": rest, "description": "run"}
    return Reply([_tool_use("Read" if name == "read" else "Bash", tool_input)], stop_reason="tool_use")


def _tool_use(name: str, tool_input: dict[str, Any]) -> Block:
    """A tool_use content block."""
    return {"type": "tool_use", "id": f"toolu_{uuid.uuid4().hex[:24]}", "name": name, "input": tool_input}


def _iris_tool_use(body: Body, tool: str, rest: str) -> Reply:
    """A tool_use of Iris's MCP tool `tool` with the JSON object `rest`, when the request offers the tool."""
    name = f"mcp__iris__{tool}"
    offered = {t.get("name") for t in body.get("tools") or [] if isinstance(t, dict)}
    if name not in offered:
        return Reply([_text(f"not offered: {name}")])
    try:
        tool_input = json.loads(rest)
    except ValueError:
        tool_input = None
    if not isinstance(tool_input, dict):
        return Reply([_text(f"not a JSON object: {rest[:200]}")])
    return Reply([_tool_use(name, tool_input)], stop_reason="tool_use")


def _structured(body: Body, rest: str) -> Reply:
    """The structured answer `rest`: a `StructuredOutput` tool use when the request offers it, else the text."""
    offered = {t.get("name") for t in body.get("tools") or [] if isinstance(t, dict)}
    try:
        value = json.loads(rest)
    except ValueError:
        value = None
    if "StructuredOutput" not in offered or not isinstance(value, dict):
        return Reply([_text(rest)])
    return Reply([_tool_use("StructuredOutput", value)], stop_reason="tool_use")


def output_tokens_costing(cost_usd: float, model: str | None) -> int:
    """How many output tokens of `model` Claude Code counts as costing `cost_usd`."""
    name = (model or "").lower()
    price = next(per_token for part, per_token in OUTPUT_PRICES if part in name)
    return max(1, round(cost_usd / price))


def _estimate_tokens(value: Any) -> int:
    """A deterministic token estimate: about four characters of JSON per token."""
    return max(1, len(json.dumps(value, ensure_ascii=False)) // 4)


def _split(text: str, parts: int) -> list[str]:
    """Split text into ``parts`` contiguous non-empty-where-possible pieces."""
    parts = max(1, min(parts, len(text) or 1))
    step, extra = divmod(len(text), parts)
    pieces, start = [], 0
    for i in range(parts):
        end = start + step + (1 if i < extra else 0)
        pieces.append(text[start:end])
        start = end
    return pieces


def _sse(event: dict[str, Any]) -> bytes:
    """One server-sent event in the Messages API framing."""
    return f"event: {event['type']}\ndata: {json.dumps(event, ensure_ascii=False)}\n\n".encode()


def _error_body(status: int) -> dict[str, Any]:
    """The Anthropic error JSON for an HTTP status."""
    kind = _ERROR_TYPES.get(status, "api_error")
    return {"type": "error", "error": {"type": kind, "message": f"stand-in error {status}"}}


class _QuietDrops(logging.Filter):
    """Hides uvicorn's traceback for connections the stand-in drops on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep the record unless its exception is (or wraps) a deliberate drop."""
        exc = record.exc_info[1] if record.exc_info else None
        while exc is not None:
            if isinstance(exc, _DropConnection):
                return False
            if isinstance(exc, BaseExceptionGroup):
                if any(isinstance(e, _DropConnection) for e in exc.exceptions):
                    return False
                exc = exc.exceptions[0] if exc.exceptions else None
            else:
                exc = exc.__cause__ or exc.__context__
        return True


_QUIET_DROPS = _QuietDrops()


class ModelStandIn:
    """A local Anthropic Messages API stand-in running in a background thread."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        """Prepare (but do not start) a stand-in bound to ``host``."""
        self.host = host
        self.requests: list[Body] = []
        self.paths: list[str] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._stopped = asyncio.Event()  # the same signal, for coroutines on the server's loop
        self._loop: asyncio.AbstractEventLoop | None = None
        self._port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """The URL to put in ANTHROPIC_BASE_URL."""
        return f"http://{self.host}:{self._port}"

    def env(self) -> dict[str, str]:
        """Environment variables that point Claude Code at this stand-in and keep it offline and quiet."""
        return {
            "ANTHROPIC_BASE_URL": self.base_url,
            "ANTHROPIC_API_KEY": "test-key",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            "CLAUDE_CODE_MAX_RETRIES": "1",
            "DISABLE_AUTOUPDATER": "1",
            "DISABLE_TELEMETRY": "1",
            "DISABLE_ERROR_REPORTING": "1",
            "DISABLE_BUG_COMMAND": "1",
            "DISABLE_COST_WARNINGS": "1",
            "CLAUDE_CODE_DISABLE_TERMINAL_TITLE": "1",
        }

    def start(self) -> ModelStandIn:
        """Bind a free port, serve in a daemon thread, and return once connections are accepted."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # asyncio: TCP_NODELAY
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, 0))
        self._port = sock.getsockname()[1]
        config = uvicorn.Config(
            self._app(),
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        logging.getLogger("uvicorn.error").addFilter(_QUIET_DROPS)  # adding the same filter twice is a no-op
        self._server = uvicorn.Server(config)
        self._stopping.clear()
        self._stopped = asyncio.Event()
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="model-standin", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("model stand-in failed to start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        """Stop serving, dropping any hanging responses; returns within about two seconds."""
        if self._server is None or self._thread is None:
            return
        self._stopping.set()
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._stopped.set)
        self._server.should_exit = True
        self._thread.join(timeout=1.0)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(timeout=1.0)
        self._server = self._thread = self._loop = None

    def clear(self) -> None:
        """Forget the recorded requests and paths (for a stand-in shared between tests)."""
        with self._lock:
            self.requests.clear()
            self.paths.clear()

    def __enter__(self) -> ModelStandIn:
        """Start the stand-in."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the stand-in."""
        self.stop()

    def _app(self) -> Litestar:
        """The Litestar application serving the Messages API routes."""

        @post("/v1/messages", status_code=200)
        async def messages(request: Request[Any, Any, Any]) -> Response[Any]:
            """Answer a Messages API request as its directives say."""
            body: Body = await request.json()
            with self._lock:
                self.paths.append(f"POST {request.url.path}")
                self.requests.append(body)
            reply = plan_reply(body)
            if reply.status != 200:
                return Response(_error_body(reply.status), status_code=reply.status)
            if body.get("stream"):
                headers = {"cache-control": "no-cache", "request-id": f"req_{uuid.uuid4().hex[:24]}"}
                return Stream(self._events(body, reply), media_type="text/event-stream", headers=headers)
            if reply.fault:
                return Stream(self._broken_json(body, reply), media_type="application/json")
            return Response(self._message(body, reply))

        @post("/v1/messages/count_tokens", status_code=200)
        async def count_tokens(request: Request[Any, Any, Any]) -> dict[str, int]:
            """Estimate input tokens for a request."""
            body: Body = await request.json()
            with self._lock:
                self.paths.append(f"POST {request.url.path}")
            return {"input_tokens": _estimate_tokens([body.get("system"), body.get("messages"), body.get("tools")])}

        @route("/{rest:path}", http_method=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"], status_code=404)
        async def anything_else(request: Request[Any, Any, Any], rest: str) -> Response[Any]:
            """Log and refuse any other endpoint with a 404 error body."""
            with self._lock:
                self.paths.append(f"{request.method} {request.url.path}")
            return Response(_error_body(404), status_code=404)

        return Litestar([messages, count_tokens, anything_else], openapi_config=None, logging_config=None)

    def _message(self, body: Body, reply: Reply) -> dict[str, Any]:
        """The complete (non-streaming) message for a reply."""
        return {
            "id": f"msg_{uuid.uuid4().hex[:24]}",
            "type": "message",
            "role": "assistant",
            "model": body.get("model", "stand-in"),
            "content": reply.blocks,
            "stop_reason": reply.stop_reason,
            "stop_sequence": None,
            "usage": self._usage(body, output_tokens=_output_tokens(body, reply), reply=reply),
        }

    @staticmethod
    def _usage(body: Body, output_tokens: int, reply: Reply | None = None) -> dict[str, int]:
        """A usage record with estimated input tokens (none for a reply that sets its cost)."""
        priced = reply is not None and reply.cost_usd is not None
        return {
            "input_tokens": 0 if priced else _estimate_tokens([body.get("system"), body.get("messages")]),
            "output_tokens": output_tokens,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        }

    async def _until_stopped(self) -> None:
        """Wait until the stand-in stops (a client disconnect cancels the wait), then drop the connection."""
        self._loop = asyncio.get_running_loop()
        if not self._stopping.is_set():
            await self._stopped.wait()
        raise _DropConnection

    async def _broken_json(self, body: Body, reply: Reply) -> AsyncIterator[bytes]:
        """A non-streaming body that hangs, or breaks off halfway (``#cut``)."""
        if reply.fault == "cut":
            data = json.dumps(self._message(body, reply)).encode()
            yield data[: len(data) // 2]
            raise _DropConnection
        await self._until_stopped()
        yield b""  # unreachable; makes this an async generator

    async def _events(self, body: Body, reply: Reply) -> AsyncIterator[bytes]:
        """The server-sent events that stream a reply, faults included."""
        start = self._message(body, reply)
        start.update(content=[], stop_reason=None, usage=self._usage(body, output_tokens=1, reply=reply))
        yield _sse({"type": "message_start", "message": start})
        yield _sse({"type": "ping"})
        sent = 0
        for index, block in enumerate(reply.blocks):
            for event in _block_events(index, block, reply.chunks):
                if event["type"] == "content_block_delta":
                    if reply.fault == "cut" and sent == 2:
                        await asyncio.sleep(_CUT_PAUSE_S)  # let the client see the deltas before the drop
                        raise _DropConnection
                    if sent and reply.delay_s:
                        await asyncio.sleep(reply.delay_s)
                    sent += 1
                yield _sse(event)
                if reply.fault == "hang" and event["type"] == "content_block_start":
                    await self._until_stopped()
        if reply.fault == "cut":
            raise _DropConnection
        delta = {"stop_reason": reply.stop_reason, "stop_sequence": None}
        yield _sse({"type": "message_delta", "delta": delta, "usage": {"output_tokens": _output_tokens(body, reply)}})
        yield _sse({"type": "message_stop"})


def _output_tokens(body: Body, reply: Reply) -> int:
    """The output tokens a reply reports: what costs its `cost_usd`, else an estimate from its blocks."""
    if reply.cost_usd is not None:
        return output_tokens_costing(reply.cost_usd, body.get("model"))
    return _estimate_tokens(reply.blocks)


def _block_events(index: int, block: Block, chunks: int) -> Iterator[dict[str, Any]]:
    """The start, delta and stop events for one content block."""
    if block["type"] == "tool_use":
        yield {"type": "content_block_start", "index": index, "content_block": {**block, "input": {}}}
        for piece in _split(json.dumps(block["input"]), chunks):
            yield {
                "type": "content_block_delta",
                "index": index,
                "delta": {"type": "input_json_delta", "partial_json": piece},
            }
    else:
        yield {"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}}
        for piece in _split(block["text"], chunks):
            yield {"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": piece}}
    yield {"type": "content_block_stop", "index": index}

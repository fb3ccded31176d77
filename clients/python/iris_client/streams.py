"""Iris streams: a streamed tell and event subscriptions, over Server-Sent Events and the WebSocket.

Hand-written (everything else in `iris_client` is generated from openapi/iris.yaml; scripts/gen.py
never touches this file). Every event is the envelope ``{"event": NAME, "data": {...}}``; here it
becomes a `StreamEvent` whose ``data`` is the generated model of that event (`TellChunk`, ...).

SSE (sync and async, on the generated client's httpx clients):

- `tell_stream` / `atell_stream` - ``POST /api/teams/tell/stream``: ``tell:accepted``, ``tell:chunk``...,
  then one ``tell:complete`` or ``tell:error``, after which the iterator ends.
- `subscribe` / `asubscribe` - ``GET /api/events``: session, team and system events, and the server's
  log records (``logs=<level>``: ``log:record``), for as long as you iterate. A dropped connection is
  reopened by itself with ``Last-Event-ID`` (the id of the last session event seen), so the server
  replays what was missed, or sends ``reset``. Log records are not replayed (``GET /api/logs`` has them).

WebSocket (async): `IrisWebSocket` - subscriptions and ``tell:start`` on one connection at ``/ws``.
When the connection drops it reconnects by itself, authenticates again and re-subscribes, each
session with ``afterSeq`` = the last sequence number seen, so nothing is lost in between (log records,
``logs:subscribe``, are re-subscribed at their level but not replayed).

Errors: an answer in the contract's ``Error`` shape raises `IrisApiError` (``.error`` is the
generated `Error` model); ``tell:error`` and stream ``error`` events raise `IrisStreamError` from
the tell helpers. `unwrap` applies the same rule to the generated operations' responses.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import httpx

from .client import AuthenticatedClient, Client
from .models.budget_reached import BudgetReached
from .models.cache_message import CacheMessage
from .models.error import Error
from .models.health_check import HealthCheck
from .models.heartbeat import Heartbeat
from .models.log_record import LogRecord
from .models.permission_request import PermissionRequest
from .models.permission_resolved import PermissionResolved
from .models.process_error import ProcessError
from .models.process_spawned import ProcessSpawned
from .models.process_terminated import ProcessTerminated
from .models.reset import Reset
from .models.stream_error import StreamError
from .models.tell_accepted import TellAccepted
from .models.tell_chunk import TellChunk
from .models.tell_complete import TellComplete
from .models.tell_error import TellError
from .models.tell_queued import TellQueued
from .models.tell_start_request import TellStartRequest
from .models.tell_started import TellStarted
from .types import Response

__all__ = [
    "EVENT_MODELS",
    "TERMINAL_TELL_EVENTS",
    "EventData",
    "IrisApiError",
    "IrisAuthError",
    "IrisStreamError",
    "IrisWebSocket",
    "SSEDecoder",
    "StreamEvent",
    "asubscribe",
    "atell_stream",
    "parse_event",
    "subscribe",
    "tell_stream",
    "unwrap",
    "websocket_url",
]

EventData = (
    TellAccepted
    | TellQueued
    | TellStarted
    | TellChunk
    | TellComplete
    | TellError
    | CacheMessage
    | ProcessSpawned
    | ProcessTerminated
    | ProcessError
    | HealthCheck
    | BudgetReached
    | PermissionRequest
    | PermissionResolved
    | LogRecord
    | Reset
    | StreamError
    | Heartbeat
)

EVENT_MODELS: dict[str, Any] = {
    "tell:accepted": TellAccepted,
    "tell:queued": TellQueued,
    "tell:started": TellStarted,
    "tell:chunk": TellChunk,
    "tell:complete": TellComplete,
    "tell:error": TellError,
    "cache:message": CacheMessage,
    "process:spawned": ProcessSpawned,
    "process:terminated": ProcessTerminated,
    "process:error": ProcessError,
    "health:check": HealthCheck,
    "budget:reached": BudgetReached,
    "permission:request": PermissionRequest,
    "permission:resolved": PermissionResolved,
    "log:record": LogRecord,
    "reset": Reset,
    "error": StreamError,
    "heartbeat": Heartbeat,
}
"""Event name -> the generated model of its data (the contract's `ServerEvent` mapping)."""

TERMINAL_TELL_EVENTS = frozenset({"tell:complete", "tell:error"})
AnyClient = AuthenticatedClient | Client
T = TypeVar("T")


# ----------------------------------------------------------------------------- events and errors


@dataclass(frozen=True)
class StreamEvent:
    """One server event: its name, its data as the generated model, and (SSE) its id."""

    event: str
    data: EventData | dict[str, Any]
    """The generated model of this event (see `EVENT_MODELS`); a plain dict for an event this client does not know."""
    raw: dict[str, Any] = field(repr=False)
    """The event's data exactly as received."""
    id: str | None = None
    """The SSE id, ``<sessionId>:<seq>`` for session events (None over the WebSocket)."""

    @property
    def seq(self) -> int | None:
        """The session sequence number, for session events."""
        value = self.raw.get("seq")
        return value if isinstance(value, int) else None

    @property
    def session_id(self) -> str | None:
        value = self.raw.get("sessionId")
        return value if isinstance(value, str) else None

    @property
    def request_id(self) -> str | None:
        value = self.raw.get("requestId")
        return value if isinstance(value, str) else None


def parse_event(envelope: Mapping[str, Any], event_id: str | None = None) -> StreamEvent:
    """A `StreamEvent` from a ``{"event": NAME, "data": {...}}`` envelope."""
    name = envelope.get("event")
    if not isinstance(name, str):
        raise ValueError(f"not an Iris event envelope: {dict(envelope)!r}")
    raw = envelope.get("data")
    raw = dict(raw) if isinstance(raw, Mapping) else {}
    model = EVENT_MODELS.get(name)
    data: EventData | dict[str, Any] = raw
    if model is not None:
        try:
            data = model.from_dict(raw)
        except (KeyError, ValueError, TypeError):
            data = raw  # a newer server's shape: keep the raw data rather than fail the stream
    return StreamEvent(event=name, data=data, raw=raw, id=event_id)


class IrisApiError(Exception):
    """The server answered with the contract's `Error` shape (or another non-2xx status)."""

    def __init__(self, status_code: int, error: Error | None, body: bytes = b"") -> None:
        self.status_code = status_code
        self.error = error
        self.body = body
        text = f"{error.error.value}: {error.message}" if error else body.decode(errors="replace")[:200]
        super().__init__(f"HTTP {status_code} {text}")

    @property
    def name(self) -> str | None:
        """The error class name (``ForbiddenError``, ``TeamNotFoundError``, ...)."""
        return self.error.error.value if self.error else None

    @property
    def details(self) -> dict[str, Any]:
        if self.error is None or not self.error.details:
            return {}
        return dict(self.error.details.to_dict())

    @classmethod
    def from_body(cls, status_code: int, body: bytes) -> IrisApiError:
        try:
            error: Error | None = Error.from_dict(json.loads(body))
        except (ValueError, KeyError, TypeError):
            error = None
        return cls(status_code, error, body)


class IrisAuthError(IrisApiError):
    """The WebSocket was closed with 4401: no, invalid, revoked or expired key."""


class IrisStreamError(Exception):
    """A ``tell:error`` or stream ``error`` event ended a tell, or its stream broke before the end."""

    def __init__(self, message: str, event: StreamEvent | None = None) -> None:
        self.event = event
        super().__init__(message)


def unwrap(response: Response[T | Error]) -> T:
    """The parsed body of a generated operation's `Response`; raises `IrisApiError` for any error answer."""
    parsed = response.parsed
    if isinstance(parsed, Error):
        raise IrisApiError(int(response.status_code), parsed, response.content)
    if int(response.status_code) >= 400 or parsed is None:
        raise IrisApiError.from_body(int(response.status_code), response.content)
    return parsed


# ----------------------------------------------------------------------------- SSE


@dataclass
class SSEMessage:
    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """An incremental Server-Sent Events parser (the WHATWG rules: fields, comments, blank-line dispatch)."""

    def __init__(self) -> None:
        self._event = ""
        self._data: list[str] = []
        self._id: str | None = None
        self._retry: int | None = None

    def feed(self, line: str) -> SSEMessage | None:
        """Feed one line (without its end of line); returns a message when a blank line completes one."""
        if not line:
            if not self._data and not self._event:
                self._id = self._retry = None
                return None
            message = SSEMessage(self._event or "message", "\n".join(self._data), self._id, self._retry)
            self._event, self._data, self._id, self._retry = "", [], None, None
            return message
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        elif name == "id" and "\0" not in value:
            self._id = value
        elif name == "retry" and value.isdigit():
            self._retry = int(value)
        return None


def _to_event(message: SSEMessage) -> StreamEvent | None:
    if not message.data:
        return None
    try:
        envelope = json.loads(message.data)
    except ValueError:
        return None
    if isinstance(envelope, dict) and "event" in envelope:
        return parse_event(envelope, message.id)
    # A bare data payload: the SSE event name is the event name.
    return parse_event({"event": message.event, "data": envelope}, message.id)


def _tell_body(body: TellStartRequest | Mapping[str, Any]) -> dict[str, Any]:
    return body.to_dict() if isinstance(body, TellStartRequest) else dict(body)


def _events_params(session: str | None, team: str | None, system: bool, logs: str | None) -> dict[str, str]:
    params: dict[str, str] = {}
    if session:
        params["session"] = str(session)
    if team:
        params["team"] = team
    if system:
        params["system"] = "true"
    if logs:
        params["logs"] = logs
    if not params:
        raise ValueError("subscribe to at least one of session, team, system or logs")
    return params


_SSE_HEADERS = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_TELL_TIMEOUT = httpx.Timeout(10.0, read=None)
"""A tell may think for minutes between chunks: no read timeout by default."""


def _retry_after(response: httpx.Response, default: float) -> float:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else default


def tell_stream(
    client: AnyClient,
    body: TellStartRequest | Mapping[str, Any],
    *,
    timeout: httpx.Timeout | float | None = _TELL_TIMEOUT,
) -> Iterator[StreamEvent]:
    """Send a tell and yield its events as they arrive, ending after ``tell:complete`` or ``tell:error``.

    Raises `IrisApiError` when the tell is refused (validation, auth, unknown team, full queue ...).
    Closing the iterator early does not cancel the tell on the server. ``timeout``: connect and write
    10 s, no read timeout (pass an `httpx.Timeout` to bound the wait between events).
    """
    http = client.get_httpx_client()
    headers = dict(_SSE_HEADERS)
    with http.stream("POST", "/api/teams/tell/stream", json=_tell_body(body), headers=headers, timeout=timeout) as r:
        if r.status_code >= 400:
            raise IrisApiError.from_body(r.status_code, r.read())
        decoder = SSEDecoder()
        for line in r.iter_lines():
            message = decoder.feed(line)
            event = _to_event(message) if message else None
            if event is None:
                continue
            yield event
            if event.event in TERMINAL_TELL_EVENTS:
                return
    raise IrisStreamError("the tell stream ended before tell:complete or tell:error")


async def atell_stream(
    client: AnyClient,
    body: TellStartRequest | Mapping[str, Any],
    *,
    timeout: httpx.Timeout | float | None = _TELL_TIMEOUT,
) -> AsyncIterator[StreamEvent]:
    """`tell_stream` for asyncio."""
    http = client.get_async_httpx_client()
    headers = dict(_SSE_HEADERS)
    async with http.stream(
        "POST", "/api/teams/tell/stream", json=_tell_body(body), headers=headers, timeout=timeout
    ) as r:
        if r.status_code >= 400:
            raise IrisApiError.from_body(r.status_code, await r.aread())
        decoder = SSEDecoder()
        async for line in r.aiter_lines():
            message = decoder.feed(line)
            event = _to_event(message) if message else None
            if event is None:
                continue
            yield event
            if event.event in TERMINAL_TELL_EVENTS:
                return
    raise IrisStreamError("the tell stream ended before tell:complete or tell:error")


def _backoff(base: float, failures: int) -> float:
    """The delay before attempt number `failures` + 1: base, doubling, at most 30 s."""
    return float(min(base * 2.0 ** min(failures - 1, 5), 30.0))


@dataclass
class _Resume:
    """The state a subscription carries across reconnects."""

    last_event_id: str | None
    retry_delay: float
    max_retries: int | None
    failures: int = 0
    connected_once: bool = False

    def headers(self) -> dict[str, str]:
        headers = dict(_SSE_HEADERS)
        if self.last_event_id:
            headers["Last-Event-ID"] = self.last_event_id
        return headers

    def seen(self, event: StreamEvent) -> None:
        if event.id:
            self.last_event_id = event.id
        self.failures = 0

    def next_delay(self, error: BaseException) -> float:
        """Count a failure; the delay before the next attempt (raise `error` when out of retries)."""
        self.failures += 1
        if self.max_retries is not None and self.failures > self.max_retries:
            raise error
        return _backoff(self.retry_delay, self.failures)


_RECOVERABLE = (httpx.TransportError, IrisStreamError)


def subscribe(
    client: AnyClient,
    *,
    session: str | None = None,
    team: str | None = None,
    system: bool = False,
    logs: str | None = None,
    last_event_id: str | None = None,
    retry_delay: float = 0.5,
    max_retries: int | None = None,
    read_timeout: float = 45.0,
) -> Iterator[StreamEvent]:
    """Yield the live events of a session, a team, the system and/or the server's log records at or above the
    level ``logs`` (``GET /api/events``; the logs need ``debug:read``) until closed.

    A dropped connection is reopened after ``retry_delay`` (doubling on repeated failures), with
    ``Last-Event-ID`` set to the id of the last session event seen (or ``last_event_id`` at first),
    so missed session events are replayed (or a ``reset`` event says re-read the cache). No event for
    ``read_timeout`` seconds (the server sends a heartbeat every 15 s) counts as a dropped connection.
    401, 403, 404 and 400 raise `IrisApiError` at once; ``max_retries`` consecutive failures (default
    unlimited) re-raise the last error.
    """
    params = _events_params(session, team, system, logs)
    state = _Resume(last_event_id, retry_delay, max_retries)
    http = client.get_httpx_client()
    timeout = httpx.Timeout(10.0, read=read_timeout)
    while True:
        try:
            with http.stream("GET", "/api/events", params=params, headers=state.headers(), timeout=timeout) as r:
                if r.status_code >= 400:
                    error = IrisApiError.from_body(r.status_code, r.read())
                    if r.status_code not in _RETRY_STATUSES:
                        raise error
                    time.sleep(max(_retry_after(r, 0), state.next_delay(error)))
                    continue
                decoder = SSEDecoder()
                for line in r.iter_lines():
                    message = decoder.feed(line)
                    if message and message.retry is not None:
                        state.retry_delay = message.retry / 1000
                    event = _to_event(message) if message else None
                    if event is not None:
                        state.seen(event)
                        yield event
            raise IrisStreamError("the event stream ended")
        except _RECOVERABLE as error:
            time.sleep(state.next_delay(error))


async def asubscribe(
    client: AnyClient,
    *,
    session: str | None = None,
    team: str | None = None,
    system: bool = False,
    logs: str | None = None,
    last_event_id: str | None = None,
    retry_delay: float = 0.5,
    max_retries: int | None = None,
    read_timeout: float = 45.0,
) -> AsyncIterator[StreamEvent]:
    """`subscribe` for asyncio."""
    params = _events_params(session, team, system, logs)
    state = _Resume(last_event_id, retry_delay, max_retries)
    http = client.get_async_httpx_client()
    timeout = httpx.Timeout(10.0, read=read_timeout)
    while True:
        try:
            async with http.stream("GET", "/api/events", params=params, headers=state.headers(), timeout=timeout) as r:
                if r.status_code >= 400:
                    error = IrisApiError.from_body(r.status_code, await r.aread())
                    if r.status_code not in _RETRY_STATUSES:
                        raise error
                    await asyncio.sleep(max(_retry_after(r, 0), state.next_delay(error)))
                    continue
                decoder = SSEDecoder()
                async for line in r.aiter_lines():
                    message = decoder.feed(line)
                    if message and message.retry is not None:
                        state.retry_delay = message.retry / 1000
                    event = _to_event(message) if message else None
                    if event is not None:
                        state.seen(event)
                        yield event
            raise IrisStreamError("the event stream ended")
        except _RECOVERABLE as error:
            await asyncio.sleep(state.next_delay(error))


# ----------------------------------------------------------------------------- WebSocket


def websocket_url(base_url: str) -> str:
    """``http://host:port`` -> ``ws://host:port/ws`` (https -> wss)."""
    parts = urlsplit(base_url)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    return urlunsplit((scheme, parts.netloc, parts.path.rstrip("/") + "/ws", "", ""))


class _TellWaiter:
    """One tell:start: waiting for its tell:accepted, then for its events."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body
        self.request_id: str | None = None
        self.session_id: str | None = None
        self.queue: asyncio.Queue[StreamEvent | BaseException] = asyncio.Queue()


_CLOSED = object()


class IrisWebSocket:
    """One WebSocket connection to ``/ws`` that re-establishes itself and its subscriptions.

    ::

        async with IrisWebSocket.connect(client) as ws:
            async for event in ws.tell({"toTeam": "alpha", "message": "hi"}):
                ...
            await ws.subscribe_session(session_id)
            async for event in ws:            # everything subscribed to
                ...

    Authentication: the ``Authorization`` header on the upgrade request (``auth="header"``), or the
    first message ``{"event": "auth", ...}`` as browsers must (``auth="message"``). Close code 4401
    raises `IrisAuthError` and is never retried. Any other drop reconnects after ``retry_delay``
    (doubling up to 30 s, at most ``max_retries`` times in a row; None - forever): the subscriptions
    are sent again, sessions with ``afterSeq`` = the last seq seen, and tells already accepted go on
    (their session is re-subscribed from its last seq). A tell:start that was not yet accepted when
    the connection broke raises `IrisStreamError` (it is not re-sent: it may have been received).
    """

    def __init__(
        self,
        url: str,
        token: str | None,
        *,
        auth: str = "header",
        retry_delay: float = 0.5,
        max_retries: int | None = 10,
        open_timeout: float = 10.0,
    ) -> None:
        if auth not in ("header", "message"):
            raise ValueError("auth must be 'header' or 'message'")
        self.url = url
        self.token = token
        self.auth = auth
        self.retry_delay = retry_delay
        self.max_retries = max_retries
        self.open_timeout = open_timeout
        self.sessions: dict[str, int | None] = {}
        """Subscribed sessions -> the last seq seen (sent as afterSeq on reconnect)."""
        self.teams: set[str] = set()
        self.system = False
        self.logs: str | None = None
        """The minimum level of the log records followed (``logs:subscribe``), if any."""
        self.reconnects = 0
        self._ws: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._events: asyncio.Queue[Any] = asyncio.Queue()
        self._pending: deque[_TellWaiter] = deque()
        self._tells: dict[str, _TellWaiter] = {}
        self._tell_sessions: dict[str, int | None] = {}
        self._closing = False
        self._connected = asyncio.Event()
        self._failure: BaseException | None = None
        self._send_lock = asyncio.Lock()

    @classmethod
    def connect(cls, client: AnyClient | str, token: str | None = None, **options: Any) -> IrisWebSocket:
        """An `IrisWebSocket` for a generated client (its base URL and token) or a base URL and token.

        Use it as ``async with``, or call ``await ws.open()`` and ``await ws.close()``.
        """
        if isinstance(client, str):
            return cls(websocket_url(client), token, **options)
        base = client._base_url  # (read without creating an httpx client)
        key = token if token is not None else getattr(client, "token", None)
        return cls(websocket_url(base), key, **options)

    async def __aenter__(self) -> IrisWebSocket:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # connection

    async def _dial(self) -> Any:
        from websockets.asyncio.client import connect

        headers = {"Authorization": f"Bearer {self.token}"} if self.token and self.auth == "header" else None
        ws = await connect(self.url, additional_headers=headers, open_timeout=self.open_timeout, max_size=None)
        if self.token and self.auth == "message":
            await ws.send(json.dumps({"event": "auth", "data": {"token": self.token}}))
        return ws

    async def open(self) -> None:
        """Connect. A refused upgrade (HTTP 401/403) raises `IrisApiError`; a 4401 close surfaces on the next read."""
        from websockets.exceptions import InvalidStatus

        try:
            self._ws = await self._dial()
        except InvalidStatus as error:
            raise IrisApiError.from_body(error.response.status_code, bytes(error.response.body or b"")) from None
        self._connected.set()
        self._reader = asyncio.create_task(self._read_forever(), name="iris-ws-reader")

    async def close(self) -> None:
        self._closing = True
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
        self._fail_all(IrisStreamError("the WebSocket was closed"))
        self._events.put_nowait(_CLOSED)

    async def send(self, event: str, data: Mapping[str, Any] | None = None) -> None:
        """Send one client message ``{"event": event, "data": data}`` (see the contract's ClientMessage)."""
        message: dict[str, Any] = {"event": event}
        if data is not None:
            message["data"] = dict(data)
        await self._send(message)

    async def _send(self, message: dict[str, Any]) -> None:
        if self._failure is not None:
            raise self._failure
        await self._connected.wait()
        async with self._send_lock:
            await self._ws.send(json.dumps(message))

    async def _resubscribe(self) -> None:
        for session, seq in {**self._tell_sessions, **self.sessions}.items():
            data: dict[str, Any] = {"sessionId": session}
            if seq is not None:
                data["afterSeq"] = seq
            await self._ws.send(json.dumps({"event": "cache:subscribe", "data": data}))
        for team in sorted(self.teams):
            await self._ws.send(json.dumps({"event": "process:subscribe", "data": {"team": team}}))
        if self.system:
            await self._ws.send(json.dumps({"event": "system:subscribe", "data": {}}))
        if self.logs:
            await self._ws.send(json.dumps({"event": "logs:subscribe", "data": {"level": self.logs}}))

    async def _read_forever(self) -> None:
        from websockets.exceptions import ConnectionClosed, InvalidStatus

        failures = 0
        while not self._closing:
            try:
                async for text in self._ws:
                    failures = 0
                    self._dispatch(text)
                raise ConnectionClosed(self._ws.close_rcvd, self._ws.close_sent)
            except ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd is not None else None
                if self._closing:
                    return
                if code == 4401:
                    reason = closed.rcvd.reason if closed.rcvd is not None else ""
                    self._fatal(IrisAuthError(401, None, (reason or "not authenticated").encode()))
                    return
            except asyncio.CancelledError:
                raise
            except Exception:  # a broken frame or socket: reconnect like a close
                if self._closing:
                    return
            # Reconnect.
            self._connected.clear()
            self._fail_pending(IrisStreamError("the WebSocket dropped before tell:accepted"))
            while not self._closing:
                failures += 1
                if self.max_retries is not None and failures > self.max_retries:
                    self._fatal(IrisStreamError(f"the WebSocket could not reconnect after {failures - 1} attempts"))
                    return
                await asyncio.sleep(_backoff(self.retry_delay, failures))
                try:
                    self._ws = await self._dial()
                    await self._resubscribe()
                except InvalidStatus as error:
                    if error.response.status_code in (401, 403):
                        body = bytes(error.response.body or b"")
                        self._fatal(IrisApiError.from_body(error.response.status_code, body))
                        return
                    continue
                except (OSError, TimeoutError, ConnectionClosed):
                    continue
                self.reconnects += 1
                self._connected.set()
                break

    def _fatal(self, error: BaseException) -> None:
        self._failure = error
        self._connected.set()  # wake senders so that they raise
        self._fail_all(error)
        self._events.put_nowait(error)

    def _fail_pending(self, error: BaseException) -> None:
        while self._pending:
            self._pending.popleft().queue.put_nowait(error)

    def _fail_all(self, error: BaseException) -> None:
        self._fail_pending(error)
        for waiter in self._tells.values():
            waiter.queue.put_nowait(error)
        self._tells.clear()
        self._tell_sessions.clear()

    def _dispatch(self, text: str | bytes) -> None:
        try:
            envelope = json.loads(text)
            event = parse_event(envelope)
        except ValueError:
            return
        session, seq = event.session_id, event.seq
        if session is not None and seq is not None:
            if session in self.sessions:
                self.sessions[session] = max(seq, self.sessions[session] or 0)
            if session in self._tell_sessions:
                self._tell_sessions[session] = max(seq, self._tell_sessions[session] or 0)
        if event.event == "tell:accepted" and self._pending:
            waiter = self._pending.popleft()
            waiter.request_id, waiter.session_id = event.request_id, event.session_id
            if waiter.request_id:
                self._tells[waiter.request_id] = waiter
            if waiter.session_id and waiter.session_id not in self._tell_sessions:
                self._tell_sessions[waiter.session_id] = seq
            waiter.queue.put_nowait(event)
            return
        if event.event == "error" and self._pending:
            # The server answers messages in order: an error while a tell:start awaits acceptance is its refusal.
            self._pending.popleft().queue.put_nowait(event)
            return
        owner = self._tells.get(event.request_id or "")
        if owner is not None:
            owner.queue.put_nowait(event)
            if event.event in TERMINAL_TELL_EVENTS:
                del self._tells[event.request_id or ""]
                if owner.session_id and not any(w.session_id == owner.session_id for w in self._tells.values()):
                    self._tell_sessions.pop(owner.session_id, None)
            if not (session and session in self.sessions):
                return
        self._events.put_nowait(event)

    # subscriptions

    async def subscribe_session(self, session_id: str, after_seq: int | None = None) -> None:
        """``cache:subscribe``: the session's events (replaying those after ``after_seq`` when still retained)."""
        session_id = str(session_id)
        self.sessions[session_id] = after_seq
        data: dict[str, Any] = {"sessionId": session_id}
        if after_seq is not None:
            data["afterSeq"] = after_seq
        await self._send({"event": "cache:subscribe", "data": data})

    async def unsubscribe_session(self, session_id: str) -> None:
        self.sessions.pop(str(session_id), None)
        await self._send({"event": "cache:unsubscribe", "data": {"sessionId": str(session_id)}})

    async def subscribe_team(self, team: str) -> None:
        """``process:subscribe``: the team's process and permission events."""
        self.teams.add(team)
        await self._send({"event": "process:subscribe", "data": {"team": team}})

    async def unsubscribe_team(self, team: str) -> None:
        self.teams.discard(team)
        await self._send({"event": "process:unsubscribe", "data": {"team": team}})

    async def subscribe_system(self) -> None:
        """``system:subscribe``: health ticks."""
        self.system = True
        await self._send({"event": "system:subscribe", "data": {}})

    async def unsubscribe_system(self) -> None:
        self.system = False
        await self._send({"event": "system:unsubscribe", "data": {}})

    async def subscribe_logs(self, level: str = "info") -> None:
        """``logs:subscribe``: the server's log records at or above ``level`` (``log:record``; needs ``debug:read``)."""
        self.logs = level
        await self._send({"event": "logs:subscribe", "data": {"level": level}})

    async def unsubscribe_logs(self) -> None:
        self.logs = None
        await self._send({"event": "logs:unsubscribe", "data": {}})

    # tells and events

    async def tell(self, body: TellStartRequest | Mapping[str, Any]) -> AsyncIterator[StreamEvent]:
        """``tell:start``; yields ``tell:accepted`` and the tell's events, ending after ``tell:complete``.

        Raises `IrisStreamError` on ``tell:error`` (after yielding it) or when the server refuses the tell
        (an ``error`` event, e.g. 403 or an unknown team); `IrisAuthError` if the socket is closed 4401.
        """
        waiter = _TellWaiter(_tell_body(body))
        self._pending.append(waiter)
        try:
            await self._send({"event": "tell:start", "data": waiter.body})
        except BaseException:
            with contextlib.suppress(ValueError):
                self._pending.remove(waiter)
            raise
        while True:
            item = await waiter.queue.get()
            if isinstance(item, BaseException):
                raise item
            if item.event == "error" and waiter.request_id is None:
                raise IrisStreamError(f"tell refused: {item.raw.get('error')}: {item.raw.get('message')}", item)
            yield item
            if item.event == "tell:error":
                raise IrisStreamError(f"{item.raw.get('error')}: {item.raw.get('message')}", item)
            if item.event == "tell:complete":
                return

    async def next_event(self, timeout: float | None = None) -> StreamEvent:
        """The next subscribed event (``asyncio.TimeoutError`` after ``timeout`` seconds)."""
        item = await asyncio.wait_for(self._events.get(), timeout)
        if item is _CLOSED:
            self._events.put_nowait(_CLOSED)
            raise StopAsyncIteration
        if isinstance(item, BaseException):
            raise item
        event: StreamEvent = item
        return event

    def __aiter__(self) -> AsyncIterator[StreamEvent]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[StreamEvent]:
        while True:
            try:
                yield await self.next_event()
            except StopAsyncIteration:
                return

"""The WebSocket at `/ws`: rooms per session, team and system, streamed tells, the same events as SSE.

Credentials: `Authorization: Bearer <key>` on the upgrade request, or a first message
`{"event": "auth", "data": {"token": KEY}}` within 5 s; otherwise the socket is closed with 4401. An address
that has used up its failed authentications is refused before its key is looked at (`error` event, close 4429).
The key is checked again with every message, and by the stream layer while the socket is idle: once it is
revoked or expires the socket gets an `error` event and is closed with 4401. An open socket counts against the
key's `api.maxStreamsPerKey` (close 4429 beyond it). Client messages (`ClientMessage`):
`cache:subscribe {sessionId, afterSeq?}` / `cache:unsubscribe`, `process:subscribe {team}` /
`process:unsubscribe`, `system:subscribe` / `system:unsubscribe`, `logs:subscribe {level}` / `logs:unsubscribe`
(`log:record` events, `logs.py`), `tell:start {toTeam, message, fromTeam?,
sessionId?}` (→ `tell:accepted`, `tell:chunk`..., one `tell:complete` or `tell:error`). A refused or invalid
message gets an `error` event naming it in `details.event` (JSON nested too deeply included: the socket stays
open). A client whose queue overflows gets `reset` and the socket is closed with 1013. A browser page from an
origin that is neither this server's nor one of `api.cors.origins` is refused before the socket opens (403).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any
from urllib.parse import urlsplit

import msgspec
from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect

from app.api import models as m
from app.api.auth.access import Identity, bearer_token
from app.api.errors import details_of, error_body, status_of, validation_error
from app.api.models import ErrorName
from app.api.operations import message as operation_message
from app.api.streams.clients import StreamClient
from app.api.streams.layer import StreamLayer
from app.api.streams.rooms import TELL_START, check_logs, check_session, check_system, check_team, start_tell
from app.api.streams.schemas import control_event
from app.engine.events import SYSTEM, team_channel
from app.errors import IrisError, TooManyRequestsError, ValidationError

__all__ = ["CLOSE_SLOW", "CLOSE_TOO_MANY", "CLOSE_UNAUTHENTICATED", "websocket_handler"]

log = logging.getLogger("iris.streams")

CLOSE_UNAUTHENTICATED = 4401
CLOSE_TOO_MANY = 4429
"""The address's failed authentications or the key's concurrent streams are used up (an `error` comes first)."""
CLOSE_SLOW = 1013
"""Try Again Later: the client fell too far behind (it was sent `reset` first)."""

_decode = msgspec.json.Decoder(m.ClientMessage).decode
_FREE = (m.CacheUnsubscribeMessage, m.ProcessUnsubscribeMessage, m.SystemUnsubscribeMessage, m.LogsUnsubscribeMessage)
"""Messages that need no fresh check of the credentials."""


def _error(exc: IrisError, event: str | None) -> dict[str, Any]:
    details = dict(details_of(exc) or {})
    if event:
        details["event"] = event
    data: dict[str, Any] = {"error": exc.name, "message": exc.message, "statusCode": status_of(exc)}
    if details:
        data["details"] = details
    return data


def _parse(raw: str) -> Any:
    """A client message; ValidationError naming what is wrong (however deeply the JSON is nested)."""
    try:
        return _decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise validation_error(exc) from None
    except RecursionError:
        raise ValidationError("body: the JSON is nested too deeply", {"field": "body"}) from None


def _event_name(raw: str) -> str | None:
    """The `event` of a message that failed to decode, when it is readable."""
    try:
        value = msgspec.json.decode(raw)
    except (msgspec.DecodeError, RecursionError):
        return None
    name = value.get("event") if isinstance(value, dict) else None
    return name if isinstance(name, str) and len(name) <= 64 else None


class _Connection:
    def __init__(self, layer: StreamLayer, socket: WebSocket[Any, Any, Any]) -> None:
        self.layer = layer
        self.socket = socket
        self.token: str | None = None
        self.identity: Identity | None = None
        self.client: StreamClient | None = None
        self.address = socket.client.host if socket.client else None

    async def authenticate(self) -> bool:
        """Credentials from the header, or from the first message; False once the socket is closed 4401."""
        access = self.layer.access
        self.token = bearer_token(self.socket.headers.get("authorization"))
        if self.token is None and access.require_auth:
            try:
                async with asyncio.timeout(self.layer.settings.auth_timeout_seconds):
                    raw = await self.socket.receive_text()
            except TimeoutError:
                await self.socket.close(CLOSE_UNAUTHENTICATED, "no credentials within 5 s")
                return False
            try:
                message = _parse(raw)
            except ValidationError:
                message = None
            if not isinstance(message, m.AuthMessage):
                await self.socket.close(CLOSE_UNAUTHENTICATED, "the first message must be auth")
                return False
            self.token = message.data.token
        return await self.refresh()

    async def refresh(self) -> bool:
        """Check the credentials again (a revoked or expired key ends the connection)."""
        try:
            self.identity = await self.layer.access.identify(self.token, self.address)
            if self.client is not None:
                self.layer.rebind(self.client, self.identity, self.address)
        except TooManyRequestsError as exc:  # the address's failed authentications, or the new key's streams
            await self.refuse(exc)
            return False
        except IrisError as exc:  # UnauthorizedError
            if self.client is not None:  # a key that worked until now: say why before closing
                with contextlib.suppress(WebSocketDisconnect, RuntimeError):
                    await self.socket.send_text(control_event("error", _error(exc, None)).text)
            await self.socket.close(CLOSE_UNAUTHENTICATED, exc.message[:120])
            return False
        return True

    async def refuse(self, exc: TooManyRequestsError) -> None:
        """Say why in an `error` event, then close with 4429."""
        details = dict(details_of(exc) or {})
        details.setdefault("retryAfter", 5)
        data: dict[str, Any] = {"error": exc.name, "message": exc.message, "statusCode": status_of(exc)}
        data["details"] = details
        with contextlib.suppress(WebSocketDisconnect, RuntimeError):
            await self.socket.send_text(control_event("error", data).text)
        await self.socket.close(CLOSE_TOO_MANY, exc.message[:120])

    async def send_loop(self, client: StreamClient) -> None:
        async for batch in client.batches():
            for wire in batch:
                await self.socket.send_text(wire.text)
            client.written(batch)
        if client.dropped:
            await self.socket.close(CLOSE_SLOW, "too slow: events were dropped (see the reset event)")
        elif client.ended is not None:
            await self.socket.close(CLOSE_UNAUTHENTICATED, f"the key was {client.ended}")

    async def handle(self, raw: str) -> bool:
        """One client message; False when the connection must end."""
        assert self.client is not None
        try:
            message = _parse(raw)
        except ValidationError as exc:
            self.client.push(control_event("error", _error(exc, _event_name(raw))))
            return True
        if isinstance(message, m.AuthMessage):
            self.token = message.data.token
            return await self.refresh()
        if not isinstance(message, _FREE) and not await self.refresh():
            return False
        name = type(message).__struct_config__.tag
        try:
            await self.dispatch(message)
        except IrisError as exc:
            self.client.push(control_event("error", _error(exc, name if isinstance(name, str) else None)))
        return True

    async def dispatch(self, message: Any) -> None:
        client, identity, engine = self.client, self.identity, self.layer.engine
        assert client is not None and identity is not None
        if isinstance(message, m.CacheSubscribeMessage):
            session = message.data.session_id
            await check_session(engine, identity, session)
            after = message.data.after_seq if isinstance(message.data.after_seq, int) else None
            await client.join_session(str(session), after)
        elif isinstance(message, m.CacheUnsubscribeMessage):
            client.leave_session(str(message.data.session_id))
        elif isinstance(message, m.ProcessSubscribeMessage):
            await client.join(check_team(engine, identity, message.data.team))
        elif isinstance(message, m.ProcessUnsubscribeMessage):
            client.leave(team_channel(message.data.team))
        elif isinstance(message, m.SystemSubscribeMessage):
            await client.join(check_system(identity))
        elif isinstance(message, m.SystemUnsubscribeMessage):
            client.leave(SYSTEM)
        elif isinstance(message, m.LogsSubscribeMessage):
            check_logs(identity)
            self.layer.logs.add(client, message.data.level.value)
        elif isinstance(message, m.LogsUnsubscribeMessage):
            self.layer.logs.remove(client)
        elif isinstance(message, m.TellStartMessage):
            access = self.layer.access
            access.count_tell(identity, self.address)
            started = await start_tell(engine, client, identity, message.data)
            audited = operation_message(TELL_START)
            if audited is not None and audited.audit is not None:
                access.record(
                    audited.audit,
                    identity,
                    self.address,
                    {
                        "via": "websocket",
                        "toTeam": message.data.to_team,
                        "fromTeam": started.from_team,
                        "requestId": started.request_id,
                    },
                )

    async def run(self) -> None:
        await self.socket.accept()
        if not await self.authenticate():
            return
        assert self.identity is not None
        try:
            client = self.client = self.layer.client(identity=self.identity, address=self.address, kind="websocket")
        except TooManyRequestsError as exc:
            await self.refuse(exc)
            return
        sender = asyncio.get_running_loop().create_task(self.send_loop(client), name="iris-ws-send")
        try:
            while True:
                receive = asyncio.ensure_future(self.socket.receive_text())
                done, _ = await asyncio.wait({receive, sender}, return_when=asyncio.FIRST_COMPLETED)
                if receive not in done:
                    receive.cancel()
                    with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect):
                        await receive
                    break
                if not await self.handle(receive.result()):
                    break
        except WebSocketDisconnect:
            pass
        finally:
            self.layer.release(client)
            if not sender.done():
                sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, Exception):
                await sender


def _origin_allowed(socket: WebSocket[Any, Any, Any], origin: str) -> bool:
    """Whether a browser page of `origin` may open the socket: this server's own origin, or an allowed CORS one."""
    if urlsplit(origin).netloc.lower() == socket.headers.get("host", "").lower():
        return True
    cors = socket.app.cors_config
    return cors is not None and cors.is_origin_allowed(origin)


async def _refuse_origin(socket: WebSocket[Any, Any, Any], origin: str) -> None:
    """Refuse the handshake of a page from another origin (403 before it opens), audited `forbidden`."""
    message = f"Origin {origin[:200]} may not open the WebSocket (not this server's origin, not in api.cors.origins)"
    log.warning("WebSocket refused: %s", message)
    auth = socket.app.state.get("auth")
    audit = getattr(auth, "audit", None)
    if audit is not None:
        client = socket.scope.get("client")
        audit.record(
            "forbidden",
            client_address=client[0] if client else None,
            method="GET",
            path=socket.scope["path"],
            status_code=403,
            error=message,
            details={"origin": origin[:200]},
        )
    if "websocket.http.response" not in (socket.scope.get("extensions") or {}):
        await socket.close(1008, "origin not allowed")  # before accept: the server answers the handshake 403
        return
    body = error_body(ErrorName.forbidden_error, message, 403, {"origin": origin[:200]})
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await socket.send({"type": "websocket.http.response.start", "status": 403, "headers": headers})
    await socket.send({"type": "websocket.http.response.body", "body": body, "more_body": False})


@websocket("/ws", opt={"operation": "websocket"})
async def websocket_handler(socket: WebSocket[Any, Any, Any]) -> None:
    """The event stream over a WebSocket (see the module docstring and `x-websocket` in the spec)."""
    layer = socket.app.state.get("streams")
    if not isinstance(layer, StreamLayer):
        await socket.close(1011, "the stream layer is not installed")
        return
    origin = socket.headers.get("origin")
    if origin is not None and not _origin_allowed(socket, origin):
        await _refuse_origin(socket, origin)
        return
    await _Connection(layer, socket).run()

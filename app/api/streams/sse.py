"""Server-Sent Events: `GET /api/events` and `POST /api/teams/tell/stream`.

Each message is `event: NAME`, `id: <sessionId>:<seq>` (session events only) and `data: {"event": NAME,
"data": {...}}`. `GET /api/events` replays what a reconnecting client missed (`Last-Event-ID`) from the
engine's retained events, or sends `reset`; it sends a named `heartbeat` every 15 s and never ends by itself
(except after a `reset` for falling behind). The tell stream ends after the tell's terminal event. Either ends
after an `error` event once its key is revoked or expires (the tell runs on), and each counts against the key's
`api.maxStreamsPerKey` from the moment it is accepted until it ends, however it ends.

On Iris's HTTP protocol (`app.api.server.BODY_WRITER`) a live event for a `GET /api/events` subscriber whose
writer is idle is written to its connection within the bus's pass over the subscribers, with no task switch
per subscriber; the response starts and ends through ASGI, and whatever cannot be written at once (a
connection paused for flow control, something already queued, a replay, any other server) goes through the
writer here, in order.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import Parameter
from litestar.response import Stream

from app.api import models as m
from app.api.auth.scope import require
from app.api.deps import json_body
from app.api.params import TeamQuery
from app.api.routing import operation
from app.api.server import BODY_WRITER
from app.api.streams.clients import StreamClient
from app.api.streams.layer import StreamLayer
from app.api.streams.rooms import (
    SESSION_PERMISSION,
    check_logs,
    check_session,
    check_system,
    check_team,
    start_tell,
)
from app.api.streams.schemas import TERMINAL_EVENTS, WireEvent, heartbeat
from app.errors import ValidationError

__all__ = ["SSE_HEADERS", "StreamsController"]

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
_LAST_EVENT_ID = re.compile(r"^([0-9a-fA-F-]{36}):([0-9]{1,18})$")
_OPENING = b": iris event stream\n\n"
_KEEP_ALIVE = b": keep-alive\n\n"


def _layer(request: Request[Any, Any, Any]) -> StreamLayer:
    layer = request.app.state.get("streams")
    if not isinstance(layer, StreamLayer):
        raise RuntimeError("the stream layer is not installed (streams_plugins)")
    return layer


def _resume_point(last_event_id: str | None, session: uuid.UUID | None) -> int | None:
    """The seq after which to replay, from `Last-Event-ID: <sessionId>:<seq>`."""
    if last_event_id is None or not last_event_id.strip():
        return None
    match = _LAST_EVENT_ID.match(last_event_id.strip())
    if match is None:
        raise ValidationError("Last-Event-ID: expected <sessionId>:<seq>", {"field": "Last-Event-ID"})
    try:
        named = uuid.UUID(match.group(1))
    except ValueError:
        raise ValidationError("Last-Event-ID: not a session id", {"field": "Last-Event-ID"}) from None
    if session is None or named != session:
        raise ValidationError(
            "Last-Event-ID names a session this stream does not subscribe to (pass it as `session`)",
            {"field": "Last-Event-ID"},
        )
    return int(match.group(2))


def _joined(batch: list[WireEvent]) -> bytes:
    """A batch of events as one chunk (each event's SSE form is encoded once, shared by every subscriber)."""
    return batch[0].sse if len(batch) == 1 else b"".join([wire.sse for wire in batch])


async def _events(layer: StreamLayer, client: StreamClient) -> AsyncIterator[bytes]:
    try:
        yield _OPENING
        async for batch in client.batches():
            if not batch:
                yield heartbeat().sse
                continue
            yield _joined(batch)
            client.written(batch)  # resumed once the server has written the chunk
    finally:
        layer.release(client)


async def _tell_events(layer: StreamLayer, client: StreamClient, request_id: str) -> AsyncIterator[bytes]:
    try:
        async for batch in client.batches():
            if not batch:
                yield _KEEP_ALIVE
                continue
            yield _joined(batch)
            client.written(batch)
            if any(wire.request_id == request_id and wire.name in TERMINAL_EVENTS for wire in batch):
                return
    finally:
        layer.release(client)


class StreamsController(Controller):
    """The Server-Sent Events streams (mounted under /api)."""

    tags = ["streams"]

    @get(
        "/events",
        opt=operation("events"),
        media_type="text/event-stream",
    )
    async def events(
        self,
        request: Request[Any, Any, Any],
        session: Annotated[uuid.UUID | None, Parameter(query="session")] = None,
        team: TeamQuery = None,
        system: Annotated[bool, Parameter(query="system")] = False,
        logs: Annotated[m.LogLevel | None, Parameter(query="logs")] = None,
        last_event_id: Annotated[str | None, Parameter(header="Last-Event-ID", max_length=64)] = None,
    ) -> Stream:
        """Subscribe to a session, a team, the system channel and/or the log records."""
        layer = _layer(request)
        engine = layer.engine
        address = request.client.host if request.client else None
        identity = await layer.access.identify_scope(request.scope, request.headers.get("authorization"), address)
        require(identity, SESSION_PERMISSION)
        if session is None and team is None and not system and logs is None:
            raise ValidationError(
                "Subscribe to something: give session, team, system=true and/or logs=<level>", {"field": "session"}
            )
        after_seq = _resume_point(last_event_id, session)
        channels = []
        if session is not None:
            await check_session(engine, identity, session)
        if team is not None:
            channels.append(check_team(engine, identity, team))
        if system:
            channels.append(check_system(identity))
        if logs is not None:
            check_logs(identity)
        client = layer.client(identity=identity, address=address, kind="sse", heartbeats=True)
        writer = (request.scope.get("extensions") or {}).get(BODY_WRITER)
        if callable(writer) and request.app.compression_config is None:  # a compressed body needs the middleware
            client.direct = writer
        try:
            for channel in channels:
                await client.join(channel)
            if session is not None:
                await client.join_session(str(session), after_seq)
            if logs is not None:
                layer.logs.add(client, logs.value)
        except BaseException:
            layer.release(client)
            raise
        return Stream(_events(layer, client), media_type="text/event-stream", headers=SSE_HEADERS)

    @post(
        "/teams/tell/stream",
        opt=operation("tellStream"),
        dependencies={"payload": json_body(m.TellStartRequest)},
        status_code=200,
        media_type="text/event-stream",
    )
    async def tell_stream(self, request: Request[Any, Any, Any], payload: m.TellStartRequest) -> Stream:
        """Send a message and stream its answer."""
        layer = _layer(request)
        address = request.client.host if request.client else None
        identity = await layer.access.identify_scope(request.scope, request.headers.get("authorization"), address)
        client = layer.client(
            identity=identity, address=address, kind="tell_stream", terminal_after_reset=True, heartbeats=True
        )
        try:
            started = await start_tell(layer.engine, client, identity, payload)
        except BaseException:
            layer.release(client)
            raise
        return Stream(
            _tell_events(layer, client, started.request_id), media_type="text/event-stream", headers=SSE_HEADERS
        )

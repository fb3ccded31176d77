"""A scripted stand-in for Iris's stream endpoints, to unit-test the clients' stream helpers.

It speaks the contract's wire form (openapi/iris.yaml, Streams) and misbehaves on purpose so that
the clients' resume logic is exercised deterministically, which a real server cannot be made to do:

- ``POST /api/teams/tell/stream``: ``tell:accepted``, two ``tell:chunk``, ``tell:complete`` (response
  ``Hello``), each with ``id: <sessionId>:<seq>``. ``toTeam`` ``nope`` -> 404 TeamNotFoundError,
  ``secret`` -> 403 ForbiddenError; a missing or wrong key -> 401.
- ``GET /api/events?session=S``: session S holds events seq 1..10. The first connection of a
  session (no ``Last-Event-ID``) sends 1..4 and then ends the stream (a dropped connection); a
  connection with ``Last-Event-ID: S:N`` replays N+1..10 and then stays open with heartbeats
  (``heartbeatMs`` in the query tunes them). ``Last-Event-ID: S:0`` for a session id starting
  ``00000000`` -> a ``reset`` event (events no longer retained). ``team=T`` -> one
  ``process:spawned``; ``system=true`` -> one ``health:check``; ``logs=L`` -> one ``log:record`` at
  level L; ``team=secret`` -> 403.
- ``/ws``: auth by header or first message (else close 4401); ``cache:subscribe`` replays after
  ``afterSeq`` then streams live events; ``process:subscribe`` / ``system:subscribe`` /
  ``logs:subscribe`` get one event each (a ``log:record`` saying the level it was subscribed at);
  ``tell:start`` as the SSE tell (``secret`` -> an ``error`` event); a tell whose message is
  ``#drop`` sends ``tell:accepted`` and the first chunk, then closes the socket (1012): the rest
  of the tell lands in the session's history for a resubscribe to replay.

Every request is recorded in ``FakeIris.log`` (method, path, Last-Event-ID, auth) for assertions.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from litestar import Litestar, Request, Response, get, post, websocket
from litestar.connection import WebSocket
from litestar.exceptions import WebSocketDisconnect
from litestar.response import Stream

API_KEY = "iris_sk_test_" + "F" * 40
FORBIDDEN_TEAM = "secret"
UNKNOWN_TEAM = "nope"


def error_body(status: int, name: str, message: str, **details: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "error": name,
        "message": message,
        "statusCode": status,
        "timestamp": int(time.time() * 1000),
    }
    if details:
        body["details"] = details
    return body


def sse(event: dict[str, Any], event_id: str | None = None) -> bytes:
    lines = [f"event: {event['event']}"]
    if event_id:
        lines.append(f"id: {event_id}")
    lines.append("data: " + json.dumps(event, separators=(",", ":")))
    return ("\n".join(lines) + "\n\n").encode()


@dataclass
class Session:
    id: str
    events: list[dict[str, Any]] = field(default_factory=list)
    changed: asyncio.Event | None = None
    loop: asyncio.AbstractEventLoop | None = None

    @property
    def seq(self) -> int:
        return self.events[-1]["data"]["seq"] if self.events else 0

    def add(self, name: str, **data: Any) -> dict[str, Any]:
        event = {"event": name, "data": {"sessionId": self.id, "seq": self.seq + 1, **data}}
        self.events.append(event)
        if self.changed is not None:  # tests add events from their own thread: wake the server's loop safely
            assert self.loop is not None
            self.loop.call_soon_threadsafe(self.changed.set)
            self.changed = None
        return event

    def after(self, seq: int) -> list[dict[str, Any]]:
        return [e for e in self.events if e["data"]["seq"] > seq]

    async def wait(self, seen: int) -> None:
        """Until an event after `seen` is added (at once if one was added meanwhile)."""
        if self.changed is None:
            self.changed = asyncio.Event()
            self.loop = asyncio.get_running_loop()
        if self.seq > seen:  # checked after `changed` is set up: an `add` from another thread is never missed
            return
        await self.changed.wait()


class FakeIris:
    def __init__(self) -> None:
        self.sessions: dict[str, Session] = {}
        self.log: list[dict[str, Any]] = []
        self.app = self._build()

    def session(self, session_id: str) -> Session:
        if session_id not in self.sessions:
            s = Session(session_id)
            for n in range(10):
                s.add("cache:message", requestId=str(uuid.UUID(int=n)), message=_message(s.seq + 1))
            self.sessions[session_id] = s
        return self.sessions[session_id]

    def _authorized(self, authorization: str | None) -> bool:
        return authorization == f"Bearer {API_KEY}"

    def _tell(self, body: dict[str, Any]) -> tuple[Session, list[dict[str, Any]]]:
        """Record a whole tell in a fresh session; returns its session and events."""
        session = Session(str(uuid.uuid4()))
        self.sessions[session.id] = session
        request_id = str(uuid.uuid4())
        accepted = session.add("tell:accepted", requestId=request_id, status="running")
        chunks = [session.add("tell:chunk", requestId=request_id, chunk=c) for c in ("Hel", "lo")]
        complete = session.add("tell:complete", requestId=request_id, response="Hello", status="completed", duration=3)
        return session, [accepted, *chunks, complete]

    def _build(self) -> Litestar:
        fake = self

        @post("/api/teams/tell/stream", status_code=200)
        async def tell_stream(request: Request[Any, Any, Any]) -> Response[Any]:
            fake.log.append({"path": request.url.path, "auth": request.headers.get("authorization")})
            if not fake._authorized(request.headers.get("authorization")):
                return Response(error_body(401, "UnauthorizedError", "Missing or invalid API key"), status_code=401)
            body = await request.json()
            if body.get("toTeam") == UNKNOWN_TEAM:
                return Response(
                    error_body(404, "TeamNotFoundError", "Team not found: nope", team=UNKNOWN_TEAM), status_code=404
                )
            if body.get("toTeam") == FORBIDDEN_TEAM:
                return Response(
                    error_body(403, "ForbiddenError", "outside the key's team scope", team=FORBIDDEN_TEAM),
                    status_code=403,
                )
            session, events = fake._tell(body)

            async def stream() -> AsyncIterator[bytes]:
                for event in events:
                    yield sse(event, f"{session.id}:{event['data']['seq']}")
                    await asyncio.sleep(0.01)

            return Stream(stream(), media_type="text/event-stream")

        @get("/api/events")
        async def events(request: Request[Any, Any, Any]) -> Response[Any]:
            last = request.headers.get("last-event-id")
            query = request.query_params
            fake.log.append({"path": request.url.path, "last_event_id": last, "query": dict(query)})
            if not fake._authorized(request.headers.get("authorization")):
                return Response(error_body(401, "UnauthorizedError", "Missing or invalid API key"), status_code=401)
            if query.get("team") == FORBIDDEN_TEAM:
                return Response(
                    error_body(403, "ForbiddenError", "This key lacks the permission status:read"), status_code=403
                )
            session_id = query.get("session")
            heartbeat_s = int(query.get("heartbeatMs", "15000")) / 1000

            async def stream() -> AsyncIterator[bytes]:
                if query.get("team"):
                    payload = {"team": query["team"], "fromTeam": "external", "sessionId": str(uuid.uuid4()), "pid": 7}
                    yield sse({"event": "process:spawned", "data": payload})
                if query.get("system") == "true":
                    data = {"totalProcesses": 0, "maxProcesses": 4, "uptime": 1, "timestamp": "2025-01-16T12:00:00Z"}
                    yield sse({"event": "health:check", "data": data})
                if query.get("logs"):
                    yield sse({"event": "log:record", "data": _log_record(query["logs"])})
                if session_id:
                    session = fake.session(session_id)
                    if last is None:
                        for event in session.events[:4]:
                            yield sse(event, f"{session.id}:{event['data']['seq']}")
                        return  # the dropped connection
                    after = int(last.rsplit(":", 1)[1])
                    if session_id.startswith("00000000") and after == 0:
                        yield sse({"event": "reset", "data": {"sessionId": session.id, "reason": "gap"}})
                        return
                    sent = after
                    while True:
                        for event in session.after(sent):
                            yield sse(event, f"{session.id}:{event['data']['seq']}")
                            sent = event["data"]["seq"]
                        try:
                            await asyncio.wait_for(session.wait(sent), heartbeat_s)
                        except TimeoutError:
                            beat = {"timestamp": "2025-01-16T12:00:00Z"}
                            yield sse({"event": "heartbeat", "data": beat})
                else:
                    while True:
                        await asyncio.sleep(heartbeat_s)
                        yield sse({"event": "heartbeat", "data": {"timestamp": "2025-01-16T12:00:00Z"}})

            return Stream(stream(), media_type="text/event-stream")

        @websocket("/ws")
        async def ws(socket: WebSocket[Any, Any, Any]) -> None:
            await socket.accept()
            entry: dict[str, Any] = {"path": "/ws", "auth": None, "messages": []}
            fake.log.append(entry)
            if fake._authorized(socket.headers.get("authorization")):
                entry["auth"] = "header"
            else:
                try:
                    first = json.loads(await asyncio.wait_for(socket.receive_text(), 5))
                except (TimeoutError, WebSocketDisconnect, ValueError):
                    first = {}
                token = (first.get("data") or {}).get("token") if first.get("event") == "auth" else None
                if token != API_KEY:
                    await socket.close(code=4401, reason="not authenticated")
                    return
                entry["auth"] = "message"
            tasks: set[asyncio.Task[None]] = set()
            lock = asyncio.Lock()

            async def send(event: dict[str, Any]) -> None:
                async with lock:
                    await socket.send_text(json.dumps(event))

            async def follow(session: Session, after: int) -> None:
                sent = after
                while True:
                    for event in session.after(sent):
                        await send(event)
                        sent = event["data"]["seq"]
                    await session.wait(sent)

            try:
                while True:
                    message = json.loads(await socket.receive_text())
                    entry["messages"].append(message)
                    name, data = message.get("event"), message.get("data") or {}
                    if name == "cache:subscribe":
                        session = fake.session(data["sessionId"])
                        tasks.add(asyncio.create_task(follow(session, data.get("afterSeq", session.seq))))
                    elif name == "process:subscribe":
                        if data.get("team") == FORBIDDEN_TEAM:
                            await send({"event": "error", "data": _forbidden()})
                            continue
                        payload = {"team": data["team"], "fromTeam": "external", "sessionId": str(uuid.uuid4())}
                        await send({"event": "process:spawned", "data": {**payload, "pid": 7}})
                    elif name == "system:subscribe":
                        tick = {"totalProcesses": 0, "maxProcesses": 4, "uptime": 1}
                        await send({"event": "health:check", "data": {**tick, "timestamp": "2025-01-16T12:00:00Z"}})
                    elif name == "logs:subscribe":
                        await send({"event": "log:record", "data": _log_record(data.get("level", "info"))})
                    elif name == "tell:start":
                        if data.get("toTeam") == FORBIDDEN_TEAM:
                            await send({"event": "error", "data": _forbidden()})
                            continue
                        session, tell = fake._tell(data)
                        if data.get("message") == "#drop":
                            for event in tell[:2]:
                                await send(event)
                            await socket.close(code=1012, reason="restarting")
                            return
                        for event in tell:
                            await send(event)
            except (WebSocketDisconnect, RuntimeError):
                return
            finally:
                for task in tasks:
                    task.cancel()

        return Litestar(route_handlers=[tell_stream, events, ws], debug=False)


def _log_record(level: str) -> dict[str, Any]:
    """A `LogRecord` saying at which level the logs were subscribed."""
    return {
        "timestamp": "2025-01-16T12:00:00Z",
        "level": level,
        "logger": "iris.fake",
        "message": f"subscribed at {level}",
    }


def _message(seq: int) -> dict[str, Any]:
    return {"seq": seq, "type": "assistant", "timestamp": "2025-01-16T12:00:00Z", "data": {"type": "assistant"}}


def _forbidden() -> dict[str, Any]:
    return {"error": "ForbiddenError", "message": "outside the key's team scope", "statusCode": 403}


@dataclass
class FakeServer:
    fake: FakeIris
    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_fake() -> FakeServer:
    fake = FakeIris()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(fake.app, log_level="warning", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="fake-iris", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the fake stream server did not start")
        time.sleep(0.01)
    return FakeServer(fake, f"http://127.0.0.1:{port}", server, thread)

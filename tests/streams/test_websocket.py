"""The WebSocket /ws on a real server, with the `websockets` client."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import struct
import uuid
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from app.api.streams import StreamSettings
from app.config import IrisConfig
from app.engine.events import session_channel
from app.engine.records import TellChunk
from tests.streams.conftest import conforms, wake
from tests.support.live import LiveServer


async def receive(ws: ClientConnection, timeout: float = 30.0) -> dict[str, Any]:
    """The next event (checked against the contract)."""
    raw = await asyncio.wait_for(ws.recv(), timeout)
    conforms(raw)
    return dict(json.loads(raw))


async def until(ws: ClientConnection, name: str, timeout: float = 30.0) -> list[dict[str, Any]]:
    """Events up to and including the first named `name`."""
    got = []
    async with asyncio.timeout(timeout):
        while True:
            event = await receive(ws)
            got.append(event)
            if event["event"] == name:
                return got


async def send(ws: ClientConnection, event: str, data: dict[str, Any] | None = None) -> None:
    await ws.send(json.dumps({"event": event, **({"data": data} if data is not None else {})}))


async def test_tell_start_streams_accepted_chunks_and_one_complete(server: LiveServer) -> None:
    async with connect(server.ws_url) as ws:
        await send(ws, "tell:start", {"toTeam": "alpha", "message": "#slow:10:10 over the socket"})
        events = await until(ws, "tell:complete")
        names = [e["event"] for e in events]
        assert names[0] == "tell:accepted" and names[-1] == "tell:complete"
        assert set(names[1:-1]) == {"tell:chunk"}, names
        accepted = events[0]["data"]
        chunks = "".join(e["data"]["chunk"] for e in events[1:-1])
        assert chunks == events[-1]["data"]["response"] == "echo[n=1]: #slow:10:10 over the socket"
        assert all(e["data"]["requestId"] == accepted["requestId"] for e in events)

        # a second tell on the same socket, while subscribed to the session: every event once
        await send(ws, "cache:subscribe", {"sessionId": accepted["sessionId"]})
        await send(ws, "tell:start", {"toTeam": "alpha", "message": "#slow:5:10 again"})
        events = await until(ws, "tell:complete")
        # tell:accepted repeats the seq of the tell's tell:queued (where its events begin)
        queued = next(e for e in events if e["event"] == "tell:queued")
        accepted = next(e for e in events if e["event"] == "tell:accepted")
        assert accepted["data"]["seq"] == queued["data"]["seq"]
        seqs = [e["data"]["seq"] for e in events if "seq" in e["data"] and e["event"] != "tell:accepted"]
        assert len(seqs) == len(set(seqs)) and seqs == sorted(seqs)
        assert [e["event"] for e in events].count("tell:complete") == 1
        assert {"tell:accepted", "tell:queued", "tell:started", "cache:message"} <= {e["event"] for e in events}
        # nothing else arrives for this tell
        await asyncio.sleep(0.3)
        assert not await pending(ws)


async def pending(ws: ClientConnection) -> list[dict[str, Any]]:
    """Events already waiting on the socket (without blocking)."""
    got = []
    while True:
        try:
            raw = await asyncio.wait_for(ws.recv(), 0.05)
        except TimeoutError:
            return got
        got.append(json.loads(raw))


async def test_rooms_subscribe_replay_and_unsubscribe(server: LiveServer) -> None:
    async with server.async_client() as http, connect(server.ws_url) as ws:
        session = await wake(http)
        done = await http.post("/api/teams/tell", json={"toTeam": "alpha", "message": "#slow:4:1 earlier"})
        assert done.status_code == 200
        last = server.call(lambda: server.engine.events.last_seq(session))

        # afterSeq replays exactly what came after it, then goes live
        await send(ws, "cache:subscribe", {"sessionId": session, "afterSeq": last - 2})
        replayed = [await receive(ws), await receive(ws)]
        assert [e["data"]["seq"] for e in replayed] == [last - 1, last]
        assert replayed[-1]["event"] == "tell:complete"

        await send(ws, "process:subscribe", {"team": "alpha"})
        await send(ws, "system:subscribe")
        await until(ws, "health:check")
        await send(ws, "system:unsubscribe")
        await asyncio.sleep(0.3)
        await pending(ws)
        await asyncio.sleep(0.5)  # health ticks every 200 ms: none may arrive now
        assert all(e["event"] != "health:check" for e in await pending(ws))

        await http.post("/api/teams/alpha/sleep", json={})
        terminated = await until(ws, "process:terminated")
        assert terminated[-1]["data"]["team"] == "alpha" and terminated[-1]["data"]["sessionId"] == session

        await send(ws, "cache:unsubscribe", {"sessionId": session})
        await send(ws, "process:unsubscribe", {"team": "alpha"})
        await asyncio.sleep(0.2)
        await pending(ws)
        await http.post("/api/teams/tell", json={"toTeam": "alpha", "message": "unheard"})
        await asyncio.sleep(0.3)
        assert await pending(ws) == []


async def test_bad_messages_get_error_events(server: LiveServer) -> None:
    async with connect(server.ws_url) as ws:
        await ws.send("not json")
        error = await receive(ws)
        assert error["event"] == "error" and error["data"]["error"] == "ValidationError"
        await send(ws, "cache:subscribe", {"sessionId": "nope"})
        error = await receive(ws)
        assert error["data"]["statusCode"] == 400 and error["data"]["details"]["event"] == "cache:subscribe"
        await send(ws, "process:subscribe", {"team": "nobody"})
        error = await receive(ws)
        assert (
            error["data"]["error"] == "TeamNotFoundError" and error["data"]["details"]["event"] == "process:subscribe"
        )
        await send(ws, "tell:start", {"toTeam": "nobody", "message": "hi"})
        error = await receive(ws)
        assert error["data"]["error"] == "TeamNotFoundError" and error["data"]["details"]["event"] == "tell:start"
        await send(ws, "tell:start", {"toTeam": "alpha", "message": ""})
        error = await receive(ws)
        assert error["data"]["error"] == "ValidationError"


async def test_a_slow_websocket_client_gets_reset_then_1013(
    servers: Callable[..., LiveServer], config: IrisConfig
) -> None:
    server = servers(config, settings=StreamSettings(subscriber_queue=16), send_buffer=8192)
    session, request_id = str(uuid.uuid4()), str(uuid.uuid4())

    async def pump() -> None:
        for index in range(300):
            chunk = f"{index}|" + "x" * 4000
            server.engine.events.publish(
                TellChunk(session_id=uuid.UUID(session), request_id=uuid.UUID(request_id), chunk=chunk)
            )
            if index % 10 == 9:
                await asyncio.sleep(0.005)

    # a client that stops reading (by hand: client libraries keep reading into their own buffers)
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect(("127.0.0.1", server.port))
    key = base64.b64encode(os.urandom(16)).decode()
    raw.sendall(
        f"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    buffer = raw.recv(4096)
    assert buffer.startswith(b"HTTP/1.1 101")
    buffer = buffer[buffer.index(b"\r\n\r\n") + 4 :]
    raw.sendall(_masked(json.dumps({"event": "cache:subscribe", "data": {"sessionId": session}})))
    await server.eventually(lambda: server.layer.bus.subscribers(session_channel(session)), 1)
    await server.run(pump())  # nobody reads meanwhile
    await server.eventually(lambda: server.layer.dropped, 1)

    # reading at last: the messages it had, then `reset`, then a close frame with 1013
    raw.settimeout(10)
    names, close_code = [], None
    while close_code is None:
        while (parsed := _frame(buffer)) is None:
            block = raw.recv(65536)
            assert block, "the connection ended without a close frame"
            buffer += block
        opcode, payload, buffer = parsed
        if opcode == 0x1:
            names.append(json.loads(payload)["event"])
        elif opcode == 0x8:
            close_code = struct.unpack("!H", payload[:2])[0]
    raw.close()
    assert close_code == 1013
    assert names[-1] == "reset" and set(names[:-1]) == {"tell:chunk"} and len(names) < 300


def _masked(text: str) -> bytes:
    """A client text frame."""
    data, mask = text.encode(), os.urandom(4)
    length = bytes([0x80 | len(data)]) if len(data) < 126 else bytes([0x80 | 126]) + struct.pack("!H", len(data))
    return b"\x81" + length + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))


def _frame(buffer: bytes) -> tuple[int, bytes, bytes] | None:
    """One server frame off the front of `buffer`: (opcode, payload, rest), or None when incomplete."""
    if len(buffer) < 2:
        return None
    opcode, length, start = buffer[0] & 0x0F, buffer[1] & 0x7F, 2
    if length == 126:
        if len(buffer) < 4:
            return None
        length, start = struct.unpack("!H", buffer[2:4])[0], 4
    elif length == 127:
        if len(buffer) < 10:
            return None
        length, start = struct.unpack("!Q", buffer[2:10])[0], 10
    if len(buffer) < start + length:
        return None
    return opcode, buffer[start : start + length], buffer[start + length :]

"""Live SSE events written within the bus's pass on Iris's HTTP protocol, and through the writer otherwise: the
same bytes, framing and order either way, across replays, flow control and any server."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from httpx_sse import aconnect_sse

from app.api.streams import StreamSettings
from app.config import IrisConfig
from app.engine.records import TellChunk
from app.standin import ModelStandIn
from tests.support.live import LiveServer, write_config

PLAIN = {"http": "httptools"}
"""uvicorn's own httptools protocol: no `iris.body_writer` in the scope."""


async def _subscribe(
    port: int, session: str, last_event_id: str | None = None, receive_buffer: int | None = None
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """`GET /api/events?session=` over a plain connection; returns once the response head has been read."""
    sock = socket.socket()
    if receive_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    reader, writer = await asyncio.open_connection(sock=sock)
    head = f"GET /api/events?session={session} HTTP/1.1\r\nHost: iris\r\n"
    if last_event_id is not None:
        head += f"Last-Event-ID: {last_event_id}\r\n"
    writer.write((head + "\r\n").encode())
    status = await reader.readuntil(b"\r\n\r\n")
    assert status.startswith(b"HTTP/1.1 200 "), status
    assert b"\r\ntransfer-encoding: chunked\r\n" in status.lower()
    return reader, writer


async def _messages(reader: asyncio.StreamReader) -> AsyncIterator[dict[bytes, bytes]]:
    """The SSE messages of a chunked body, read strictly: each chunk is `<hex size>CRLF<data>CRLF` and holds
    whole messages; comments and heartbeats are skipped."""
    while True:
        size = int((await reader.readuntil(b"\r\n"))[:-2], 16)
        if size == 0:
            assert await reader.readexactly(2) == b"\r\n"
            return
        chunk = await reader.readexactly(size)
        assert await reader.readexactly(2) == b"\r\n", "a chunk longer than its size line"
        assert chunk.endswith(b"\n\n"), chunk[-80:]
        for message in chunk[:-2].split(b"\n\n"):
            lines = [line for line in message.split(b"\n") if not line.startswith(b":")]
            fields = dict(line.split(b": ", 1) for line in lines)
            if fields and fields.get(b"event") != b"heartbeat":
                yield fields


def _seq(message: dict[bytes, bytes], session: str) -> int:
    """The seq of a session event, checked against its `id:` and its envelope."""
    assert message[b"event"] == b"tell:chunk", message
    envelope = json.loads(message[b"data"])
    assert envelope["event"] == "tell:chunk"
    seq = int(envelope["data"]["seq"])
    assert message[b"id"] == f"{session}:{seq}".encode()
    return seq


async def _pump(server: LiveServer, session: str, count: int, padding: str = "", every: int = 10) -> None:
    """Publish `count` chunks of a made-up tell on `session`, pausing briefly after every `every`."""

    async def pump() -> None:
        hub, request_id = server.engine.events, uuid.uuid4()
        for index in range(count):
            hub.publish(TellChunk(session_id=uuid.UUID(session), request_id=request_id, chunk=f"{index}{padding}"))
            if index % every == every - 1:
                await asyncio.sleep(0.005)

    await server.run(pump())


async def test_on_iris_protocol_a_live_event_is_written_to_every_idle_subscriber_as_it_is_published(
    server: LiveServer,
) -> None:
    session, subscribers = str(uuid.uuid4()), 4
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http, contextlib.AsyncExitStack() as stack:
        sources = [
            await stack.enter_async_context(aconnect_sse(http, "GET", "/api/events", params={"session": session}))
            for _ in range(subscribers)
        ]
        await server.eventually(lambda: sum(client.idle for client in server.layer._clients), subscribers)

        def publish() -> tuple[list[int], int, int]:
            """Publish one event, then look at every subscriber before anything else runs."""
            delivery = server.layer.delivery
            direct, timed = delivery.direct, delivery.per_subscriber.count
            server.engine.events.publish(TellChunk(session_id=uuid.UUID(session), request_id=uuid.uuid4(), chunk="x"))
            pending = sorted(client.pending for client in server.layer._clients)
            return pending, delivery.direct - direct, delivery.per_subscriber.count - timed

        # nothing queued: each subscriber's write already made (and timed) within the publication itself
        assert server.call(publish) == ([0] * subscribers, subscribers, subscribers)
        for source in sources:
            event = await asyncio.wait_for(anext(source.aiter_sse()), 10)
            assert event.event == "tell:chunk" and json.loads(event.data)["data"]["chunk"] == "x"
        assert server.layer.delivery.fanout.count == 1  # its last write counted once, at the end of the pass


@pytest.mark.parametrize("protocol", ["iris", "plain"])
async def test_order_and_framing_hold_across_the_replay_live_seam(
    servers: Callable[..., LiveServer], tmp_path: Path, standin: ModelStandIn, protocol: str
) -> None:
    """Subscribers drop and resume (`Last-Event-ID`: a replay through the writer, then live events) while events
    pour in; read as raw chunked HTTP, every event arrives once, in order, framed whole, on either server."""
    session, total = str(uuid.uuid4()), 600
    options = PLAIN if protocol == "plain" else {}
    server = servers(write_config(tmp_path, standin, settings={"eventsRetained": total}), options=options)

    async def subscriber(seed: int) -> list[int]:
        rng = random.Random(seed)
        seqs: list[int] = []
        while not seqs or seqs[-1] < total:
            last = f"{session}:{seqs[-1]}" if seqs else None
            reader, writer = await _subscribe(server.port, session, last)
            quota = rng.randint(5, 120)
            try:
                async for message in _messages(reader):
                    seqs.append(_seq(message, session))
                    quota -= 1
                    if quota == 0 or seqs[-1] == total:
                        break
            finally:
                writer.close()
        return seqs

    first = await _subscribe(server.port, session)  # the session's channel is followed before the pump starts
    pumping = asyncio.ensure_future(_pump(server, session, total))
    results = await asyncio.wait_for(asyncio.gather(*(subscriber(seed) for seed in range(8))), 60)
    await pumping
    seqs = [_seq(message, session) async for message in _limit(_messages(first[0]), total)]
    first[1].close()
    assert seqs == list(range(1, total + 1))
    for got in results:
        assert got == list(range(got[0], total + 1)), "a gap or a duplicate at a reconnect"
    if protocol == "plain":
        assert server.layer.delivery.direct == 0
    else:
        assert server.layer.delivery.direct > 0


async def _limit(messages: AsyncIterator[dict[bytes, bytes]], count: int) -> AsyncIterator[dict[bytes, bytes]]:
    """The first `count` messages."""
    if count <= 0:
        return
    async for message in messages:
        yield message
        count -= 1
        if count == 0:
            return


async def test_a_reader_that_falls_behind_gets_the_rest_through_its_writer_in_order(
    servers: Callable[..., LiveServer], config: IrisConfig
) -> None:
    """A slow reader's connection pauses for flow control: its events queue for the writer, which waits for the
    connection (and events may go straight out again once it has caught up). Nothing is lost, reordered or torn."""
    server = servers(config, settings=StreamSettings(subscriber_queue=5000), send_buffer=8192)
    session, count, padding = str(uuid.uuid4()), 300, "x" * 2000
    reader, writer = await _subscribe(server.port, session, receive_buffer=4096)
    await server.eventually(lambda: sum(client.idle for client in server.layer._clients), 1)
    await _pump(server, session, 5)  # the writer idle: these go straight out
    direct_before = server.layer.delivery.direct
    assert direct_before == 5

    got: list[int] = []

    async def read() -> None:
        async for message in _messages(reader):
            got.append(_seq(message, session))
            if len(got) <= 40:
                await asyncio.sleep(0.02)  # slow at first: the server's writes to it back up
            if len(got) == count + 5:
                return

    reading = asyncio.create_task(read())
    await _pump(server, session, count, padding, every=5)
    await asyncio.wait_for(reading, 60)
    writer.close()
    assert got == list(range(1, count + 6))
    assert server.layer.dropped == 0
    delivery = server.layer.delivery
    await server.eventually(lambda: delivery.per_subscriber.count, count + 5)  # every live event timed once
    assert delivery.direct < delivery.per_subscriber.count  # some waited for the connection in the queue

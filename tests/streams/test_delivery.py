"""The delivery histograms on `/metrics`: every live event counted once per subscriber, and once to its last."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import uuid
from collections.abc import Callable
from typing import Any

import httpx
from httpx_sse import aconnect_sse

from app.api.streams import StreamSettings
from app.config import IrisConfig
from app.engine.events import session_channel
from app.engine.records import TellChunk
from tests.support.live import LiveServer


def _histogram(text: str, name: str) -> tuple[float, float, dict[str, float]]:
    """A histogram's count, sum and cumulative buckets in a `/metrics` exposition."""
    count = total = 0.0
    buckets: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith(f"{name}_count "):
            count = float(line.split()[-1])
        elif line.startswith(f"{name}_sum "):
            total = float(line.split()[-1])
        elif line.startswith(f"{name}_bucket{{"):
            buckets[line.split('le="', 1)[1].split('"', 1)[0]] = float(line.split()[-1])
    return count, total, buckets


async def _published(server: LiveServer, session: str, count: int, padding: str = "") -> None:
    """Publish `count` chunks of a made-up tell on `session`, a few at a time."""

    async def pump() -> None:
        hub, request_id = server.engine.events, uuid.uuid4()
        for index in range(count):
            hub.publish(TellChunk(session_id=uuid.UUID(session), request_id=request_id, chunk=f"{index}{padding}"))
            if index % 5 == 4:
                await asyncio.sleep(0.005)

    await server.run(pump())


async def _read(source: Any, count: int) -> int:
    got = 0
    async for event in source.aiter_sse():
        if event.event == "tell:chunk":
            got += 1
            if got == count:
                break
    return got


async def test_each_live_event_is_timed_once_per_subscriber_and_once_to_its_last(server: LiveServer) -> None:
    session, subscribers, count = str(uuid.uuid4()), 3, 40
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http, contextlib.AsyncExitStack() as stack:
        before = (await http.get("/metrics")).text
        assert _histogram(before, "iris_stream_delivery_seconds")[0] == 0
        sources = [
            await stack.enter_async_context(aconnect_sse(http, "GET", "/api/events", params={"session": session}))
            for _ in range(subscribers)
        ]
        await server.eventually(lambda: server.layer.bus.subscribers(session_channel(session)), subscribers)
        readers = [asyncio.create_task(_read(source, count)) for source in sources]
        await _published(server, session, count)
        assert await asyncio.wait_for(asyncio.gather(*readers), 30) == [count] * subscribers
        text = (await http.get("/metrics")).text

    delivered, spent, buckets = _histogram(text, "iris_stream_delivery_seconds")
    assert delivered == subscribers * count
    assert 0 < spent < delivered * 10
    assert buckets["+Inf"] == delivered and buckets["0.0001"] <= buckets["0.001"] <= buckets["10.0"] <= delivered
    fanned, fanout_spent, _ = _histogram(text, "iris_stream_fanout_seconds")
    assert fanned == count
    assert 0 < fanout_spent <= spent  # each event's last write is one of its writes


async def test_a_dropped_subscriber_holds_back_no_events_figure(
    servers: Callable[..., LiveServer], config: IrisConfig
) -> None:
    server = servers(config, settings=StreamSettings(subscriber_queue=16), send_buffer=8192)
    session, count, padding = str(uuid.uuid4()), 200, "x" * 2000
    stalled = socket.socket()  # connects, then never reads: its writes stall, its queue overflows
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect(("127.0.0.1", server.port))
    stalled.sendall(f"GET /api/events?session={session} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http, contextlib.AsyncExitStack() as stack:
            source = await stack.enter_async_context(
                aconnect_sse(http, "GET", "/api/events", params={"session": session})
            )
            await server.eventually(lambda: server.layer.bus.subscribers(session_channel(session)), 2)
            reader = asyncio.create_task(_read(source, count))
            await _published(server, session, count, padding)
            assert await asyncio.wait_for(reader, 30) == count
            await server.eventually(lambda: server.layer.dropped, 1)
            text = (await http.get("/metrics")).text
    finally:
        stalled.close()
    # the reader's writes are all counted; the stalled one's few before its drop too, then nothing of it
    assert count <= _histogram(text, "iris_stream_delivery_seconds")[0] < 2 * count
    # every event reached its last subscriber that still wanted it: none waits on the dropped one
    assert _histogram(text, "iris_stream_fanout_seconds")[0] == count


async def test_on_one_instance_publishing_queues_the_event_for_every_subscriber_at_once(
    servers: Callable[..., LiveServer], config: IrisConfig
) -> None:
    """On a server other than Iris's HTTP protocol (plain uvicorn: no direct body writer), every subscriber's
    writer gets the event from its queue."""
    server = servers(config, options={"http": "httptools"})
    session, subscribers = str(uuid.uuid4()), 4
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http, contextlib.AsyncExitStack() as stack:
        sources = [
            await stack.enter_async_context(aconnect_sse(http, "GET", "/api/events", params={"session": session}))
            for _ in range(subscribers)
        ]
        await server.eventually(lambda: server.layer.bus.subscribers(session_channel(session)), subscribers)
        readers = [asyncio.create_task(_read(source, 1)) for source in sources]

        def publish() -> list[int]:
            """Publish one event, then look at every subscriber's queue before anything else runs."""
            server.engine.events.publish(TellChunk(session_id=uuid.UUID(session), request_id=uuid.uuid4(), chunk="x"))
            return sorted(client.pending for client in server.layer._clients)

        assert server.call(publish) == [1] * subscribers  # no backend queue, no delivery task in between
        assert await asyncio.wait_for(asyncio.gather(*readers), 30) == [1] * subscribers

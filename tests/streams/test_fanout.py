"""Fan-out on a real server: many subscribers each get every event in order; a stalled one delays nobody."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
from httpx_sse import aconnect_sse

from app.api.streams import StreamSettings
from app.config import IrisConfig
from app.engine.events import session_channel
from app.engine.records import TellChunk
from tests.streams.conftest import conforms, wake
from tests.support.live import LiveServer


async def test_100_subscribers_each_receive_every_event_in_order(server: LiveServer) -> None:
    limits = httpx.Limits(max_connections=150, max_keepalive_connections=150)
    async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=60) as http:
        session = await wake(http)
        async with contextlib.AsyncExitStack() as stack:
            sources = await asyncio.gather(
                *(
                    stack.enter_async_context(aconnect_sse(http, "GET", "/api/events", params={"session": session}))
                    for _ in range(100)
                )
            )
            assert server.call(lambda: server.layer.subscribers if server.layer else 0) == 100

            async def collect(source: Any) -> list[tuple[int, str]]:
                got = []
                async for event in source.aiter_sse():
                    data = conforms(event.data).data
                    got.append((data.seq, event.event))
                    if event.event == "tell:complete":
                        return got
                return got

            collectors = [asyncio.create_task(collect(source)) for source in sources]
            result = await http.post(
                "/api/teams/tell",
                json={"toTeam": "alpha", "message": "#slow:40:5 one tell, fanned out to a hundred subscribers"},
            )
            assert result.status_code == 200
            received = await asyncio.wait_for(asyncio.gather(*collectors), 60)
        first = received[0]
        assert [name for _, name in first].count("tell:chunk") == 40
        seqs = [seq for seq, _ in first]
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # in order, nothing missing
        assert all(got == first for got in received)  # everyone got the very same stream
        # the subscriptions are gone with their connections; one channel subscription served them all
    await server.eventually(lambda: (server.layer.subscribers, server.layer.bus.channel_count()), (0, 0))


async def test_a_stalled_subscriber_delays_nobody(servers: Callable[..., LiveServer], config: IrisConfig) -> None:
    server = servers(config, settings=StreamSettings(subscriber_queue=64), send_buffer=8192)
    session = str(uuid.uuid4())
    request_id = str(uuid.uuid4())
    count, padding = 300, "x" * 2000

    # a subscriber that connects and then never reads: tiny receive buffer, nothing taken from it
    stalled = socket.socket()
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect(("127.0.0.1", server.port))
    stalled.sendall(f"GET /api/events?session={session} HTTP/1.1\r\nHost: x\r\n\r\n".encode())

    async def pump() -> None:
        hub = server.engine.events
        for index in range(count):
            chunk = f"{index}|{time.perf_counter()}|{padding}"
            hub.publish(TellChunk(session_id=uuid.UUID(session), request_id=uuid.UUID(request_id), chunk=chunk))
            if index % 5 == 4:
                await asyncio.sleep(0.01)

    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http, contextlib.AsyncExitStack() as stack:
        sources = [
            await stack.enter_async_context(aconnect_sse(http, "GET", "/api/events", params={"session": session}))
            for _ in range(5)
        ]
        await server.eventually(lambda: server.layer.bus.subscribers(session_channel(session)), 6)  # stalled too

        async def collect(source: Any) -> list[tuple[int, float]]:
            got = []
            async for event in source.aiter_sse():
                now = time.perf_counter()
                data = json.loads(event.data)["data"]
                index, sent, _ = data["chunk"].split("|", 2)
                got.append((int(index), now - float(sent)))
                if len(got) == count:
                    return got
            return got

        collectors = [asyncio.create_task(collect(source)) for source in sources]
        await server.run(pump())
        received = await asyncio.wait_for(asyncio.gather(*collectors), 60)

    for got in received:
        assert [index for index, _ in got] == list(range(count))
        delays = sorted(delay for _, delay in got)
        assert delays[int(len(delays) * 0.99)] < 1.0, delays[-5:]
    await server.eventually(lambda: server.layer.dropped, 1)

    # the stalled subscriber, reading at last: what it had, then `reset`, then the end of the stream
    stalled.settimeout(10)
    data = b""
    with contextlib.suppress(TimeoutError):
        while not data.endswith(b"0\r\n\r\n"):
            block = stalled.recv(65536)
            if not block:
                break
            data += block
    stalled.close()
    assert b"event: reset" in data and b'"reason":"slow_subscriber"' in data
    assert data.index(b"event: reset") > data.rindex(b"event: tell:chunk")

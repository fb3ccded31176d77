"""`channels.backend: redis`: two server instances share their events through a real redis-server."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from httpx_sse import aconnect_sse

from tests.streams.conftest import Server, conforms, write_config
from tests.support.standin import ModelStandIn

REDIS_SERVER = shutil.which("redis-server")


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A private redis-server on 127.0.0.1 and a free port (no persistence)."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (CI installs it: apt-get install redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            REDIS_SERVER,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


async def test_an_event_of_one_instance_reaches_a_subscriber_of_another(
    servers: Callable[..., Server], tmp_path: Path, standin: ModelStandIn, redis_url: str
) -> None:
    channels = {"backend": "redis", "url": redis_url}
    first = servers(write_config(tmp_path, standin, channels=channels, name="first.yaml"))
    second = servers(write_config(tmp_path, standin, channels=channels, name="second.yaml"))
    async with first.client() as one, second.client() as two:
        async with aconnect_sse(two, "GET", "/api/events", params={"team": "alpha"}) as source:
            woken = await one.post("/api/teams/alpha/wake", json={})
            assert woken.status_code == 200
            async with asyncio.timeout(30):
                async for event in source.aiter_sse():
                    conforms(event.data)
                    if event.event == "process:spawned":
                        spawned = json.loads(event.data)["data"]
                        break
        session = woken.json()["sessionId"]
        assert spawned["sessionId"] == session and spawned["pid"] == woken.json()["pid"]
        assert second.call(lambda: len(list(second.engine.live_sessions()))) == 0  # it happened on the first

        # a session of the first instance, followed from the second: the whole streamed tell arrives
        async with aconnect_sse(two, "GET", "/api/events", params={"session": session}) as source:
            told = await one.post("/api/teams/quick-tell", json={"toTeam": "alpha", "message": "#slow:8:10 via redis"})
            assert told.status_code == 202
            names, chunks = [], []
            async with asyncio.timeout(30):
                async for event in source.aiter_sse():
                    data = conforms(event.data).data
                    names.append(event.event)
                    if event.event == "tell:chunk":
                        chunks.append(data.chunk)
                    if event.event == "tell:complete":
                        assert "".join(chunks) == data.response == "echo[n=1]: #slow:8:10 via redis"
                        break
        assert names[0] == "tell:queued" and names.count("tell:chunk") == 8

"""`channels.backend: redis`: two server instances share their events through a real redis-server."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import json
import logging
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from httpx_sse import aconnect_sse

from app.api import models as m
from app.engine.records import ProcessSpawned
from app.standin import ModelStandIn
from tests.streams.conftest import conforms
from tests.support.live import LiveServer, write_config

REDIS_SERVER = shutil.which("redis-server")


@dataclass
class RedisServer:
    """A private redis-server on 127.0.0.1 and a fixed free port (no persistence), stopped and started at will."""

    folder: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER is not None
        if not self.port:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)

    def kill(self) -> None:
        """Stop it the hard way (every connection drops at once)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A running redis-server of this test's own."""
    if REDIS_SERVER is None:
        pytest.fail("redis-server is needed for these tests (apt-get install redis-server)")
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis: RedisServer) -> str:
    """The URL of this test's redis-server."""
    return redis.url


async def test_an_event_of_one_instance_reaches_a_subscriber_of_another(
    servers: Callable[..., LiveServer], tmp_path: Path, standin: ModelStandIn, redis_url: str
) -> None:
    channels = {"backend": "redis", "url": redis_url}
    first = servers(write_config(tmp_path, standin, channels=channels, name="first.yaml"))
    second = servers(write_config(tmp_path, standin, channels=channels, name="second.yaml"))
    async with first.async_client() as one, second.async_client() as two:
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


class _Records(logging.Handler):
    """Keeps the records logged while it is attached."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _channels_of(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    msgspec.json.decode(response.content, type=m.SystemStatus)  # the contract's shape
    return dict(body["channels"]) | {"status": body["status"]}


async def test_events_flow_again_after_redis_restarts(
    servers: Callable[..., LiveServer],
    tmp_path: Path,
    standin: ModelStandIn,
    redis: RedisServer,
) -> None:
    channels = {"backend": "redis", "url": redis.url}
    settings = {"healthCheckInterval": 200}  # both instances publish all the time
    first = servers(write_config(tmp_path, standin, settings=settings, channels=channels, name="first.yaml"))
    second = servers(write_config(tmp_path, standin, settings=settings, channels=channels, name="second.yaml"))
    session = str(uuid.uuid4())
    marks = itertools.count(1)
    received: list[int] = []
    arrived = asyncio.Event()

    def publish(pid: int) -> None:
        first.engine.events.publish(
            ProcessSpawned(team="alpha", from_team="external", session_id=uuid.UUID(session), pid=pid)
        )

    async def flows(within: float) -> float:
        """Publish on the first instance until the subscriber of the second gets one; how long it took."""
        started = time.monotonic()
        since = next(marks)
        pid = since
        while not any(seen >= since for seen in received):
            assert time.monotonic() - started < within, f"no event crossed between the instances in {within} s"
            first.call(functools.partial(publish, pid))
            arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(arrived.wait(), 0.2)
            pid = next(marks)
        return time.monotonic() - started

    logged = _Records()
    streams_log = logging.getLogger("iris.streams")
    streams_log.addHandler(logged)
    async with first.async_client() as one, second.async_client() as two:
        for http in (one, two):
            status = _channels_of(await http.get("/api/status"))
            assert status == {
                "backend": "redis",
                "connected": True,
                "disconnectedSince": None,
                "lastError": None,
                "lastErrorAt": None,
                "reconnects": 0,
                "droppedEvents": 0,
                "status": "ok",
            }
        async with aconnect_sse(two, "GET", "/api/events", params={"team": "alpha"}) as source:

            async def read() -> None:
                async for event in source.aiter_sse():
                    if event.event == "process:spawned":
                        received.append(conforms(event.data).data.pid)
                        arrived.set()

            reader = asyncio.create_task(read())
            try:
                await flows(within=10)

                redis.kill()
                deadline = time.monotonic() + 10
                for http in (one, two):
                    while (status := _channels_of(await http.get("/api/status")))["connected"]:
                        assert time.monotonic() < deadline, "the loss of redis-server was not noticed"
                        await asyncio.sleep(0.1)
                    assert status["status"] == "degraded"
                    assert status["disconnectedSince"] is not None and status["lastErrorAt"] is not None
                    assert status["lastError"].startswith("ConnectionError")
                    assert str(tmp_path) not in status["lastError"]
                first.call(functools.partial(publish, next(marks)))  # nowhere to go: dropped and counted, not queued

                redis.start()  # the same port
                await flows(within=15)
            finally:
                streams_log.removeHandler(logged)
                reader.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reader
        for http in (one, two):
            status = _channels_of(await http.get("/api/status"))
            assert status["connected"] is True and status["status"] == "ok"
            assert status["reconnects"] == 1 and status["disconnectedSince"] is None
        assert _channels_of(await one.get("/api/status"))["droppedEvents"] >= 1
    records = logged.records
    lost = [r for r in records if r.levelno == logging.WARNING and "unreachable" in r.getMessage()]
    back = [r for r in records if r.levelno == logging.INFO and "reachable again" in r.getMessage()]
    assert len(lost) == 2 and len(back) == 2, [r.getMessage() for r in records]  # one of each per instance
    assert not [r for r in records if r.levelno >= logging.ERROR or r.exc_info]

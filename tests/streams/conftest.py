"""Stream tests: the real app (`create_app`) on a real uvicorn server in a thread with its own event loop.

The test talks to it over sockets only (httpx + httpx-sse, the `websockets` client); `Server.call` runs a
function on the server's loop when a test needs to act inside it (publish a synthetic event, read counters).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import msgspec
import pytest
import uvicorn
import yaml
from httpx_sse import ServerSentEvent, aconnect_sse

from app.api import models as m
from app.api.app import create_app
from app.api.streams import StreamAccess, StreamLayer, StreamSettings, StreamsPlugin
from app.config import IrisConfig, load_config
from app.engine import Engine
from tests.support.standin import ModelStandIn

T = TypeVar("T")

_server_event = msgspec.json.Decoder(m.ServerEvent)


def conforms(data: str | bytes) -> Any:
    """Decode one event envelope strictly against the contract's `ServerEvent` (unknown fields rejected)."""
    return _server_event.decode(data)


def write_config(
    root: Path,
    standin: ModelStandIn,
    teams: dict[str, dict[str, Any]] | None = None,
    *,
    settings: dict[str, Any] | None = None,
    api: dict[str, Any] | None = None,
    channels: dict[str, Any] | None = None,
    name: str = "config.yaml",
) -> IrisConfig:
    """A config whose teams run Claude Code on the stand-in, everything under `root`."""
    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    entries = {}
    for team, options in (teams if teams is not None else {"alpha": {}, "beta": {}}).items():
        folder = root / "projects" / team
        folder.mkdir(parents=True, exist_ok=True)
        entries[team] = {"path": str(folder), "env": {**standin.env(), "HOME": str(home)}, **options}
    document: dict[str, Any] = {
        "settings": {"shutdownGrace": 2000, "cancelGrace": 3000, **(settings or {})},
        "api": {
            "enabled": True,
            "requireAuth": False,
            "keyStorePath": str(root / f"{Path(name).stem}-keys.db"),
            "auditLogPath": str(root / f"{Path(name).stem}-audit.db"),
            "rateLimit": {"enabled": False},
            "maxStreamsPerKey": 1000,  # these tests open many streams from one address
            **(api or {}),
        },
        "database": {"path": str(root / f"{Path(name).stem}.db")},
        "teams": entries,
    }
    if channels:
        document["channels"] = channels
    file = root / name
    file.write_text(yaml.safe_dump(document))
    return load_config(file)


@dataclass
class Server:
    """`create_app(config)` served by uvicorn on 127.0.0.1 and a free port, on its own loop in a thread."""

    config: IrisConfig
    access: StreamAccess | None = None
    settings: StreamSettings | None = None
    port: int = 0
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)
    layer: StreamLayer | None = None
    send_buffer: int | None = None
    """SO_SNDBUF of the listening socket (accepted connections inherit it): a small one makes a client that
    stops reading stall the server's writes to it quickly."""
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    @property
    def engine(self) -> Engine:
        assert self.layer is not None
        return self.layer.engine

    def start(self) -> Server:
        app = create_app(self.config)
        plugin = app.plugins.get(StreamsPlugin)
        self.layer = plugin.layer
        if self.access is not None:
            self.layer.access = self.access
        if self.settings is not None:
            self.layer.settings = self.settings
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if self.send_buffer is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.send_buffer)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            app, lifespan="on", log_level="warning", timeout_graceful_shutdown=2, ws_ping_interval=None
        )
        self._server = uvicorn.Server(config)
        server = self._server

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(server.serve(sockets=[sock]))

        self._thread = threading.Thread(target=run, name=f"iris-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Iris server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=30)
        assert not self._thread.is_alive(), "the Iris server did not stop"
        self.loop.close()

    def call(self, fn: Callable[[], T]) -> T:
        """Run `fn()` on the server's loop and return its result (from a test's thread or loop)."""
        done: concurrent.futures.Future[T] = concurrent.futures.Future()

        def run() -> None:
            try:
                done.set_result(fn())
            except BaseException as exc:  # handed to the caller
                done.set_exception(exc)

        self.loop.call_soon_threadsafe(run)
        return done.result(timeout=30)

    async def eventually(self, fn: Callable[[], Any], expected: Any, timeout: float = 10.0) -> None:
        """Wait until `fn()`, run on the server's loop, returns `expected`."""
        deadline = time.monotonic() + timeout
        while (value := self.call(fn)) != expected:
            assert time.monotonic() < deadline, f"still {value!r}, expected {expected!r}"
            await asyncio.sleep(0.05)

    async def run(self, coroutine: Any) -> Any:
        """Await a coroutine on the server's loop."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self.loop))

    def client(self, **headers: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, headers=headers, timeout=httpx.Timeout(60.0))


@pytest.fixture
def servers() -> Iterator[Callable[..., Server]]:
    """Start servers; every one is stopped after the test."""
    started: list[Server] = []

    def start(config: IrisConfig, **options: Any) -> Server:
        server = Server(config, **options).start()
        started.append(server)
        return server

    yield start
    for server in reversed(started):
        server.stop()


@pytest.fixture
def config(tmp_path: Path, standin: ModelStandIn) -> IrisConfig:
    """Teams alpha and beta; health ticks every 200 ms."""
    return write_config(tmp_path, standin, settings={"healthCheckInterval": 200})


@pytest.fixture
def server(servers: Callable[..., Server], config: IrisConfig) -> Server:
    """One server on `config`, authentication off."""
    return servers(config)


async def wake(http: httpx.AsyncClient, team: str = "alpha") -> str:
    """Wake a team for the default caller; returns its session id."""
    response = await http.post(f"/api/teams/{team}/wake", json={})
    assert response.status_code == 200, response.text
    return str(response.json()["sessionId"])


@dataclass
class Received:
    """What one SSE subscriber got."""

    events: list[ServerSentEvent] = field(default_factory=list)

    def named(self, name: str) -> list[ServerSentEvent]:
        return [event for event in self.events if event.event == name]

    def data(self, name: str) -> list[dict[str, Any]]:
        return [json.loads(event.data)["data"] for event in self.named(name)]


async def sse_events(
    http: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    until: Callable[[ServerSentEvent], bool] | None = None,
    timeout: float = 30.0,
    **kwargs: Any,
) -> AsyncIterator[ServerSentEvent]:
    """The events of one SSE response (each checked against the contract), until `until` says stop."""
    async with asyncio.timeout(timeout), aconnect_sse(http, method, url, **kwargs) as source:
        assert source.response.status_code == 200, await source.response.aread()
        async for event in source.aiter_sse():
            conforms(event.data)
            envelope = json.loads(event.data)
            assert envelope["event"] == event.event
            yield event
            if until is not None and until(event):
                return


def assert_ids(events: list[ServerSentEvent]) -> None:
    """Session events carry `id: <sessionId>:<seq>` matching their data; the others carry none."""
    for event in events:
        data = json.loads(event.data)["data"]
        if "seq" in data and "sessionId" in data:
            assert event.id == f"{data['sessionId']}:{data['seq']}", event

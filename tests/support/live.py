"""The tests' live Iris: config files on the model stand-in, and the real app served by uvicorn on 127.0.0.1.

`LiveServer` serves `create_app(config)` with Iris's own HTTP protocol (`app.api.server.IrisHttpProtocol`, so
the header limits and the graceful stop work as in production) on a free port, on its own event loop in a
thread. Tests talk to it over sockets; `call` and `run` act on the server's loop when a test needs to (publish a
synthetic event, read counters). The API, stream, client and auth tests all use it. The tests of the commands
that serve (`python -m app serve`, `litestar run`) run them as child processes: `child_environment` and
`wait_until_serving` are theirs.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import httpx
import msgspec
import uvicorn
import yaml

from app.api.app import create_app
from app.api.server import IrisHttpProtocol
from app.api.streams import StreamAccess, StreamLayer, StreamSettings, StreamsPlugin
from app.auth.store import KeyStore
from app.config import IrisConfig, load_config
from app.engine import Engine
from app.standin import ModelStandIn
from tests.conftest import claude_processes

__all__ = [
    "ROOT",
    "LiveServer",
    "child_environment",
    "create_key",
    "free_port",
    "wait_until_serving",
    "write_config",
]

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[2]
"""The repository: the working directory and import path of the child processes."""


def write_config(
    root: Path,
    standin: ModelStandIn,
    teams: dict[str, dict[str, Any]] | None = None,
    *,
    settings: dict[str, Any] | None = None,
    api: dict[str, Any] | None = None,
    channels: dict[str, Any] | None = None,
    dashboard: dict[str, Any] | None = None,
    name: str = "config.yaml",
) -> IrisConfig:
    """A config file `root/name` whose teams (default: alpha and beta) run Claude Code on the stand-in.

    Everything stays under `root`: the teams' folders and HOME (Claude Code's transcripts), Iris's database, key
    store and audit log (`iris.db`, `keys.db`, `audit.db`; prefixed with the file's stem for any other `name`,
    so that several configs can share a folder).
    """
    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    entries = {}
    for team, options in (teams if teams is not None else {"alpha": {}, "beta": {}}).items():
        folder = root / "projects" / team
        folder.mkdir(parents=True, exist_ok=True)
        entries[team] = {"path": str(folder), "env": {**standin.env(), "HOME": str(home)}, **options}
    prefix = "" if name == "config.yaml" else f"{Path(name).stem}-"
    document: dict[str, Any] = {
        "settings": {"shutdownGrace": 2000, "cancelGrace": 3000, **(settings or {})},
        "api": {
            "enabled": True,
            "requireAuth": False,
            "keyStorePath": str(root / f"{prefix}keys.db"),
            "auditLogPath": str(root / f"{prefix}audit.db"),
            "rateLimit": {"enabled": False},
            "maxStreamsPerKey": 1000,  # the tests open many streams from one address
            "audit": {"authSuccess": "all"},  # every request's row, so that tests can count them
            **(api or {}),
        },
        "database": {"path": str(root / f"{prefix}iris.db")},
        "teams": entries,
    }
    if channels:
        document["channels"] = channels
    if dashboard:
        document["dashboard"] = dashboard
    file = root / name
    file.write_text(yaml.safe_dump(document))
    return load_config(file)


def create_key(config: IrisConfig, name: str = "tests-admin", **options: Any) -> str:
    """A new key (default: the admin role) in the config's key store, made before or while the server runs."""

    async def make() -> str:
        async with KeyStore(config.api.key_store_path) as store:
            return (await store.create(name, **({"role": "admin"} | options))).key

    return asyncio.run(make())


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now (for a server in a child process, which binds it itself)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def child_environment(iris_home: Path, **extra: str) -> dict[str, str]:
    """The environment of an Iris child process: this one's, importing from the repository, with its own
    IRIS_HOME and no IRIS_CONFIG_PATH unless `extra` names one."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "IRIS_HOME": str(iris_home)}
    env.pop("IRIS_CONFIG_PATH", None)
    return {**env, **extra}


def wait_until_serving(
    url: str, process: subprocess.Popen[bytes], output: Callable[[], str], timeout: float = 60.0, **options: Any
) -> httpx.Response:
    """The first answer of `GET {url}/api/health` (httpx `options`, e.g. `verify`) from the server in `process`;
    fails with the end of its `output()` when it exits first, or when it does not answer within `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, output()[-3000:]
        try:
            return httpx.get(f"{url}/api/health", timeout=2, **options)
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.1)


@dataclass
class LiveServer:
    """`create_app(config)` served by uvicorn on 127.0.0.1 and a free port, on its own loop in a thread."""

    config: IrisConfig
    key: str | None = None
    """A key the clients send by default (None: no `Authorization` header)."""
    access: StreamAccess | None = None
    """Replaces the stream layer's access checks."""
    settings: StreamSettings | None = None
    """Replaces the stream layer's settings."""
    send_buffer: int | None = None
    """SO_SNDBUF of the listening socket (accepted connections inherit it): a small one makes a client that
    stops reading stall the server's writes to it quickly."""
    options: dict[str, Any] = field(default_factory=dict)
    """uvicorn.Config options over the harness's own (for example a log level)."""
    port: int = 0
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)
    layer: StreamLayer | None = None
    server: uvicorn.Server | None = None
    thread: threading.Thread | None = None

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

    def start(self) -> LiveServer:
        """Serve the app; returns once it accepts connections."""
        if self.loop.is_closed():
            self.loop = asyncio.new_event_loop()
        # IPPROTO_TCP named, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP, and without
        # it every answer waits ~40 ms on the client's delayed ACK
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if self.send_buffer is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.send_buffer)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        # the app learns where it listens, as under `python -m app serve` (the dashboard's own port names it)
        api = msgspec.structs.replace(self.config.api, host="127.0.0.1", port=self.port)
        self.config = msgspec.structs.replace(self.config, api=api)
        app = create_app(self.config)
        self.layer = app.plugins.get(StreamsPlugin).layer
        if self.access is not None:
            self.layer.access = self.access
        if self.settings is not None:
            self.layer.settings = self.settings
        options: dict[str, Any] = {
            "http": IrisHttpProtocol,
            "lifespan": "on",
            "log_level": "warning",
            "timeout_graceful_shutdown": 5,
            "ws_ping_interval": None,
            **self.options,
        }
        server = self.server = uvicorn.Server(uvicorn.Config(app, **options))

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(server.serve(sockets=[sock]))

        self.thread = threading.Thread(target=run, name=f"iris-{self.port}", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Iris server did not start")
            time.sleep(0.01)
        return self

    def stop(self, *, orphans: bool = False) -> None:
        """Stop gracefully (the engine puts every process to sleep) and wait for it; unless `orphans` (another
        server of the test still runs), check that no Claude Code process outlived it."""
        if self.server is None or self.thread is None:
            return
        self.server.should_exit = True
        self.thread.join(timeout=30)
        assert not self.thread.is_alive(), "the Iris server did not stop"
        self.loop.close()
        self.server = None
        if not orphans:
            assert claude_processes() == [], "Claude Code processes outlived the server"

    def __enter__(self) -> LiveServer:
        return self.start() if self.server is None else self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

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

    async def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Await a coroutine on the server's loop."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self.loop))

    def _headers(self, key: str | None, headers: dict[str, str]) -> dict[str, str]:
        key = key or self.key
        return {**({"Authorization": f"Bearer {key}"} if key else {}), **headers}

    def client(self, timeout: float = 60.0, key: str | None = None, **headers: str) -> httpx.Client:
        """An HTTP client for this server, sending `key` (default: the server's own) when there is one."""
        return httpx.Client(base_url=self.url, timeout=timeout, headers=self._headers(key, headers))

    def async_client(self, timeout: float = 60.0, key: str | None = None, **headers: str) -> httpx.AsyncClient:
        """The same, for a test on an event loop."""
        return httpx.AsyncClient(base_url=self.url, timeout=timeout, headers=self._headers(key, headers))

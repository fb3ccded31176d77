"""Fixtures of the HTTP tests: configs on the model stand-in, and a real uvicorn server in a thread."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
import yaml

from app.api.app import create_app
from app.auth.store import KeyStore
from app.config import IrisConfig, load_config
from tests.conftest import claude_processes
from tests.support.standin import ModelStandIn


def write_config(
    root: Path,
    standin: ModelStandIn,
    teams: dict[str, dict[str, Any]],
    *,
    settings: dict[str, Any] | None = None,
    api: dict[str, Any] | None = None,
) -> IrisConfig:
    """A config file under `root` whose teams (each a folder under root) run Claude Code on the stand-in.

    Everything stays under `root`: the teams' HOME (Claude Code's transcripts) and Iris's database.
    """
    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    entries = {}
    for name, options in teams.items():
        folder = root / "projects" / name
        folder.mkdir(parents=True, exist_ok=True)
        entries[name] = {"path": str(folder), "env": {**standin.env(), "HOME": str(home)}, **options}
    document = {
        "settings": {"shutdownGrace": 2000, "cancelGrace": 3000, **(settings or {})},
        "api": {
            "enabled": True,
            "requireAuth": False,
            "keyStorePath": str(root / "keys.db"),
            "auditLogPath": str(root / "audit.db"),
            "rateLimit": {"enabled": False},
            **(api or {}),
        },
        "database": {"path": str(root / "iris.db")},
        "teams": entries,
    }
    file = root / "config.yaml"
    file.write_text(yaml.safe_dump(document))
    return load_config(file)


def create_key(config: IrisConfig, name: str = "tests-admin", **options: Any) -> str:
    """A new key (default: the admin role) in the config's key store, made before or while the server runs."""

    async def make() -> str:
        async with KeyStore(config.api.key_store_path) as store:
            return (await store.create(name, **({"role": "admin"} | options))).key

    return asyncio.run(make())


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """The Iris app served by uvicorn in a background thread."""

    config: IrisConfig
    url: str
    server: uvicorn.Server
    thread: threading.Thread
    key: str | None = None
    """An admin key in the server's key store (None when authentication is off)."""

    def client(self, timeout: float = 60.0, key: str | None = None) -> httpx.Client:
        """An HTTP client for this server, sending `key` (default: the server's admin key) when there is one."""
        key = key or self.key
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, timeout=timeout, headers=headers)


def start_server(config: IrisConfig, key: str | None = None) -> LiveServer:
    """Serve `create_app(config)` on 127.0.0.1 and a free port; returns once it accepts connections."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(config), lifespan="on", log_level="warning", timeout_graceful_shutdown=5)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="iris-api", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the Iris server did not start")
        time.sleep(0.01)
    return LiveServer(config, f"http://127.0.0.1:{port}", server, thread, key)


def stop_server(live: LiveServer) -> None:
    """Shut the server down (the engine puts every process to sleep) and wait for it."""
    live.server.should_exit = True
    live.thread.join(timeout=30)
    assert not live.thread.is_alive(), "the Iris server did not stop"
    assert claude_processes() == [], "Claude Code processes outlived the server"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, standin: ModelStandIn) -> Iterator[LiveServer]:
    """A real server with teams alpha, beta and gamma (gamma asks before any tool use), authentication on and
    an admin key (rate limit high enough for the whole module)."""
    config = write_config(
        tmp_path_factory.mktemp("live"),
        standin,
        {"alpha": {}, "beta": {}, "gamma": {"grantPermission": "ask"}},
        settings={"permissionTimeout": 30000},
        api={"requireAuth": True, "rateLimit": {"enabled": True, "maxRequests": 1_000_000}},
    )
    server = start_server(config, create_key(config))
    yield server
    stop_server(server)


@pytest.fixture
def client(live: LiveServer) -> Iterator[httpx.Client]:
    """A client of the live server."""
    with live.client() as http:
        yield http

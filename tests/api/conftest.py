"""Fixtures of the HTTP tests: configs on the model stand-in, and a real uvicorn server in a thread."""

from __future__ import annotations

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
        "api": {"enabled": True, "requireAuth": False, **(api or {})},
        "database": {"path": str(root / "iris.db")},
        "teams": entries,
    }
    file = root / "config.yaml"
    file.write_text(yaml.safe_dump(document))
    return load_config(file)


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

    def client(self, timeout: float = 60.0) -> httpx.Client:
        """An HTTP client for this server."""
        return httpx.Client(base_url=self.url, timeout=timeout)


def start_server(config: IrisConfig) -> LiveServer:
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
    return LiveServer(config, f"http://127.0.0.1:{port}", server, thread)


def stop_server(live: LiveServer) -> None:
    """Shut the server down (the engine puts every process to sleep) and wait for it."""
    live.server.should_exit = True
    live.thread.join(timeout=30)
    assert not live.thread.is_alive(), "the Iris server did not stop"
    assert claude_processes() == [], "Claude Code processes outlived the server"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, standin: ModelStandIn) -> Iterator[LiveServer]:
    """A real server with teams alpha, beta and gamma (gamma asks before any tool use)."""
    config = write_config(
        tmp_path_factory.mktemp("live"),
        standin,
        {"alpha": {}, "beta": {}, "gamma": {"grantPermission": "ask"}},
        settings={"permissionTimeout": 30000},
    )
    server = start_server(config)
    yield server
    stop_server(server)


@pytest.fixture
def client(live: LiveServer) -> Iterator[httpx.Client]:
    """A client of the live server."""
    with live.client() as http:
        yield http

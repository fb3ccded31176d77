"""Fixtures of the HTTP tests: one live server with authentication on, a client of it, and the servers that tests
run as child processes, killed after the test if they still run."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import httpx
import pytest

from app.standin import ModelStandIn
from tests.support.live import LiveServer, create_key, write_config


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
    with LiveServer(config, create_key(config)) as server:
        yield server


@pytest.fixture
def client(live: LiveServer) -> Iterator[httpx.Client]:
    """A client of the live server."""
    with live.client() as http:
        yield http


@pytest.fixture
def stopper() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Child processes a test started: any still running after it is killed."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(10)

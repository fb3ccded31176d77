"""Stream tests: the real app on the shared live server (`tests.support.live`), one or more per test, and
helpers that read SSE and check every event against the contract."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from httpx_sse import ServerSentEvent, aconnect_sse

from app.api import models as m
from app.config import IrisConfig
from app.standin import ModelStandIn
from tests.conftest import claude_processes
from tests.support.live import LiveServer, write_config

_server_event = msgspec.json.Decoder(m.ServerEvent)


def conforms(data: str | bytes) -> Any:
    """Decode one event envelope strictly against the contract's `ServerEvent` (unknown fields rejected)."""
    return _server_event.decode(data)


@pytest.fixture
def servers() -> Iterator[Callable[..., LiveServer]]:
    """Start servers (`LiveServer` options: access, settings, send_buffer); every one is stopped after the test,
    and no Claude Code process may outlive them."""
    started: list[LiveServer] = []

    def start(config: IrisConfig, **options: Any) -> LiveServer:
        server = LiveServer(config, **options).start()
        started.append(server)
        return server

    yield start
    for server in reversed(started):
        server.stop(orphans=True)
    assert claude_processes() == [], "Claude Code processes outlived the servers"


@pytest.fixture
def config(tmp_path: Path, standin: ModelStandIn) -> IrisConfig:
    """Teams alpha and beta; health ticks every 200 ms."""
    return write_config(tmp_path, standin, settings={"healthCheckInterval": 200})


@pytest.fixture
def server(servers: Callable[..., LiveServer], config: IrisConfig) -> LiveServer:
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

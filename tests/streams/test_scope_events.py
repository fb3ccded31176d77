"""A key scoped to alpha on the team and system channels, over the WebSocket and SSE at once: it gets the events
of its pairs only (a beta → alpha pair's never, session ids included; an external → alpha pair's do), health
ticks counted over its pairs, and may follow a session only when both its team and its caller are in scope.
Real app, real key store and auth layer, real uvicorn server, Claude Code on the stand-in."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from httpx_sse import aconnect_sse
from websockets.asyncio.client import ClientConnection, connect

from app.auth.keys import CreatedKey
from app.auth.store import KeyStore
from app.standin import ModelStandIn
from tests.streams.conftest import conforms
from tests.streams.test_websocket import send, until
from tests.support.live import LiveServer, write_config

TEAM_EVENTS = ("process:spawned", "permission:request", "permission:resolved", "process:terminated")
"""What a wake, a denied tool use and a sleep of one pair publish on its team's channel."""


@dataclass
class Feed:
    """Everything one subscriber received, as raw envelopes (each checked against the contract)."""

    raw: list[str] = field(default_factory=list)

    def events(self, name: str | None = None) -> list[dict[str, Any]]:
        """The envelopes' data, of one event name or of all."""
        decoded = [json.loads(raw) for raw in self.raw]
        return [e["data"] for e in decoded if name is None or e["event"] == name]

    def of_session(self, session_id: str) -> list[str]:
        """The names of the team events about a session."""
        decoded = [json.loads(raw) for raw in self.raw]
        return [e["event"] for e in decoded if e["data"].get("sessionId") == session_id]

    async def wait(self, predicate: Callable[[Feed], Any], timeout: float = 30.0) -> Any:
        """The first truthy value of `predicate(self)`, polled as events arrive."""
        deadline = time.monotonic() + timeout
        while not (value := predicate(self)):
            assert time.monotonic() < deadline, f"not received in {timeout} s: {[json.loads(r) for r in self.raw]}"
            await asyncio.sleep(0.05)
        return value


@dataclass
class Subscribers:
    """The scoped key on the WebSocket and on SSE, and a key without a scope on SSE (what was published)."""

    ws: Feed
    sse: Feed
    control: Feed

    @property
    def scoped(self) -> tuple[Feed, Feed]:
        return (self.ws, self.sse)


@pytest.fixture
def secured(servers: Callable[..., LiveServer], tmp_path: Path, standin: ModelStandIn) -> LiveServer:
    """Authentication on; alpha asks for every tool use; health ticks every 200 ms."""
    config = write_config(
        tmp_path,
        standin,
        {"alpha": {"grantPermission": "ask"}, "beta": {}},
        settings={"healthCheckInterval": 200, "permissionTimeout": 60000},
        api={"requireAuth": True},
    )
    return servers(config)


async def make_keys(server: LiveServer) -> tuple[CreatedKey, CreatedKey]:
    """An admin key without a scope, and a viewer key scoped to alpha."""
    async with KeyStore(server.config.api.key_store_path) as store:
        admin = await store.create("driver", role="admin")
        scoped = await store.create("alpha-viewer", role="viewer", teams=["alpha"])
    return admin, scoped


def bearer(key: CreatedKey) -> dict[str, str]:
    return {"Authorization": f"Bearer {key.key}"}


async def _read_ws(ws: ClientConnection, feed: Feed) -> None:
    async for raw in ws:
        assert isinstance(raw, str)
        conforms(raw)
        feed.raw.append(raw)


async def _read_sse(http: httpx.AsyncClient, feed: Feed, opened: asyncio.Event) -> None:
    async with aconnect_sse(http, "GET", "/api/events", params={"team": "alpha", "system": "true"}) as source:
        assert source.response.status_code == 200, await source.response.aread()
        opened.set()
        async for event in source.aiter_sse():
            conforms(event.data)
            feed.raw.append(event.data)


def _ticked(feed: Feed) -> bool:
    return bool(feed.events("health:check"))


@contextlib.asynccontextmanager
async def subscribed(server: LiveServer, scoped: CreatedKey, admin: CreatedKey) -> AsyncIterator[Subscribers]:
    """Subscribers on `team:alpha` and `system`, each joined (a health tick came) before this yields."""
    subscribers = Subscribers(Feed(), Feed(), Feed())
    async with (
        connect(server.ws_url, additional_headers=bearer(scoped)) as ws,
        server.async_client(**bearer(scoped)) as scoped_http,
        server.async_client(**bearer(admin)) as admin_http,
    ):
        await send(ws, "process:subscribe", {"team": "alpha"})
        await send(ws, "system:subscribe")
        opened = [asyncio.Event(), asyncio.Event()]
        readers = [
            asyncio.create_task(_read_ws(ws, subscribers.ws)),
            asyncio.create_task(_read_sse(scoped_http, subscribers.sse, opened[0])),
            asyncio.create_task(_read_sse(admin_http, subscribers.control, opened[1])),
        ]
        try:
            for feed in (subscribers.ws, subscribers.sse, subscribers.control):
                await feed.wait(_ticked)
            yield subscribers
        finally:
            for reader in readers:
                reader.cancel()
            ended = await asyncio.gather(*readers, return_exceptions=True)
            failures = [result for result in ended if isinstance(result, Exception)]
            if failures:  # a reader that failed on its own (an event off the contract) says why
                raise failures[0]


async def wake(http: httpx.AsyncClient, team: str, from_team: str | None = None) -> str:
    """Wake the pair; its session id."""
    body = {"fromTeam": from_team} if from_team else {}
    response = await http.post(f"/api/teams/{team}/wake", json=body)
    assert response.status_code == 200, response.text
    return str(response.json()["sessionId"])


async def ask(http: httpx.AsyncClient, control: Feed, from_team: str | None, file: str) -> tuple[str, str]:
    """A tell to alpha whose tool use waits for a decision; its request id and permission id."""
    body: dict[str, Any] = {"toTeam": "alpha", "message": f"#bash:touch {file}"}
    if from_team:
        body["fromTeam"] = from_team
    started = await http.post("/api/teams/quick-tell", json=body)
    assert started.status_code == 202, started.text
    request_id = started.json()["requestId"]
    request = await control.wait(
        lambda feed: next((e for e in feed.events("permission:request") if e["requestId"] == request_id), None)
    )
    return request_id, request["permissionId"]


async def deny(http: httpx.AsyncClient, request_id: str, permission_id: str) -> None:
    """Deny the tool use and wait for the tell to end."""
    decided = await http.post(f"/api/permissions/{permission_id}", json={"decision": "deny"})
    assert decided.status_code == 200, decided.text
    for _ in range(300):
        record = (await http.get(f"/api/requests/{request_id}")).json()
        if record["status"] not in ("queued", "running"):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"tell {request_id} did not end: {record}")


async def sleep(http: httpx.AsyncClient, control: Feed, session_id: str, from_team: str | None = None) -> None:
    """Put the pair's process to sleep and wait until its `process:terminated` was published."""
    body = {"fromTeam": from_team} if from_team else {}
    response = await http.post("/api/teams/alpha/sleep", json=body)
    assert response.status_code == 200, response.text
    await control.wait(lambda feed: "process:terminated" in feed.of_session(session_id))


async def test_team_events_reach_a_scoped_key_only_for_pairs_in_its_scope(secured: LiveServer) -> None:
    admin, scoped = await make_keys(secured)
    async with secured.async_client(**bearer(admin)) as http, subscribed(secured, scoped, admin) as subscribers:
        control = subscribers.control
        beta_pair = await wake(http, "alpha", "beta")
        await deny(http, *await ask(http, control, "beta", "beta-file"))
        await sleep(http, control, beta_pair, "beta")

        external_pair = await wake(http, "alpha")
        await deny(http, *await ask(http, control, None, "external-file"))
        await sleep(http, control, external_pair)

        # published: both pairs' events went out on team:alpha
        assert control.of_session(beta_pair) == list(TEAM_EVENTS)
        assert control.of_session(external_pair) == list(TEAM_EVENTS)
        for feed in subscribers.scoped:
            # delivered in order on one channel: once the external pair's last event is in, nothing else is due
            await feed.wait(lambda f: "process:terminated" in f.of_session(external_pair))
            assert feed.of_session(external_pair) == list(TEAM_EVENTS)
            assert all(e["fromTeam"] == "external" for e in feed.events() if "fromTeam" in e)
            assert not [raw for raw in feed.raw if beta_pair in raw]


async def test_health_check_counts_only_the_scoped_keys_pairs(secured: LiveServer) -> None:
    admin, scoped = await make_keys(secured)
    async with secured.async_client(**bearer(admin)) as http, subscribed(secured, scoped, admin) as subscribers:
        control = subscribers.control
        await wake(http, "alpha", "beta")
        request_id, permission_id = await ask(http, control, "beta", "held")  # processing, its tool use pending
        await wake(http, "beta")
        await wake(http, "alpha")
        await wake(http, "alpha", "alpha")

        settled = {"spawning": 0, "idle": 3, "processing": 1, "terminating": 0}
        server_tick = await control.wait(
            lambda f: next(
                (t for t in f.events("health:check") if t["processes"] == settled and t["pendingPermissions"] == 1),
                None,
            )
        )
        assert server_tick["totalProcesses"] == 4
        for feed in subscribers.scoped:
            tick = await feed.wait(
                lambda f: next((t for t in f.events("health:check") if t["uptime"] >= server_tick["uptime"]), None)
            )
            same = next(t for t in control.events("health:check") if t["timestamp"] == tick["timestamp"])
            assert tick == {
                "totalProcesses": 2,  # external → alpha and alpha → alpha
                "processes": {"spawning": 0, "idle": 2, "processing": 0, "terminating": 0},
                "pendingPermissions": 0,
                "maxProcesses": same["maxProcesses"],
                "uptime": same["uptime"],
                "timestamp": same["timestamp"],
            }
            assert same["totalProcesses"] == 4 and same["pendingPermissions"] == 1
        await deny(http, request_id, permission_id)


async def test_session_subscriptions_need_both_caller_and_team_in_scope(secured: LiveServer) -> None:
    admin, scoped = await make_keys(secured)
    async with secured.async_client(**bearer(admin)) as http, secured.async_client(**bearer(scoped)) as scoped_http:
        refused = {
            await wake(http, "alpha", "beta"): {"fromTeam": "beta"},
            await wake(http, "beta", "alpha"): {"team": "beta"},
        }
        allowed = await wake(http, "alpha")
        async with connect(secured.ws_url, additional_headers=bearer(scoped)) as ws:
            for session_id, details in refused.items():
                await send(ws, "cache:subscribe", {"sessionId": session_id})
                error = (await until(ws, "error"))[-1]["data"]
                assert error["statusCode"] == 403, error
                assert error["details"] == {**details, "event": "cache:subscribe"}, error

                async with aconnect_sse(scoped_http, "GET", "/api/events", params={"session": session_id}) as source:
                    assert source.response.status_code == 403
                    body = json.loads(await source.response.aread())
                    assert body["statusCode"] == 403 and body["details"] == details, body

            # the session of a pair within scope is followed
            await send(ws, "cache:subscribe", {"sessionId": allowed})
            await send(ws, "cache:subscribe", {"sessionId": next(iter(refused))})
            error = (await until(ws, "error"))[-1]["data"]  # the first subscription raised nothing
            assert error["details"]["fromTeam"] == "beta"
            tell = await http.post("/api/teams/quick-tell", json={"toTeam": "alpha", "message": "#bash:touch seen"})
            assert tell.status_code == 202, tell.text
            request = (await until(ws, "permission:request"))[-1]["data"]
            assert request["sessionId"] == allowed

"""Unauthenticated and forbidden subscriptions, over SSE and the WebSocket, on a real server.

The stream layer is given its own `StreamAccess` with a few keys (the REST routes stay open in these tests,
so that they do not depend on how the app's HTTP authentication is wired).
"""

from __future__ import annotations

import asyncio
import datetime
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from httpx_sse import aconnect_sse
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from app.api.streams import StreamAccess, StreamSettings, as_identity
from app.auth.audit import AuditLog
from app.auth.keys import KeyRecord
from app.config import IrisConfig
from app.errors import TooManyRequestsError
from app.standin import ModelStandIn
from tests.streams.conftest import conforms, sse_events
from tests.streams.test_websocket import receive, send, until
from tests.support.live import LiveServer, write_config


@dataclass(frozen=True)
class Key:
    id: str
    permissions: frozenset[str]
    teams: tuple[str, ...] | None = None

    def has(self, permission: str) -> bool:
        return "admin" in self.permissions or permission in self.permissions

    def allows_team(self, team: str) -> bool:
        return self.teams is None or team in self.teams


VIEWER = frozenset({"status:read", "cache:read"})
KEYS = {
    "viewer": Key("k_viewer0000", VIEWER),
    "status-only": Key("k_status0000", frozenset({"status:read"})),
    "alpha-operator": Key("k_alphaop000", VIEWER | {"team:tell"}, ("alpha",)),
}


@pytest.fixture
def keys() -> dict[str, Key]:
    return dict(KEYS)


@pytest.fixture
def secured(servers: Callable[..., LiveServer], config: IrisConfig, keys: dict[str, Key]) -> LiveServer:
    async def authenticate(token: str) -> Key | None:
        return keys.get(token)

    access = StreamAccess(require_auth=True, authenticate=authenticate)
    return servers(config, access=access, settings=StreamSettings(auth_timeout_seconds=0.5))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_sse_unauthenticated_and_forbidden(secured: LiveServer) -> None:
    alpha = await secured.run(secured.engine.wake("alpha"))
    beta = await secured.run(secured.engine.wake("beta"))
    async with secured.async_client() as http:
        cases: list[tuple[str | None, str, dict[str, Any], int, dict[str, Any]]] = [
            (None, "GET", {"params": {"system": "true"}}, 401, {}),
            ("wrong", "GET", {"params": {"system": "true"}}, 401, {}),
            ("status-only", "GET", {"params": {"system": "true"}}, 403, {"permission": "cache:read"}),
            ("alpha-operator", "GET", {"params": {"team": "beta"}}, 403, {"team": "beta"}),
            ("alpha-operator", "GET", {"params": {"session": str(beta.session_id)}}, 403, {"team": "beta"}),
            ("alpha-operator", "GET", {"params": {"session": str(uuid.uuid4())}}, 404, {}),
            ("viewer", "POST", {"json": {"toTeam": "alpha", "message": "hi"}}, 403, {"permission": "team:tell"}),
            ("alpha-operator", "POST", {"json": {"toTeam": "beta", "message": "hi"}}, 403, {"team": "beta"}),
        ]
        for token, method, kwargs, status, details in cases:
            path = "/api/events" if method == "GET" else "/api/teams/tell/stream"
            response = await http.request(method, path, headers=bearer(token) if token else {}, **kwargs)
            assert response.status_code == status, (token, kwargs, response.text)
            body = response.json()
            assert body["statusCode"] == status and body["error"] in (
                "UnauthorizedError",
                "ForbiddenError",
                "SessionNotFoundError",
            )
            for key, value in details.items():
                assert body["details"][key] == value

        # allowed: the scoped key on its own team and session
        params = {"session": str(alpha.session_id), "team": "alpha"}
        async with aconnect_sse(http, "GET", "/api/events", params=params, headers=bearer("alpha-operator")) as source:
            assert source.response.status_code == 200
    async with secured.async_client() as http:
        events = [
            e.event
            async for e in sse_events(
                http,
                "POST",
                "/api/teams/tell/stream",
                json={"toTeam": "alpha", "message": "scoped"},
                headers=bearer("alpha-operator"),
            )
        ]
        assert events[0] == "tell:accepted" and events[-1] == "tell:complete"


async def test_websocket_credentials(secured: LiveServer, keys: dict[str, Key]) -> None:
    # no credentials at all: closed 4401 once the 5 s (here 0.5 s) for an auth message are up
    async with connect(secured.ws_url) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    # a bad key in the header: closed at once
    async with connect(secured.ws_url, additional_headers=bearer("wrong")) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    # a first message that is not auth
    async with connect(secured.ws_url) as ws:
        await send(ws, "system:subscribe")
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401

    # auth as the first message (browsers), then subscriptions checked one by one
    async with connect(secured.ws_url) as ws:
        await send(ws, "auth", {"token": "alpha-operator"})
        await send(ws, "process:subscribe", {"team": "beta"})
        error = await receive(ws)
        assert error["event"] == "error" and error["data"]["statusCode"] == 403
        assert error["data"]["details"] == {"team": "beta", "event": "process:subscribe"}
        await send(ws, "tell:start", {"toTeam": "beta", "message": "no"})
        error = await receive(ws)
        assert error["data"]["error"] == "ForbiddenError" and error["data"]["details"]["event"] == "tell:start"
        await send(ws, "system:subscribe")
        await until(ws, "health:check")
        # revoked: the next message finds out
        del keys["alpha-operator"]
        await send(ws, "process:subscribe", {"team": "alpha"})
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await asyncio.wait_for(ws.recv(), 10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401

    # the header works too, and a viewer may not start tells
    async with connect(secured.ws_url, additional_headers=bearer("viewer")) as ws:
        await send(ws, "tell:start", {"toTeam": "alpha", "message": "no"})
        error = await receive(ws)
        assert error["data"]["details"] == {"permission": "team:tell", "event": "tell:start"}
        conforms(json.dumps(error))


def test_key_records_plug_in_as_identities() -> None:
    now = datetime.datetime.now(datetime.UTC)
    record = KeyRecord("k_abcdefghij", "ci", None, ("status:read",), ("alpha",), None, now)
    identity = as_identity(record)
    assert identity is not None and identity.key_id == "k_abcdefghij" and identity.scoped
    assert identity.allows("status:read") and identity.allows("status:read", "alpha")
    assert not identity.allows("status:read", "beta") and not identity.allows("cache:read")


async def test_websocket_tells_are_rate_limited_and_audited(
    servers: Callable[..., LiveServer], config: IrisConfig, keys: dict[str, Key]
) -> None:
    counts: dict[str | None, int] = {}
    audited: list[tuple[str, str | None, dict[str, Any]]] = []

    def rate_limit(key_id: str | None, client: str | None) -> None:
        counts[key_id] = counts.get(key_id, 0) + 1
        if counts[key_id] > 2:
            raise TooManyRequestsError("Rate limit exceeded", {"retryAfter": 60})

    access = StreamAccess(
        require_auth=True,
        authenticate=keys.get,
        rate_limit=rate_limit,
        audit=lambda event, identity, client, details: audited.append((event, identity.key_id, dict(details))),
    )
    server = servers(config, access=access)
    async with connect(server.ws_url, additional_headers=bearer("alpha-operator")) as ws:
        for _ in range(2):
            await send(ws, "tell:start", {"toTeam": "alpha", "message": "counted"})
            await until(ws, "tell:complete")
        await send(ws, "tell:start", {"toTeam": "alpha", "message": "one too many"})
        error = await receive(ws)
        assert error["event"] == "error" and error["data"]["statusCode"] == 429
        assert error["data"]["error"] == "TooManyRequestsError"
    assert [(event, key) for event, key, _ in audited] == [("tell", "k_alphaop000")] * 2
    assert all(details["via"] == "websocket" and details["toTeam"] == "alpha" for _, _, details in audited)


async def test_an_address_that_keeps_failing_over_the_websocket_is_refused_and_audited(
    servers: Callable[..., LiveServer], tmp_path: Path, standin: ModelStandIn
) -> None:
    """Failed keys over `/ws` count against the address: once they are used up, every socket gets 4429 before its
    key is looked at, and a `rate_limited` row; each failure before that its `auth_failure` row."""
    limit = {"enabled": True, "maxRequests": 2}
    config = write_config(tmp_path, standin, api={"requireAuth": True, "rateLimit": limit})
    server = servers(config)
    closes = []
    for _ in range(4):
        async with connect(server.ws_url, additional_headers={"Authorization": "Bearer iris_sk_wrong"}) as ws:
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    await ws.recv()
            closes.append(closed.value.rcvd.code if closed.value.rcvd else None)
    assert closes == [4401, 4401, 4429, 4429]
    server.stop()  # which writes the audit rows still queued
    async with AuditLog(config.api.audit_log_path) as log:
        rows = [row for row in (await log.query(limit=50)).items if row.path == "/ws"]
    assert [(row.event, row.status_code) for row in reversed(rows)] == [("auth_failure", 401)] * 2 + [
        ("rate_limited", 429)
    ] * 2
    assert all(row.details == {"reason": "authentication failures"} for row in rows if row.event == "rate_limited")

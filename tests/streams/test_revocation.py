"""Open streams follow their key: revoked (by the CLI in another process, or through the API) or expired, a
WebSocket is closed with 4401 and an SSE stream ends, each after an `error` event, within 2 s; a streamed tell
whose stream ends that way runs on and is recorded. Real app, real key store, real uvicorn server."""

from __future__ import annotations

import asyncio
import datetime
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from httpx_sse import aconnect_sse
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from app.auth.keys import CreatedKey
from app.auth.store import KeyStore
from app.config import IrisConfig
from app.standin import ModelStandIn
from tests.streams.conftest import conforms
from tests.streams.test_websocket import send, until
from tests.support.live import LiveServer, write_config

ROOT = Path(__file__).resolve().parents[2]
LITESTAR = str(Path(sys.executable).with_name("litestar"))
DEADLINE = 2.0
"""A stream must end within this many seconds of its key's revocation or expiry."""


@pytest.fixture
def secured(servers: Callable[..., LiveServer], tmp_path: Path, standin: ModelStandIn) -> LiveServer:
    """The app with authentication on (the real key store and auth layer); health ticks every 200 ms."""
    config = write_config(tmp_path, standin, settings={"healthCheckInterval": 200}, api={"requireAuth": True})
    return servers(config)


async def make_key(
    config: IrisConfig, name: str, role: str = "operator", *, expires_in: datetime.timedelta | None = None
) -> CreatedKey:
    """A key in the server's key store; with `expires_in`, one that expires that long from now."""
    if expires_in is None:
        async with KeyStore(config.api.key_store_path) as store:
            return await store.create(name, role=role)
    shift = datetime.timedelta(days=1) - expires_in  # made "a day minus `expires_in` ago", valid for one day
    async with KeyStore(config.api.key_store_path, clock=lambda: datetime.datetime.now(datetime.UTC) - shift) as store:
        return await store.create(name, role=role, expires_in_days=1)


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def utc(moment: datetime.datetime | None) -> datetime.datetime:
    assert moment is not None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=datetime.UTC)


async def revoked_at(config: IrisConfig, key_id: str) -> datetime.datetime:
    """When the key store says the key was revoked."""
    async with KeyStore(config.api.key_store_path) as store:
        record = await store.get(key_id)
    assert record is not None
    return utc(record.revoked_at)


def bearer(key: CreatedKey) -> dict[str, str]:
    return {"Authorization": f"Bearer {key.key}"}


async def cli(config: IrisConfig, *args: str) -> None:
    """`litestar iris ...` as its own process, on the server's config and stores."""
    env = {**os.environ, "IRIS_CONFIG_PATH": config.source, "PYTHONPATH": str(ROOT)}
    process = await asyncio.create_subprocess_exec(
        LITESTAR,
        "iris",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, (out, err)


async def ws_until_closed(ws: ClientConnection) -> tuple[list[dict[str, Any]], int | None, datetime.datetime]:
    """Every event until the server closes the socket; the close code and when it came."""
    events: list[dict[str, Any]] = []
    try:
        while True:
            raw = await ws.recv()
            conforms(raw)
            events.append(json.loads(raw))
    except ConnectionClosed as closed:
        return events, closed.rcvd.code if closed.rcvd is not None else None, now()


async def sse_until_end(
    http: httpx.AsyncClient, opened: asyncio.Event, **params: str
) -> tuple[list[Any], datetime.datetime]:
    """Every event of `GET /api/events` until the server ends it, and when it ended (`opened` once one came)."""
    events = []
    async with aconnect_sse(http, "GET", "/api/events", params=params) as source:
        assert source.response.status_code == 200, await source.response.aread()
        async for event in source.aiter_sse():
            conforms(event.data)
            events.append(event)
            opened.set()
    return events, now()


def assert_ended_by(event: dict[str, Any], reason: str) -> None:
    """The last event before the end: an `error` in the contract's shape, UnauthorizedError for `reason`."""
    assert event["event"] == "error", event
    assert event["data"]["error"] == "UnauthorizedError" and event["data"]["statusCode"] == 401
    assert event["data"]["details"] == {"reason": reason}


async def test_a_key_revoked_by_the_cli_ends_its_websockets_and_its_sse_stream(secured: LiveServer) -> None:
    key = await make_key(secured.config, "watcher", role="viewer")
    holder = f"key:{key.record.id}"
    async with (
        secured.async_client(**bearer(key)) as http,
        connect(secured.ws_url, additional_headers=bearer(key)) as by_header,
        connect(secured.ws_url) as by_message,
    ):
        await send(by_message, "auth", {"token": key.key})
        for ws in (by_header, by_message):
            await send(ws, "system:subscribe")
            await until(ws, "health:check")
        opened = asyncio.Event()
        sse = asyncio.create_task(sse_until_end(http, opened, system="true"))
        await asyncio.wait_for(opened.wait(), 30)
        readers = [asyncio.create_task(ws_until_closed(ws)) for ws in (by_header, by_message)]
        assert secured.call(lambda: secured.layer.streams_of(holder) if secured.layer else 0) == 3

        await cli(secured.config, "key", "revoke", key.record.id)  # nothing is sent on the streams meanwhile
        (sse_events, sse_end), *closes = await asyncio.wait_for(asyncio.gather(sse, *readers), 30)

    revoked = await revoked_at(secured.config, key.record.id)  # by the CLI's clock, as it committed
    assert 0 <= (sse_end - revoked).total_seconds() < DEADLINE
    assert_ended_by(json.loads(sse_events[-1].data), "revoked")
    assert {event.event for event in sse_events[:-1]} == {"health:check"}
    for events, code, closed_at in closes:
        assert code == 4401 and 0 <= (closed_at - revoked).total_seconds() < DEADLINE
        assert_ended_by(events[-1], "revoked")
        assert {event["event"] for event in events[:-1]} <= {"health:check"}
    await secured.eventually(lambda: secured.layer.streams_of(holder) if secured.layer else -1, 0)


async def test_a_streamed_tell_whose_key_is_revoked_through_the_api_ends_and_the_tell_runs_on(
    secured: LiveServer,
) -> None:
    admin = await make_key(secured.config, "admin", role="admin")
    teller = await make_key(secured.config, "teller")
    message = "#slow:30:100 revoked mid-stream"
    events = []
    revoked: datetime.datetime | None = None
    async with secured.async_client(**bearer(admin)) as root, secured.async_client(**bearer(teller)) as http:
        body = {"toTeam": "alpha", "message": message}
        async with asyncio.timeout(60), aconnect_sse(http, "POST", "/api/teams/tell/stream", json=body) as source:
            assert source.response.status_code == 200, await source.response.aread()
            async for event in source.aiter_sse():
                conforms(event.data)
                events.append(event)
                if event.event == "tell:chunk" and not revoked:
                    answer = await root.delete(f"/api/keys/{teller.record.id}")
                    assert answer.status_code == 200, answer.text
                    revoked = utc(datetime.datetime.fromisoformat(answer.json()["revokedAt"]))
            ended = now()
        assert revoked is not None and 0 <= (ended - revoked).total_seconds() < DEADLINE
        names = [event.event for event in events]
        assert names[0] == "tell:accepted" and "tell:complete" not in names and "tell:error" not in names
        assert_ended_by(json.loads(events[-1].data), "revoked")
        request_id = json.loads(events[0].data)["data"]["requestId"]

        # the tell itself was not stopped: it runs to its end and is recorded
        for _ in range(600):
            record = (await root.get(f"/api/requests/{request_id}")).json()
            if record["status"] not in ("queued", "running"):
                break
            await asyncio.sleep(0.1)
        assert record["status"] == "completed" and record["response"] == f"echo[n=1]: {message}"
    await secured.eventually(lambda: secured.layer.streams_of(f"key:{teller.record.id}") if secured.layer else -1, 0)


async def test_streams_of_an_expiring_key_end_when_it_expires(secured: LiveServer) -> None:
    key = await make_key(secured.config, "short-lived", role="viewer", expires_in=datetime.timedelta(seconds=4))
    expiry = utc(key.record.expires_at)
    async with (
        secured.async_client(**bearer(key)) as http,
        connect(secured.ws_url, additional_headers=bearer(key)) as ws,
    ):
        await send(ws, "system:subscribe")
        await until(ws, "health:check")
        opened = asyncio.Event()
        sse = asyncio.create_task(sse_until_end(http, opened, system="true"))
        await asyncio.wait_for(opened.wait(), 30)
        assert now() < expiry, "the streams were not open before the key expired"
        (sse_events, sse_end), (events, code, closed_at) = await asyncio.wait_for(
            asyncio.gather(sse, ws_until_closed(ws)), 30
        )
    assert code == 4401
    for end, last in ((sse_end, json.loads(sse_events[-1].data)), (closed_at, events[-1])):
        assert 0 <= (end - expiry).total_seconds() < DEADLINE  # not before it expired, soon after
        assert_ended_by(last, "expired")

"""Log records as live `log:record` events over SSE (`logs=<level>`) and the WebSocket (`logs:subscribe`), on a real
server with real keys and a real audit log: level, team scope, permission, audit rows, no cost without subscribers,
and no feedback loop from the delivery's own logging."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from app.api.streams.channels import Bus
from app.api.streams.clients import StreamClient
from app.api.streams.logs import LogTap
from app.engine.logs import LogBuffer
from app.standin import ModelStandIn
from tests.streams.conftest import sse_events
from tests.streams.test_websocket import receive, send, until
from tests.support.live import LiveServer, create_key, write_config

test_log = logging.getLogger("iris.tests.logs")


@pytest.fixture
def live(tmp_path: Path, standin: ModelStandIn) -> Iterator[LiveServer]:
    """A server with authentication on and teams alpha and beta; health ticks every 200 ms."""
    config = write_config(tmp_path, standin, settings={"healthCheckInterval": 200}, api={"requireAuth": True})
    server = LiveServer(config, create_key(config, "admin")).start()
    yield server
    server.stop()


@pytest.fixture
def keys(live: LiveServer) -> dict[str, str]:
    """An admin key, a developer key scoped to alpha (debug:read), a viewer key (no debug:read)."""
    config = live.config
    assert live.key is not None
    return {
        "admin": live.key,
        "alpha-dev": create_key(config, "alpha-dev", role="developer", teams=["alpha"]),
        "viewer": create_key(config, "viewer", role="viewer"),
    }


def emit(marker: str) -> list[str]:
    """Write records about alpha, beta, the beta → alpha pair and no team (from the test's thread, not the
    server's loop); returns their messages in order."""
    written = [
        (logging.INFO, f"{marker} alpha info", {"team": "alpha", "fromTeam": "external"}),
        (logging.WARNING, f"{marker} beta warning", {"team": "beta"}),
        (logging.WARNING, f"{marker} beta asks alpha", {"team": "alpha", "fromTeam": "beta"}),
        (logging.WARNING, f"{marker} about no team", {}),
        (logging.ERROR, f"{marker} alpha error with iris_sk_secretsecret in it", {"team": "alpha"}),
    ]
    for level, message, context in written:
        test_log.log(level, message, extra=context)
    return [message for _, message, _ in written]


def audit_rows(live: LiveServer, name: str) -> list[dict[str, Any]]:
    """The audit entries of one key, newest first."""
    with live.client() as http:
        response = http.get("/api/audit", params={"limit": 500})
    assert response.status_code == 200, response.text
    return [entry for entry in response.json()["items"] if entry["keyName"] == name]


async def collect(http: httpx.AsyncClient, key: str, level: str, last: str, into: list[dict[str, Any]]) -> None:
    """Read `log:record` events of `GET /api/events?logs=<level>` until one whose message starts with `last`."""
    headers = {"Authorization": f"Bearer {key}"}
    async for event in sse_events(http, "GET", "/api/events", params={"logs": level}, headers=headers):
        if event.event == "log:record":
            data = json.loads(event.data)["data"]
            assert event.id in (None, "")  # no seq, no resume
            into.append(data)
            if data["message"].startswith(last):
                return


async def test_sse_streams_records_by_level_and_team_scope_like_get_logs(
    live: LiveServer, keys: dict[str, str]
) -> None:
    admin: list[dict[str, Any]] = []
    scoped: list[dict[str, Any]] = []
    marker = uuid.uuid4().hex[:8]
    async with live.async_client() as http:
        readers = [
            asyncio.create_task(collect(http, keys["admin"], "warning", f"{marker} alpha error", admin)),
            asyncio.create_task(collect(http, keys["alpha-dev"], "info", f"{marker} alpha error", scoped)),
        ]
        await live.eventually(live.layer.logs.subscribers, 2)  # type: ignore[union-attr]
        messages = emit(marker)
        await asyncio.wait_for(asyncio.gather(*readers), 30)
        # the same records GET /api/logs gives the same key, in the same form (redacted alike)
        listed = await http.get("/api/logs", params={"level": "info", "limit": 500}, headers=_bearer(keys["alpha-dev"]))
        assert listed.status_code == 200, listed.text
    mine = [record for record in scoped if record["message"].startswith(marker)]
    admins = [record for record in admin if record["message"].startswith(marker)]
    redacted = admins[-1]["message"]
    assert redacted.startswith(f"{marker} alpha error with iris_sk_[REDACTED]") and "secretsecret" not in redacted
    assert [r["message"] for r in admins] == [messages[1], messages[2], messages[3], redacted]
    assert [r["message"] for r in mine] == [messages[0], redacted]
    assert mine[-1]["level"] == "error" and mine[-1]["logger"] == "iris.tests.logs"
    rest = [record for record in reversed(listed.json()["items"]) if record["message"].startswith(marker)]
    assert rest == mine
    # audited like the other subscriptions: the stream request's auth_success row, with its status
    for name in ("admin", "alpha-dev"):
        rows = [(r["path"], r["statusCode"]) for r in audit_rows(live, name) if r["event"] == "auth_success"]
        assert ("/api/events", 200) in rows, rows


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def test_sse_logs_need_debug_read_and_a_level(live: LiveServer, keys: dict[str, str]) -> None:
    async with live.async_client() as http:
        refused = await http.get("/api/events", params={"logs": "info"}, headers=_bearer(keys["viewer"]))
        assert refused.status_code == 403, refused.text
        assert refused.json()["details"] == {"permission": "debug:read"}
        bad = await http.get("/api/events", params={"logs": "loud"}, headers=_bearer(keys["admin"]))
        assert bad.status_code == 400, bad.text
        assert "logs" in json.dumps(bad.json())
    assert not live.call(lambda: live.layer.logs.listening)  # type: ignore[union-attr]
    rows = audit_rows(live, "viewer")
    assert [(r["event"], r["path"], r["statusCode"]) for r in rows] == [("auth_success", "/api/events", 403)]


async def test_websocket_subscribes_and_unsubscribes_logs(live: LiveServer, keys: dict[str, str]) -> None:
    marker = uuid.uuid4().hex[:8]
    async with connect(live.ws_url, additional_headers=_bearer(keys["viewer"])) as ws:
        await send(ws, "logs:subscribe", {"level": "debug"})
        error = await receive(ws)
        assert error["event"] == "error" and error["data"]["statusCode"] == 403
        assert error["data"]["details"] == {"permission": "debug:read", "event": "logs:subscribe"}
    async with connect(live.ws_url, additional_headers=_bearer(keys["alpha-dev"])) as ws:
        await send(ws, "logs:subscribe", {"level": "bogus"})
        invalid = await receive(ws)
        assert invalid["data"]["error"] == "ValidationError"
        await send(ws, "logs:subscribe", {"level": "info"})
        await live.eventually(live.layer.logs.subscribers, 1)  # type: ignore[union-attr]
        messages = emit(marker)
        got = [e["data"]["message"] for e in await until(ws, "log:record") if e["event"] == "log:record"]
        got += [e["data"]["message"] for e in await until(ws, "log:record") if e["event"] == "log:record"]
        assert got[0] == messages[0] and len(got) == 2
        assert got[1].startswith(f"{marker} alpha error with iris_sk_[REDACTED]") and "secretsecret" not in got[1]
        await send(ws, "logs:unsubscribe")
        await live.eventually(lambda: live.layer.logs.listening, False)  # type: ignore[union-attr]
        test_log.warning("%s while unsubscribed", marker, extra={"team": "alpha"})
        await send(ws, "logs:subscribe", {"level": "warning"})  # the level of a new subscription
        await live.eventually(live.layer.logs.subscribers, 1)  # type: ignore[union-attr]
        live.call(lambda: test_log.info("%s below the level", marker, extra={"team": "alpha"}))  # on the loop
        live.call(lambda: test_log.warning("%s again", marker, extra={"team": "alpha"}))
        [again] = [e for e in await until(ws, "log:record") if e["event"] == "log:record"]
        assert again["data"]["message"] == f"{marker} again"
    await live.eventually(lambda: live.layer.logs.listening, False)  # type: ignore[union-attr]
    rows = [(r["event"], r["path"], r["statusCode"]) for r in audit_rows(live, "alpha-dev")]
    assert ("auth_success", "/ws", 101) in rows, rows


async def test_no_log_events_are_built_without_log_subscribers(live: LiveServer, keys: dict[str, str]) -> None:
    layer = live.layer
    assert layer is not None
    assert not live.call(lambda: layer.logs.listening)
    async with connect(live.ws_url, additional_headers=_bearer(keys["admin"])) as ws:
        await send(ws, "system:subscribe")
        await until(ws, "health:check")
        for n in range(20):
            test_log.warning("nobody follows record %d", n, extra={"team": "alpha"})
        events = await until(ws, "health:check")
        events += await until(ws, "health:check")
        assert all(event["event"] != "log:record" for event in events)
        assert live.call(lambda: (layer.logs.listening, layer.logs.built)) == (False, 0)
        await send(ws, "logs:subscribe", {"level": "warning"})
        await live.eventually(lambda: layer.logs.listening, True)
        test_log.warning("somebody follows", extra={"team": "alpha"})
        await until(ws, "log:record")
        assert live.call(lambda: layer.logs.built) == 1
    await live.eventually(lambda: layer.logs.listening, False)


async def test_records_written_while_delivering_log_events_are_not_streamed() -> None:
    """A slow subscriber dropped during a log event's delivery logs a warning: kept, but not streamed."""
    buffer = LogBuffer()
    iris = logging.getLogger("iris")
    level = iris.level
    iris.addHandler(buffer)
    iris.setLevel(logging.INFO)
    tap = LogTap()
    try:
        tap.bind(buffer)
        bus = Bus()
        slow, fast = StreamClient(bus, maxsize=1), StreamClient(bus, maxsize=100)
        tap.add(slow, "debug")
        tap.add(fast, "debug")
        test_log.warning("first")
        test_log.warning("second")  # overflows the slow one, whose drop is logged mid-delivery
        assert slow.dropped and tap.subscribers() == 1
        kept = [entry.message for entry in buffer.entries]
        assert kept[:2] == ["first", "second"]
        assert any("fell 1 events behind" in message for message in kept[2:])  # kept for GET /api/logs
        streamed = await _drain(fast)
        assert [json.loads(wire.body)["data"]["message"] for wire in streamed] == ["first", "second"]
        tap.remove(fast)
        assert buffer.listener is None
    finally:
        tap.unbind()
        iris.removeHandler(buffer)
        iris.setLevel(level)


async def _drain(client: StreamClient) -> list[Any]:
    """What a client has queued (without waiting for more)."""
    batches = client.batches()
    got = await asyncio.wait_for(anext(batches), 5)
    await batches.aclose()
    return list(got)


async def test_a_scoped_key_gets_no_record_about_another_pair(live: LiveServer, keys: dict[str, str]) -> None:
    """The scope rule, record by record: team beta, the beta → alpha pair and no team stay hidden."""
    marker = uuid.uuid4().hex[:8]
    got: list[dict[str, Any]] = []
    async with live.async_client() as http:
        reader = asyncio.create_task(collect(http, keys["alpha-dev"], "debug", f"{marker} last", got))
        await live.eventually(live.layer.logs.subscribers, 1)  # type: ignore[union-attr]
        for context in ({"team": "beta"}, {"team": "alpha", "fromTeam": "beta"}, {}, {"team": 7}):
            test_log.warning("%s hidden", marker, extra=context)
        test_log.warning("%s last", marker, extra={"team": "alpha", "fromTeam": "alpha"})
        await asyncio.wait_for(reader, 30)
    assert [r["message"] for r in got if r["message"].startswith(marker)] == [f"{marker} last"]

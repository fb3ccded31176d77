"""The audit log of a running server: the status an `auth_success` row records, `api.audit.authSuccess`, the
WebSocket's rows beside REST's, and the cache of verified keys (revocation and usage still exact)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect

from app.api.auth.state import KeyCheck
from app.auth.store import KeyStore
from app.config import load_config
from app.standin import ModelStandIn
from tests.support.live import ROOT, LiveServer, create_key, write_config

ServerFactory = Callable[..., LiveServer]
COLUMNS = ("keyId", "keyName", "clientAddress", "method", "path", "statusCode", "details", "team", "fromTeam")
"""The columns of an audit entry that say who did what, where, and how it ended."""


@pytest.fixture
def servers(tmp_path: Path, standin: ModelStandIn) -> Iterator[ServerFactory]:
    """Start servers with authentication and rate limits on (`audit` overrides `api.audit`)."""
    started: list[LiveServer] = []

    def start(name: str = "config", audit: dict[str, Any] | None = None) -> LiveServer:
        api: dict[str, Any] = {"requireAuth": True, "rateLimit": {"enabled": True, "maxRequests": 100_000}}
        if audit is not None:
            api["audit"] = audit
        config = write_config(tmp_path / name, standin, {"alpha": {}}, api=api)
        live = LiveServer(config, create_key(config, "admin")).start()
        started.append(live)
        return live

    yield start
    for live in started:
        live.stop(orphans=True)


def entries(live: LiveServer, **params: Any) -> list[dict[str, Any]]:
    """Every audit entry the server has accepted, newest first (the read writes queued rows first)."""
    with live.client() as http:
        response = http.get("/api/audit", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def of_key(live: LiveServer, name: str, event: str | None = None) -> list[dict[str, Any]]:
    """The entries of one key (of one event type), newest first."""
    return [e for e in entries(live) if e["keyName"] == name and (event is None or e["event"] == event)]


def test_auth_success_records_the_status_the_response_got(servers: ServerFactory) -> None:
    live = servers()
    key = create_key(live.config, "caller", role="operator")
    with live.client(key=key) as http:
        accepted = http.post("/api/teams/quick-tell", json={"toTeam": "alpha", "message": "quick"})
        assert accepted.status_code == 202, accepted.text
        assert http.post("/api/teams/nobody/wake", json={}).status_code == 404
        assert http.post("/api/teams/alpha/sleep", json={}).status_code == 403  # operator: no team:sleep
        assert http.get("/api/status").status_code == 200
    rows = of_key(live, "caller")
    successes = [(e["path"], e["statusCode"]) for e in rows if e["event"] == "auth_success"]
    assert successes == [
        ("/api/status", 200),
        ("/api/teams/alpha/sleep", 403),
        ("/api/teams/nobody/wake", 404),
        ("/api/teams/quick-tell", 202),
    ]
    # a refused request's auth_success comes before its forbidden row
    events = [e["event"] for e in rows if e["path"] == "/api/teams/alpha/sleep"]
    assert events == ["forbidden", "auth_success"]
    [tell] = [e for e in rows if e["event"] == "tell"]
    assert tell["statusCode"] == 202


@pytest.mark.parametrize(
    ("setting", "expected"),
    [("all", {"one": 3, "two": 2}), (None, {"one": 1, "two": 1}), ("none", {"one": 0, "two": 0})],
)
def test_auth_success_rows_follow_the_setting(
    servers: ServerFactory, setting: str | None, expected: dict[str, int]
) -> None:
    live = servers(audit={"authSuccess": setting} if setting is not None else {})  # {}: the default
    assert live.config.api.audit.auth_success == (setting or "first-per-key-per-minute")
    keys = {name: create_key(live.config, name, role="viewer") for name in expected}
    for name, uses in (("one", 3), ("two", 2)):
        with live.client(key=keys[name]) as http:
            for _ in range(uses):
                assert http.get("/api/status").status_code == 200
    with live.client(key="iris_sk_" + "x" * 40) as stranger:
        assert stranger.get("/api/status").status_code == 401
    rows = entries(live)
    counted = {name: sum(1 for e in rows if e["keyName"] == name and e["event"] == "auth_success") for name in keys}
    assert counted == expected
    assert [e["details"] for e in rows if e["event"] == "auth_failure"] == [{"reason": "unknown"}]


def test_the_example_config_documents_the_auth_success_setting() -> None:
    example = load_config(ROOT / "config.example.yaml", env={"IRIS_HOME": "/srv/iris"})
    assert example.api.audit.auth_success == "first-per-key-per-minute"
    assert "authSuccess: first-per-key-per-minute" in (ROOT / "config.example.yaml").read_text()


def test_websocket_rows_fill_the_columns_rest_rows_fill(servers: ServerFactory) -> None:
    live = servers()
    key = create_key(live.config, "streamer", role="operator")
    with live.client(key=key) as http:
        assert http.post("/api/teams/quick-tell", json={"toTeam": "alpha", "message": "over rest"}).status_code == 202

    async def over_the_socket() -> None:
        async with connect(live.ws_url, additional_headers={"Authorization": f"Bearer {key}"}) as ws:
            await ws.send(json.dumps({"event": "tell:start", "data": {"toTeam": "alpha", "message": "over ws"}}))
            async with asyncio.timeout(60):
                while json.loads(await ws.recv())["event"] != "tell:complete":
                    pass
        async with connect(live.ws_url) as ws:  # a refused key, given in the first message
            await ws.send(json.dumps({"event": "auth", "data": {"token": "iris_sk_" + "y" * 40}}))
            with pytest.raises(Exception, match="4401"):
                await asyncio.wait_for(ws.recv(), 30)

    asyncio.run(over_the_socket())
    rows = entries(live)
    ws_rows = [e for e in rows if e["path"] == "/ws"]
    rest_rows = [e for e in rows if e["path"] == "/api/teams/quick-tell"]

    def filled(entry: dict[str, Any]) -> set[str]:
        return {column for column in COLUMNS if entry[column] not in (None, {}, "")}

    for event in ("auth_success", "tell"):  # the socket checks its key again on each message: the first row
        over_ws = [e for e in ws_rows if e["event"] == event][-1]
        [over_rest] = [e for e in rest_rows if e["event"] == event]
        assert filled(over_ws) == filled(over_rest), (over_ws, over_rest)
        assert over_ws["clientAddress"] == over_rest["clientAddress"] == "127.0.0.1"
        assert over_ws["method"] == "WS" and over_ws["keyName"] == "streamer"
    successes = [e for e in ws_rows if e["event"] == "auth_success"]
    # the socket was accepted before its key was checked
    assert successes and all(e["statusCode"] == 101 for e in successes)
    [tell] = [e for e in ws_rows if e["event"] == "tell"]
    assert (tell["statusCode"], tell["team"], tell["fromTeam"]) == (202, "alpha", "external")
    [failure] = [e for e in ws_rows if e["event"] == "auth_failure"]
    assert failure["clientAddress"] == "127.0.0.1" and failure["method"] == "WS"
    assert (failure["statusCode"], failure["error"], failure["details"]) == (
        401,
        "Unknown API key",
        {"reason": "unknown"},
    )


def test_a_cached_key_is_refused_on_the_request_after_its_revocation_through_the_api(
    servers: ServerFactory,
) -> None:
    live = servers()
    key = create_key(live.config, "cached", role="viewer")
    with live.client(key=key) as http:
        for _ in range(5):  # verified once, then served from the cache
            assert http.get("/api/status").status_code == 200
        with live.client() as admin:
            [record] = [k for k in admin.get("/api/keys").json()["items"] if k["name"] == "cached"]
            assert admin.delete(f"/api/keys/{record['id']}").status_code == 200
        refused = http.get("/api/status")
        assert refused.status_code == 401 and "revoked" in refused.json()["message"]


def test_uses_of_a_cached_key_are_all_counted(servers: ServerFactory) -> None:
    live = servers()
    key = create_key(live.config, "counted", role="viewer")
    with live.client(key=key) as http:
        for _ in range(7):
            assert http.get("/api/status").status_code == 200
    with live.client() as admin:
        [record] = [k for k in admin.get("/api/keys").json()["items"] if k["name"] == "counted"]
    assert record["usageCount"] == 7


async def test_the_key_cache_lasts_only_while_the_file_is_unchanged(tmp_path: Path) -> None:
    async with (
        KeyStore(tmp_path / "keys.db", usage_flush_interval=3600) as store,  # no usage write meanwhile
        KeyStore(tmp_path / "keys.db") as other,
    ):
        created = await store.create("remembered", role="viewer")
        check = KeyCheck(store)
        check.open()
        try:
            first = await check.verify(created.key)
            assert first.ok and await check.verify(created.key) is first  # unchanged file: remembered
            await other.create("unrelated")  # any commit, from any connection, forgets every key
            again = await check.verify(created.key)
            assert again.ok and again is not first
            await other.revoke(created.record.id)
            refused = await check.verify(created.key)
            assert (refused.ok, refused.reason) == (False, "revoked")
        finally:
            check.close()

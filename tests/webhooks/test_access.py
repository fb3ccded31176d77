"""Who may register webhooks and where they may point: the host allow-list (and where a name resolves), the
`webhook:manage` permission and team scope, a tell's `callbackUrl`, and the audit rows of every change."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect as ws_connect

from app.standin import ModelStandIn
from tests.mcp.test_server import connect
from tests.mcp.test_server import refused as mcp_refused
from tests.support.live import LiveServer, create_key, write_config
from tests.support.waiting import until, until_sync
from tests.webhooks.receiver import Receiver

RETRY = {"firstDelayMs": 300, "jitter": 0.0, "retryForMs": 60_000}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def serve(tmp_path: Path, standin: ModelStandIn, allowed: list[str] | None) -> LiveServer:
    webhooks: dict[str, Any] = {"retry": RETRY}
    if allowed is not None:
        webhooks["allowedHosts"] = allowed
    config = write_config(tmp_path, standin, api={"requireAuth": True, "webhooks": webhooks})
    return LiveServer(config, key=create_key(config))


@pytest.fixture
def live(tmp_path: Path, standin: ModelStandIn) -> Iterator[LiveServer]:
    with serve(tmp_path, standin, ["127.0.0.1"]) as server:
        yield server


def refused(answer: httpx.Response, status: int, **details: Any) -> str:
    assert answer.status_code == status, answer.text
    body = answer.json()
    for name, value in details.items():
        assert body["details"][name] == value, body
    message: str = body["message"]
    return message


def test_no_host_is_allowed_by_default(tmp_path: Path, standin: ModelStandIn, receiver: Receiver) -> None:
    with serve(tmp_path, standin, None) as server, server.client() as client:
        answer = client.post("/api/webhooks", json={"url": receiver.url, "events": ["tell.completed"]})
        assert "api.webhooks.allowedHosts" in refused(answer, 400, field="url")
        assert answer.json()["error"] == "ValidationError"


def test_only_listed_hosts_and_addresses(live: LiveServer, receiver: Receiver) -> None:
    port = receiver.url.split(":")[2].split("/")[0]
    with live.client() as client:
        for url in (
            f"http://localhost:{port}/hook",  # loopback, but not listed by this name
            "https://hooks.example.com/iris",
            f"ftp://127.0.0.1:{port}/hook",
            f"http://user:pw@127.0.0.1:{port}/hook",
        ):
            answer = client.post("/api/webhooks", json={"url": url, "events": ["tell.completed"]})
            assert answer.status_code == 400, (url, answer.text)
            assert answer.json()["details"]["field"] == "url", (url, answer.text)
            assert "pw" not in answer.text
        assert client.post("/api/webhooks", json={"url": receiver.url, "events": ["tell.completed"]}).status_code == 201


def test_a_listed_name_may_not_resolve_to_an_unlisted_address(tmp_path: Path, standin: ModelStandIn) -> None:
    name = socket.gethostname().lower()
    addresses = {ipaddress.ip_address(info[4][0]) for info in socket.getaddrinfo(name, 80, type=socket.SOCK_STREAM)}
    assert addresses and not any(a.is_global for a in addresses), f"{name} resolves to a public address here"
    with serve(tmp_path, standin, [name]) as server, server.client() as client:
        answer = client.post("/api/webhooks", json={"url": f"http://{name}:9/hook", "events": ["tell.failed"]})
        assert "not public" in refused(answer, 400, field="url")
    with serve(tmp_path, standin, [name, *map(str, addresses)]) as server, server.client() as client:
        answer = client.post("/api/webhooks", json={"url": f"http://{name}:9/hook", "events": ["tell.failed"]})
        assert answer.status_code == 201, answer.text


def test_the_permission_and_team_scope(live: LiveServer, receiver: Receiver) -> None:
    manager = create_key(live.config, "hooks", permissions=["webhook:manage"], role=None)
    viewer = create_key(live.config, "viewer", role="viewer")
    alpha = create_key(
        live.config, "alpha-hooks", permissions=["webhook:manage", "team:tell"], teams=["alpha"], role=None
    )
    beta = create_key(live.config, "beta-hooks", permissions=["webhook:manage"], teams=["beta"], role=None)
    body = {"url": receiver.url, "events": ["tell.completed"]}
    with live.client(key=viewer) as client:
        refused(client.post("/api/webhooks", json=body), 403, permission="webhook:manage")
        refused(client.get("/api/webhooks"), 403, permission="webhook:manage")
    with live.client(key=manager) as client:
        everyone = client.post("/api/webhooks", json=body)
        assert everyone.status_code == 201 and everyone.json()["teams"] is None, everyone.text
    with live.client(key=alpha) as client:
        refused(client.post("/api/webhooks", json=body), 403, field="teams")
        refused(client.post("/api/webhooks", json={**body, "teams": ["alpha", "beta"]}), 403, team="beta")
        mine = client.post("/api/webhooks", json={**body, "teams": ["alpha"]})
        assert mine.status_code == 201, mine.text
        assert [h["id"] for h in client.get("/api/webhooks").json()["items"]] == [mine.json()["id"]]
        refused(client.delete(f"/api/webhooks/{everyone.json()['id']}"), 403, field="teams")
    with live.client(key=beta) as client:
        assert client.get("/api/webhooks").json()["items"] == []
        hook = mine.json()["id"]
        refused(client.get(f"/api/webhooks/{hook}/deliveries"), 403, team="alpha")
        refused(client.delete(f"/api/webhooks/{hook}"), 403, team="alpha")
    with live.client() as client:  # admin
        assert {h["id"] for h in client.get("/api/webhooks").json()["items"]} == {everyone.json()["id"], hook}
        gone = client.delete(f"/api/webhooks/{hook}")
        assert gone.status_code == 200
        refused(client.delete(f"/api/webhooks/{hook}"), 404, webhookId=hook)


def test_callback_url_names_a_registered_endpoint(live: LiveServer, receiver: Receiver) -> None:
    alpha = create_key(
        live.config, "alpha-teller", permissions=["team:tell", "webhook:manage"], teams=["alpha"], role=None
    )
    with live.client() as client:
        unknown = client.post(
            "/api/teams/tell", json={"toTeam": "alpha", "message": "x", "callbackUrl": "https://example.com/x"}
        )
        assert "registered webhook endpoint" in refused(unknown, 400, field="callbackUrl")
        hook = client.post(
            "/api/webhooks",
            json={"url": receiver.url, "events": ["tell.completed"], "callbacksOnly": True, "teams": ["beta"]},
        ).json()
        # its team filter does not cover alpha: not usable for a tell to alpha
        other = client.post("/api/teams/tell", json={"toTeam": "alpha", "message": "x", "callbackUrl": receiver.url})
        refused(other, 400, field="callbackUrl")
        hook = client.post(
            "/api/webhooks", json={"url": receiver.url, "events": ["tell.completed"], "callbacksOnly": True}
        ).json()
    with live.client(key=alpha) as client:  # an endpoint of every team is wider than this key's scope
        refused(
            client.post("/api/teams/quick-tell", json={"toTeam": "alpha", "message": "x", "callbackUrl": receiver.url}),
            400,
            field="callbackUrl",
        )
    with live.client() as client:
        plain = client.post("/api/teams/tell", json={"toTeam": "alpha", "message": "not called back"})
        assert plain.status_code == 200, plain.text
        called = client.post(
            "/api/teams/tell", json={"toTeam": "alpha", "message": "called back", "callbackUrl": receiver.url}
        )
        assert called.status_code == 200, called.text
        [got] = until_sync(lambda: receiver.requests(), 20, "the callback")
        time.sleep(1.0)
        assert len(receiver.requests()) == 1  # the callbacks-only endpoint got only the tell naming it
        data = got.verified(hook["secret"])["data"]
        assert data["requestId"] == called.json()["requestId"] and data["status"] == "completed"
        assert receiver.requests()[0].verified(hook["secret"])
        assert plain.json()["requestId"] != data["requestId"]


def test_changes_are_audited(live: LiveServer, receiver: Receiver) -> None:
    with live.client() as client:
        hook = client.post("/api/webhooks", json={"url": receiver.url, "events": ["tell.completed"]}).json()
        assert client.post("/api/teams/tell", json={"toTeam": "alpha", "message": "audit"}).status_code == 200
        [delivery] = until_sync(
            lambda: (
                (page := client.get(f"/api/webhooks/{hook['id']}/deliveries").json()["items"])
                and page[0]["status"] == "delivered"
                and page
            ),
            20,
            "the delivery",
        )
        again = client.post(f"/api/webhooks/{hook['id']}/deliveries/{delivery['id']}/redeliver")
        assert again.status_code == 202
        assert client.delete(f"/api/webhooks/{hook['id']}").status_code == 200

        def rows(event: str) -> list[dict[str, Any]]:
            items: list[dict[str, Any]] = client.get("/api/audit", params={"event": event}).json()["items"]
            return items

        [created] = until_sync(lambda: rows("webhook_created"), 10, "the webhook_created row")
        [redelivered] = until_sync(lambda: rows("webhook_redelivered"), 10, "the webhook_redelivered row")
        [deleted] = until_sync(lambda: rows("webhook_deleted"), 10, "the webhook_deleted row")
        assert created["statusCode"] == 201 and created["details"]["webhookId"] == hook["id"]
        assert redelivered["statusCode"] == 202 and redelivered["details"]["deliveryId"] == delivery["id"]
        assert deleted["statusCode"] == 200 and deleted["details"]["webhookId"] == hook["id"]
        audit = client.get("/api/audit", params={"limit": 500}).text
        assert hook["secret"] not in audit


async def test_callback_url_over_mcp(live: LiveServer, receiver: Receiver) -> None:
    """The MCP tell tool takes `callbackUrl` as REST does: refused unless registered, delivered when it is."""
    async with connect(live, live.key) as session:
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        assert "callbackUrl" in tools["send_message"].input_schema["properties"]
        result = await session.call_tool(
            "send_message", {"toTeam": "alpha", "message": "x", "callbackUrl": receiver.url}
        )
        mcp_refused(result, "ValidationError", "callbackUrl")
        with live.client() as client:
            created = client.post("/api/webhooks", json={"url": receiver.url, "events": ["tell.completed"]})
            assert created.status_code == 201, created.text
        told = await session.call_tool(
            "send_message", {"toTeam": "alpha", "message": "over mcp", "callbackUrl": receiver.url}
        )
        assert not told.is_error and isinstance(told.structured_content, dict), told
        request_id = told.structured_content["requestId"]
    [got] = await until(lambda: receiver.requests(), 20, "the callback")
    assert got.verified(created.json()["secret"])["data"]["requestId"] == request_id


async def test_callback_url_over_the_websocket(live: LiveServer, receiver: Receiver) -> None:
    """`tell:start` takes `callbackUrl` as REST does: an `error` event naming it unless registered."""
    with live.client() as client:
        created = client.post("/api/webhooks", json={"url": receiver.url, "events": ["tell.completed"]})
        assert created.status_code == 201, created.text
    headers = {"Authorization": f"Bearer {live.key}"}
    async with ws_connect(live.ws_url, additional_headers=headers) as ws:
        bad = {"toTeam": "alpha", "message": "x", "callbackUrl": receiver.url + "/other"}
        await ws.send(json.dumps({"event": "tell:start", "data": bad}))
        error = json.loads(await asyncio.wait_for(ws.recv(), 30))
        assert error["event"] == "error" and error["data"]["error"] == "ValidationError", error
        assert error["data"]["details"]["field"] == "callbackUrl", error
        good = {"toTeam": "alpha", "message": "over the socket", "callbackUrl": receiver.url}
        await ws.send(json.dumps({"event": "tell:start", "data": good}))
        accepted = json.loads(await asyncio.wait_for(ws.recv(), 30))
        assert accepted["event"] == "tell:accepted", accepted
    [got] = await until(lambda: receiver.requests(), 30, "the callback")
    assert got.verified(created.json()["secret"])["data"]["requestId"] == accepted["data"]["requestId"]


def test_a_listed_loopback_name_is_delivered_to_the_address_it_was_checked_at(
    tmp_path: Path, standin: ModelStandIn, receiver: Receiver
) -> None:
    """`localhost` listed: its loopback addresses are allowed; the attempt connects to a checked address and still
    names the host the URL gave."""
    port = receiver.url.split(":")[2].split("/")[0]
    with serve(tmp_path, standin, ["localhost"]) as server, server.client() as client:
        url = f"http://localhost:{port}/hook"
        created = client.post("/api/webhooks", json={"url": url, "events": ["tell.completed"]})
        assert created.status_code == 201, created.text
        assert client.post("/api/teams/tell", json={"toTeam": "alpha", "message": "by name"}).status_code == 200
        [got] = until_sync(lambda: receiver.requests(), 20, "the delivery")
        assert {k.lower(): v for k, v in got.headers.items()}["host"] == f"localhost:{port}"
        assert got.verified(created.json()["secret"])["type"] == "tell.completed"

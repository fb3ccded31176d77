"""Cost budgets and per-tell options over HTTP, the WebSocket and MCP, on a real server whose teams run Claude Code
on the model stand-in: the 402 in the contract's shape everywhere a tell starts, spend in the key list and team
status, and a tell's own options with `output` and `processRestart` in its record."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from typing import Any

import httpx
import httpx2
import mcp_types as types
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from websockets.asyncio.client import connect

from app.clock import utcnow
from app.standin import ModelStandIn
from tests.support.live import LiveServer, create_key, write_config

pytestmark = pytest.mark.timeout(300)

SCHEMA: dict[str, Any] = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, standin: ModelStandIn) -> Iterator[LiveServer]:
    """A real server with authentication on: alpha with a total budget of $1, beta and gamma without one."""
    config = write_config(
        tmp_path_factory.mktemp("budgets"),
        standin,
        {"alpha": {"budgetUsd": 1.0}, "beta": {}, "gamma": {}},
        api={"requireAuth": True, "rateLimit": {"enabled": True, "maxRequests": 1_000_000}},
    )
    with LiveServer(config, create_key(config)) as server:
        yield server


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def assert_budget_error(body: dict[str, Any], budget: str, **details: Any) -> None:
    """The contract's error shape of a tell refused over a budget."""
    assert body["error"] == "BudgetExceededError" and body["statusCode"] == 402
    assert set(body) == {"error", "message", "statusCode", "timestamp", "details"}
    assert body["details"]["budget"] == budget
    for name, value in details.items():
        assert body["details"][name] == value, (name, body["details"])
    assert body["details"]["spentUsd"] >= body["details"]["limitUsd"]


async def mcp_call(live: LiveServer, key: str, tool: str, arguments: dict[str, Any]) -> types.CallToolResult:
    """One MCP tool call with `key`."""
    async with (
        httpx2.AsyncClient(headers=bearer(key), timeout=60) as http,
        streamable_http_client(f"{live.url}/mcp", http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        return await session.call_tool(tool, arguments)


async def test_a_key_budget_stops_the_second_tell_then_every_surface_answers_402(live: LiveServer) -> None:
    with live.client() as admin:
        made = admin.post(
            "/api/keys",
            json={
                "name": "ci budget",
                "permissions": ["team:tell", "team:compact", "status:read"],
                "budgetUsd": 0.5,
                "budgetPeriod": "day",
            },
        )
        assert made.status_code == 201, made.text
        key, key_id = made.json()["key"], made.json()["id"]
        assert made.json()["budget"]["limitUsd"] == 0.5 and made.json()["budget"]["spentUsd"] == 0
    async with httpx.AsyncClient(base_url=live.url, headers=bearer(key), timeout=60) as ci:
        first = await ci.post("/api/teams/tell", json={"toTeam": "beta", "message": "#cost:0.3 one"})
        assert first.status_code == 200 and first.json()["status"] == "completed"
        second = await ci.post("/api/teams/tell", json={"toTeam": "beta", "message": "#cost:0.3 two"})
        assert second.status_code == 200
        assert second.json()["status"] == "failed"
        assert second.json()["reason"].startswith("budget_exceeded: Claude Code stopped: key ")

        tomorrow = (utcnow() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT00:00:00Z")
        for path, body in [
            ("/api/teams/tell", {"toTeam": "beta", "message": "three"}),
            ("/api/teams/ask", {"toTeam": "gamma", "message": "three"}),
            ("/api/teams/quick-tell", {"toTeam": "beta", "message": "three"}),
            ("/api/teams/tell/stream", {"toTeam": "beta", "message": "three"}),
            ("/api/teams/beta/compact", {}),
        ]:
            refused = await ci.post(path, json=body)
            assert refused.status_code == 402, (path, refused.text)
            assert refused.headers["content-type"].startswith("application/json")
            assert_budget_error(refused.json(), "key", keyId=key_id, period="day", resetsAt=tomorrow)

    async with connect(live.ws_url, additional_headers=bearer(key)) as ws:
        await ws.send(json.dumps({"event": "tell:start", "data": {"toTeam": "beta", "message": "over the socket"}}))
        event = json.loads(await ws.recv())
        assert event["event"] == "error", event
        assert event["data"]["error"] == "BudgetExceededError" and event["data"]["statusCode"] == 402

    result = await mcp_call(live, key, "send_message", {"toTeam": "beta", "message": "over mcp"})
    assert result.is_error
    text = "".join(block.text for block in result.content if isinstance(block, types.TextContent))
    assert text.startswith("BudgetExceededError: key "), text

    with live.client() as admin:
        listed = {k["id"]: k for k in admin.get("/api/keys", params={"limit": 500}).json()["items"]}
    shown = listed[key_id]
    assert shown["budget"]["limitUsd"] == 0.5 and shown["budget"]["period"] == "day"
    assert shown["budget"]["spentUsd"] == pytest.approx(0.6, abs=1e-6) == shown["spentUsd"]
    assert shown["budget"]["resetsAt"] == tomorrow


async def test_a_team_budget_refuses_every_caller_and_shows_in_team_status(live: LiveServer) -> None:
    with live.client() as iris:
        assert iris.post("/api/teams/tell", json={"toTeam": "alpha", "message": "#cost:0.6 a"}).json()["status"] == (
            "completed"
        )
        stopped = iris.post("/api/teams/tell", json={"toTeam": "alpha", "message": "#cost:0.6 b", "fromTeam": "beta"})
        assert stopped.json()["status"] == "failed"
        assert "team alpha reached its $1.00 budget in total" in stopped.json()["reason"]
        refused = iris.post("/api/teams/tell", json={"toTeam": "alpha", "message": "c"})
        assert refused.status_code == 402
        assert_budget_error(refused.json(), "team", team="alpha", period="total", resetsAt=None)
        status = iris.get("/api/teams/status", params={"team": "alpha"}).json()["items"][0]
        assert status["budget"]["limitUsd"] == 1.0 and status["budget"]["resetsAt"] is None
        assert status["budget"]["spentUsd"] == pytest.approx(1.2, abs=1e-6)
        assert "budget" not in iris.get("/api/teams/status", params={"team": "gamma"}).json()["items"][0]


def test_per_tell_options_over_rest(live: LiveServer, standin: ModelStandIn) -> None:
    with live.client() as iris:
        chosen = iris.post(
            "/api/teams/tell", json={"toTeam": "gamma", "message": "#model over rest", "model": "claude-haiku-4-5"}
        )
        assert chosen.status_code == 200 and chosen.json()["response"] == "model: claude-haiku-4-5"
        assert "processRestart" not in chosen.json()

        shaped = iris.post(
            "/api/teams/tell", json={"toTeam": "gamma", "message": '#json:{"n": 7}', "outputSchema": SCHEMA}
        )
        assert shaped.status_code == 200, shaped.text
        assert shaped.json()["status"] == "completed" and shaped.json()["output"] == {"n": 7}
        assert shaped.json()["processRestart"] == {"options": ["outputSchema"]}
        record = iris.get(f"/api/requests/{shaped.json()['requestId']}").json()
        assert record["output"] == {"n": 7} and record["processRestart"] == {"options": ["outputSchema"]}

        bad = iris.post(
            "/api/teams/tell", json={"toTeam": "gamma", "message": '#json:{"n": "x"}', "outputSchema": SCHEMA}
        )
        assert bad.json()["status"] == "failed" and bad.json()["reason"].startswith("output_invalid: ")
        assert "output" not in bad.json()

        for field, value in [
            ("maxTurns", 0),
            ("maxBudgetUsd", 0),
            ("model", "two words"),
            ("outputSchema", {"type": "string"}),
            ("outputSchema", [1]),
            ("appendSystemPrompt", ""),
        ]:
            answer = iris.post("/api/teams/tell", json={"toTeam": "gamma", "message": "never", field: value})
            assert answer.status_code == 400, (field, answer.text)
            body = answer.json()
            assert body["error"] == "ValidationError" and field in json.dumps(body.get("details")), (field, body)


async def test_per_tell_options_over_the_websocket_and_mcp(live: LiveServer) -> None:
    assert live.key is not None
    async with connect(live.ws_url, additional_headers=bearer(live.key)) as ws:
        start = {"toTeam": "gamma", "message": "#model over the socket", "model": "claude-haiku-4-5"}
        await ws.send(json.dumps({"event": "tell:start", "data": start}))
        while (event := json.loads(await ws.recv()))["event"] != "tell:complete":
            assert event["event"] not in ("error", "tell:error"), event
        assert event["data"]["response"] == "model: claude-haiku-4-5"
        await ws.send(json.dumps({"event": "tell:start", "data": {"toTeam": "gamma", "message": "x", "maxTurns": 0}}))
        refused = json.loads(await ws.recv())
        assert refused["event"] == "error" and refused["data"]["error"] == "ValidationError"
        assert "maxTurns" in json.dumps(refused["data"])

    arguments = {"toTeam": "gamma", "message": '#json:{"n": 11}', "outputSchema": SCHEMA}
    result = await mcp_call(live, live.key, "send_message", arguments)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    assert result.structured_content["output"] == {"n": 11}
    assert result.structured_content["status"] == "completed"

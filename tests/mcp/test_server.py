"""`/mcp` for MCP hosts, through the official `mcp` client against a real server whose teams run Claude Code on
the stand-in: every tool, keys and scopes, audit rows, rate limits, schemas that cannot drift, progress, bad input,
and a team's own process as the caller."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import httpx2
import jsonschema
import mcp_types as types
import pytest
import yaml
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from app.api.mcp.dispatch import Caller, ToolOutcome, call_tool
from app.api.operations import load, operations
from app.spec import SPEC_PATH
from app.standin import ModelStandIn
from tests.support.live import LiveServer, create_key, write_config
from tests.support.spec import lint_spec, spec_with
from tests.support.waiting import until

pytestmark = pytest.mark.timeout(300)

TOOLS = {
    "tell": "send_message",
    "ask": "ask_message",
    "quickTell": "quick_message",
    "cancelTell": "session_cancel",
    "rebootSession": "session_reboot",
    "deleteSession": "session_delete",
    "forkSession": "session_fork",
    "wakeTeam": "team_wake",
    "launchTeam": "team_launch",
    "sleepTeam": "team_sleep",
    "wakeAll": "team_wake_all",
    "teamStatus": "team_status",
    "sessionReport": "session_report",
    "listTeams": "list_teams",
    "getLogs": "get_logs",
    "getDate": "get_date",
    "getRequest": "get_request",
    "readCache": "read_cache",
    "clearCache": "clear_cache",
    "compactSession": "session_compact",
    "listPermissions": "list_permissions",
    "decidePermission": "decide_permission",
}
"""Each operation offered over MCP and its tool's name (the original's sixteen, then snake_case operationIds)."""


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, standin: ModelStandIn) -> Iterator[LiveServer]:
    """A real server (alpha, beta, and gamma asking before any tool use and telling only alpha), authentication
    on, an admin key."""
    config = write_config(
        tmp_path_factory.mktemp("mcp"),
        standin,
        {"alpha": {}, "beta": {}, "gamma": {"grantPermission": "ask", "tellTeams": ["alpha"]}},
        settings={"permissionTimeout": 60000},
        api={"requireAuth": True, "rateLimit": {"enabled": True, "maxRequests": 1_000_000}},
    )
    with LiveServer(config, create_key(config)) as server:
        yield server


@contextlib.contextmanager
def another(tmp_path_factory: pytest.TempPathFactory, standin: ModelStandIn, **api: Any) -> Iterator[LiveServer]:
    """Another live server with team alpha, `api` settings over the defaults, and an admin key when auth is on
    (the module's server may still have processes when it stops)."""
    config = write_config(tmp_path_factory.mktemp("mcp-other"), standin, {"alpha": {}}, api=api)
    server = LiveServer(config, create_key(config) if api.get("requireAuth") else None).start()
    try:
        yield server
    finally:
        server.stop(orphans=True)


@pytest.fixture
def failing(tmp_path_factory: pytest.TempPathFactory, standin: ModelStandIn) -> Iterator[LiveServer]:
    """A server allowing three requests (and three failed authentications) per address or key."""
    with another(tmp_path_factory, standin, requireAuth=True, rateLimit={"enabled": True, "maxRequests": 3}) as server:
        yield server


@pytest.fixture
def limited(tmp_path_factory: pytest.TempPathFactory, standin: ModelStandIn) -> Iterator[LiveServer]:
    """A server allowing four requests per key in ten minutes."""
    limits = {"enabled": True, "maxRequests": 4, "windowMs": 600_000}
    with another(tmp_path_factory, standin, requireAuth=True, rateLimit=limits) as server:
        yield server


@pytest.fixture
def open_server(tmp_path_factory: pytest.TempPathFactory, standin: ModelStandIn) -> Iterator[LiveServer]:
    """A server with `api.requireAuth: false`."""
    with another(tmp_path_factory, standin) as server:
        yield server


@contextlib.asynccontextmanager
async def connect(live: LiveServer, key: str | None) -> AsyncIterator[ClientSession]:
    """An initialized MCP client session on the server's `/mcp`, sending `key`."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(120)) as http,
        streamable_http_client(f"{live.url}/mcp", http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


def text(result: types.CallToolResult) -> str:
    """The text of a tool result."""
    return "".join(block.text for block in result.content if isinstance(block, types.TextContent))


async def ok(session: ClientSession, schemas: dict[str, Any], name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """Call a tool that must succeed; its structuredContent, checked against the outputSchema tools/list gave."""
    result = await session.call_tool(name, arguments)
    assert not result.is_error, f"{name}: {text(result)}"
    structured = result.structured_content
    assert isinstance(structured, dict), name
    jsonschema.Draft202012Validator(schemas[name]).validate(structured)
    assert text(result), name
    return structured


def refused(result: types.CallToolResult, error: str, *named: str) -> str:
    """The text of an error result, which begins with the contract's error name and names each of `named`."""
    message = text(result)
    assert result.is_error and result.structured_content is None, message
    assert message.startswith(f"{error}: "), message
    for name in named:
        assert name in message, (name, message)
    return message


async def named_key(live: LiveServer, name: str, **options: Any) -> tuple[str, str]:
    """A new key in the server's key store: its name (`name` made unique) and the key."""
    unique = f"{name}-{uuid.uuid4().hex[:6]}"
    return unique, await asyncio.to_thread(create_key, live.config, unique, **options)


async def key(live: LiveServer, name: str, **options: Any) -> str:
    """A new key in the server's key store."""
    return (await named_key(live, name, **options))[1]


def audit_rows(live: LiveServer, **params: Any) -> list[dict[str, Any]]:
    """The newest audit entries (read through REST with the admin key)."""
    with live.client() as client:
        answer = client.get("/api/audit", params={"limit": 50, **params})
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def test_every_tool_once_with_an_admin_key(live: LiveServer) -> None:
    called: set[str] = set()
    async with connect(live, live.key) as session:
        listed = (await session.list_tools()).tools
        schemas = {tool.name: tool.output_schema for tool in listed}
        assert all(tool.output_schema and tool.output_schema.get("type") == "object" for tool in listed)

        async def call(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
            called.add(name)
            return await ok(session, schemas, name, arguments)

        assert (await call("get_date", {}))["timezone"]
        assert {team["name"] for team in (await call("list_teams", {}))["items"]} == {"alpha", "beta", "gamma"}
        told = await call("send_message", {"toTeam": "alpha", "fromTeam": "beta", "message": "hello"})
        assert told["status"] == "completed" and told["response"].endswith("hello") and told["from"] == "beta"
        asked = await call("ask_message", {"toTeam": "alpha", "fromTeam": "beta", "message": "again", "timeout": 0})
        assert asked["sessionId"] == told["sessionId"] and asked["status"] == "completed"
        quick = await call("quick_message", {"toTeam": "alpha", "fromTeam": "beta", "message": "later"})
        assert quick["status"] in ("queued", "running", "completed")
        request = await call("get_request", {"requestId": quick["requestId"]})
        assert request["requestId"] == quick["requestId"]
        await until(lambda: live.call(lambda: not any(s.busy for s in live.engine.live_sessions())), what="alpha idle")
        assert (await call("team_status", {"fromTeam": "beta", "team": "alpha"}))["items"][0]["team"] == "alpha"
        report = await call("session_report", {"team": "alpha", "fromTeam": "beta", "limit": 5})
        assert report["team"] == "alpha" and report["fromTeam"] == "beta" and report["items"]
        cache = await call("read_cache", {"sessionId": told["sessionId"], "limit": 2})
        assert cache["items"]
        fork = await call("session_fork", {"team": "alpha", "fromTeam": "beta"})
        compacted = await call("session_compact", {"team": "alpha", "fromTeam": "beta", "timeout": -1})
        assert compacted["message"] == "/compact"
        cancelled = await call("session_cancel", {"team": "alpha", "fromTeam": "beta", "dropQueued": True})
        assert isinstance(cancelled["cancelled"], bool)
        assert (await call("team_wake", {"team": "beta"}))["status"] == "awake"
        await call("team_sleep", {"team": "beta", "force": True})
        await call("team_launch", {"team": "beta"})
        assert {r["team"] for r in (await call("team_wake_all", {"parallel": True}))["results"]} >= {"alpha", "beta"}
        asking = await call("quick_message", {"toTeam": "gamma", "message": "#bash:touch mcp-approved"})
        pending = await until(
            lambda: live.call(lambda: live.engine.pending_permissions("gamma")), what="a pending permission"
        )
        listed_permissions = await call("list_permissions", {"team": "gamma"})
        assert [p["permissionId"] for p in listed_permissions["items"]] == [pending[0].id]
        decided = await call("decide_permission", {"permissionId": pending[0].id, "decision": "approve"})
        assert decided["decision"] == "approve"
        assert (await call("get_request", {"requestId": asking["requestId"], "includeMessages": False}))["requestId"]
        assert (await call("get_logs", {"level": "info", "limit": 3}))["items"]
        await call("clear_cache", {"sessionId": told["sessionId"]})
        await call("session_delete", {"team": "alpha", "fromTeam": "beta", "sessionId": fork["sessionId"]})
        await call("session_reboot", {"team": "alpha", "fromTeam": "beta"})
    assert called == {tool.name for tool in listed} == set(TOOLS.values())


async def test_a_viewer_key_is_refused_what_it_may_not_do(live: LiveServer) -> None:
    name, viewer = await named_key(live, "viewer", role="viewer")
    async with connect(live, viewer) as session:
        assert not (await session.call_tool("team_status", {})).is_error  # status:read it holds
        refused(
            await session.call_tool("send_message", {"toTeam": "alpha", "message": "hi"}), "ForbiddenError", "team:tell"
        )
        refused(await session.call_tool("team_sleep", {"team": "alpha"}), "ForbiddenError", "team:sleep")
    rows = [row for row in audit_rows(live, event="forbidden") if row["keyName"] == name]
    assert [row["details"]["permission"] for row in rows] == ["team:sleep", "team:tell"]  # newest first
    assert all(row["details"]["via"] == "mcp" and row["statusCode"] == 403 for row in rows)


async def test_no_key_or_a_bad_key_is_401_before_any_message_is_read(live: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live.url) as client:
        for headers in ({}, {"Authorization": "Bearer iris_sk_" + "x" * 40}, {"Authorization": "Basic abc"}):
            answer = await client.post("/mcp", content=b"not json at all", headers=headers)
            assert answer.status_code == 401, answer.text
            assert answer.headers["www-authenticate"] == "Bearer"
            error = answer.json()
            assert error["error"] == "UnauthorizedError" and error["statusCode"] == 401 and error["timestamp"] > 0
    rows = [row for row in audit_rows(live, event="auth_failure") if row["path"] == "/mcp"]
    assert len(rows) >= 3 and all(row["statusCode"] == 401 and row["details"]["via"] == "mcp" for row in rows)


async def test_there_is_no_event_stream_to_get(live: LiveServer) -> None:
    """Every POST stands on its own: a GET (the optional server-sent stream) is 405, in the contract's shape."""
    async with httpx.AsyncClient(base_url=live.url, headers={"Authorization": f"Bearer {live.key}"}) as client:
        answer = await client.get("/mcp", headers={"Accept": "text/event-stream"}, timeout=10)
    assert answer.status_code == 405 and answer.headers["allow"] == "POST"
    assert answer.json()["error"] == "MethodNotAllowedError"


async def test_failed_attempts_count_against_the_address(failing: LiveServer) -> None:
    server = failing
    async with httpx.AsyncClient(base_url=server.url) as client:
        statuses = [(await client.post("/mcp", json={})).status_code for _ in range(3)]
        rest = await client.get("/api/date")  # REST from the same address is blocked by /mcp's failures
        blocked = await client.post("/mcp", json={}, headers={"Authorization": f"Bearer {server.key}"})
    assert statuses == [401, 401, 401]
    assert rest.status_code == 429 and blocked.status_code == 429, (rest.text, blocked.text)
    assert blocked.json()["error"] == "TooManyRequestsError" and "retry-after" in blocked.headers


async def test_a_scoped_key_is_refused_for_other_teams(live: LiveServer) -> None:
    with live.client() as client:
        beta = client.post("/api/teams/tell", json={"toTeam": "beta", "message": "for beta"}).json()
    scoped = await key(live, "scoped", role="admin", teams=["alpha"])
    async with connect(live, scoped) as session:
        assert not (await session.call_tool("team_status", {"team": "alpha"})).is_error
        refused(await session.call_tool("team_status", {"team": "beta"}), "ForbiddenError", "beta")
        refused(await session.call_tool("team_wake", {"team": "beta"}), "ForbiddenError", "beta")
        refused(await session.call_tool("send_message", {"toTeam": "beta", "message": "x"}), "ForbiddenError", "beta")
        refused(
            await session.call_tool("send_message", {"toTeam": "alpha", "fromTeam": "gamma", "message": "x"}),
            "ForbiddenError",
            "gamma",
        )
        refused(await session.call_tool("read_cache", {"sessionId": beta["sessionId"]}), "ForbiddenError", "beta")
        refused(await session.call_tool("get_request", {"requestId": beta["requestId"]}), "ForbiddenError", "beta")
        refused(await session.call_tool("team_wake_all", {}), "ForbiddenError")
    forbidden = [
        row for row in audit_rows(live, event="forbidden") if row["keyName"] and row["keyName"].startswith("scoped")
    ]
    assert len(forbidden) >= 6 and all(row["details"]["via"] == "mcp" for row in forbidden)


async def test_audit_rows_are_those_of_rest_with_via_mcp(live: LiveServer) -> None:
    name, admin = await named_key(live, "audited", role="admin")
    with live.client(key=admin) as client:
        assert client.post("/api/teams/alpha/wake", json={"fromTeam": "gamma"}).status_code == 200
        assert client.post("/api/teams/nobody/sleep", json={}).status_code == 404
    async with connect(live, admin) as session:
        assert not (await session.call_tool("team_wake", {"team": "alpha", "fromTeam": "gamma"})).is_error
        refused(await session.call_tool("team_sleep", {"team": "nobody"}), "TeamNotFoundError", "nobody")
    rows = [row for row in audit_rows(live) if row["keyName"] == name]
    wakes = [row for row in rows if row["event"] == "wake"]
    sleeps = [row for row in rows if row["event"] == "sleep"]
    assert len(wakes) == 2 and len(sleeps) == 2, rows
    for pair in (wakes, sleeps):
        mcp, rest = pair  # newest first: the MCP call came second
        same = ("event", "team", "fromTeam", "statusCode", "method", "path", "error")
        assert {k: mcp[k] for k in same} == {k: rest[k] for k in same}
        assert mcp["details"].pop("via") == "mcp" and "via" not in rest["details"]
        assert mcp["details"] == rest["details"]
    successes = [row for row in rows if row["event"] == "auth_success" and row["path"] != "/mcp"]
    assert len(successes) == 4  # one per REST request and one per tool call, whose row says via mcp
    assert [bool(row["details"]) and row["details"] == {"via": "mcp"} for row in successes] == [
        True,
        True,
        False,
        False,
    ]
    messages = [row for row in rows if row["path"] == "/mcp"]  # initialize and the like, audited at /mcp
    assert messages and all(row["event"] == "auth_success" and row["details"] == {"via": "mcp"} for row in messages)
    # each row records the status its answer got: 200 for a request, 202 for a notification (initialized)
    assert sorted({row["statusCode"] for row in messages}) == [200, 202]


def rpc(method: str, params: dict[str, Any] | None = None, ident: int = 1) -> dict[str, Any]:
    """One JSON-RPC request."""
    return {"jsonrpc": "2.0", "id": ident, "method": method, **({"params": params} if params is not None else {})}


async def test_each_tool_call_counts_once_against_the_rate_limit(live: LiveServer) -> None:
    counted = await key(live, "counted", role="admin")
    headers = {
        "Authorization": f"Bearer {counted}",
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": "2025-06-18",
    }

    async with httpx.AsyncClient(base_url=live.url, headers=headers) as client:

        async def remaining() -> int:
            return int((await client.get("/api/date")).headers["ratelimit-remaining"])

        before = await remaining()
        for ident in range(3):
            answer = await client.post("/mcp", json=rpc("tools/call", {"name": "get_date", "arguments": {}}, ident))
            assert answer.status_code == 200 and '"isError":false' in answer.text, answer.text
        after_calls = await remaining()
        assert (await client.post("/mcp", json=rpc("tools/list"))).status_code == 200
        after_list = await remaining()
    assert before - after_calls == 4  # three tool calls, once each, and the REST read
    assert after_calls - after_list == 2  # tools/list counts once too


async def test_a_call_without_progress_is_answered_as_json_and_one_with_progress_as_a_stream(
    live: LiveServer,
) -> None:
    caller = await key(live, "framing", role="admin")
    headers = {
        "Authorization": f"Bearer {caller}",
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": "2025-06-18",
    }
    call = {"name": "get_date", "arguments": {}}
    async with httpx.AsyncClient(base_url=live.url, headers=headers) as client:
        plain = await client.post("/mcp", json=rpc("tools/call", call))
        streamed = await client.post("/mcp", json=rpc("tools/call", {**call, "_meta": {"progressToken": "p1"}}, 2))
        listed = await client.post("/mcp", json=rpc("tools/list", None, 3))
    assert plain.status_code == 200 and plain.headers["content-type"].startswith("application/json")
    assert plain.json()["result"]["isError"] is False and plain.json()["id"] == 1
    assert listed.headers["content-type"].startswith("application/json") and listed.json()["result"]["tools"]
    assert streamed.status_code == 200 and streamed.headers["content-type"].startswith("text/event-stream")
    assert '"isError":false' in streamed.text and '"id":2' in streamed.text


async def test_over_the_rate_limit_a_tool_call_is_refused(limited: LiveServer) -> None:
    server = limited
    async with connect(server, server.key) as session:  # its own messages count too
        results = [await session.call_tool("get_date", {}) for _ in range(4)]
    assert not results[0].is_error
    refused(results[-1], "TooManyRequestsError", "retryAfter")


def _inline(spec: dict[str, Any], node: Any) -> Any:
    """The spec's schema with every $ref replaced by its target (siblings kept)."""
    if isinstance(node, list):
        return [_inline(spec, item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target: Any = spec
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        return {**_inline(spec, target), **{k: _inline(spec, v) for k, v in node.items() if k != "$ref"}}
    return {k: _inline(spec, v) for k, v in node.items()}


async def test_input_and_output_schemas_are_the_specs(live: LiveServer) -> None:
    """For every tool, the schemas /mcp offers equal what the contract's request and 2xx response say."""
    spec = yaml.safe_load(SPEC_PATH.read_text())
    assert {op.operation_id: op.tool for op in operations() if op.tool} == TOOLS
    async with connect(live, live.key) as session:
        listed = {tool.name: tool for tool in (await session.list_tools()).tools}
    assert set(listed) == set(TOOLS.values())
    for op in operations():
        if op.tool is None:
            continue
        item = spec["paths"][op.path]
        raw = item[op.method.lower()]
        properties: dict[str, Any] = {}
        required: list[str] = []
        for parameter in [_inline(spec, p) for p in [*item.get("parameters", []), *raw.get("parameters", [])]]:
            schema = copy.deepcopy(parameter["schema"])
            if "description" in parameter:
                schema.setdefault("description", parameter["description"])
            properties[parameter["name"]] = schema
            if parameter.get("required"):
                required.append(parameter["name"])
        if "requestBody" in raw:
            body = _inline(spec, raw["requestBody"]["content"]["application/json"]["schema"])
            properties |= body.get("properties", {})
            required += body.get("required", [])
        tool = listed[op.tool]
        assert tool.input_schema["properties"] == properties, op.tool
        assert set(tool.input_schema.get("required", [])) == set(required), op.tool
        assert tool.input_schema["additionalProperties"] is False and tool.input_schema["type"] == "object"
        answers = [r for code, r in raw["responses"].items() if str(code).startswith("2")]
        outputs = [_inline(spec, r)["content"]["application/json"]["schema"] for r in answers]
        assert all(output == outputs[0] for output in outputs), op.tool
        assert tool.output_schema == outputs[0], op.tool
        assert op.permission in (tool.description or ""), op.tool


async def test_a_waiting_send_message_reports_progress(live: LiveServer) -> None:
    seen: list[tuple[float, str | None]] = []

    async def progress(done: float, total: float | None, message: str | None) -> None:
        seen.append((done, message))

    async with connect(live, live.key) as session:
        result = await session.call_tool(
            "send_message",
            {"toTeam": "beta", "fromTeam": "alpha", "message": "#slow:5:60 step by step"},
            progress_callback=progress,
        )
        assert not result.is_error, text(result)
        assert result.structured_content is not None
        reply = result.structured_content["response"]
        quiet = await session.call_tool("send_message", {"toTeam": "beta", "fromTeam": "alpha", "message": "quiet"})
        assert not quiet.is_error
    assert len(seen) >= 2 and [done for done, _ in seen] == sorted({done for done, _ in seen})
    assert "".join(message or "" for _, message in seen) == reply
    assert text(result).endswith(reply)


async def test_bad_input_is_named_and_loses_nothing(live: LiveServer) -> None:
    async with connect(live, live.key) as session:
        accepted = await session.call_tool("quick_message", {"toTeam": "alpha", "message": "#slow:3:200 kept"})
        assert not accepted.is_error, text(accepted)
        assert accepted.structured_content is not None
        request_id = accepted.structured_content["requestId"]
        refused(await session.call_tool("no_such_tool", {}), "ValidationError", "no_such_tool")
        refused(await session.call_tool("send_message", {"message": "hi"}), "ValidationError", "toTeam", "required")
        refused(await session.call_tool("team_sleep", {"team": "alpha", "force": "yes"}), "ValidationError", "force")
        refused(await session.call_tool("send_message", {"toTeam": 7, "message": "x"}), "ValidationError", "toTeam")
        refused(await session.call_tool("team_wake", {"team": "alpha", "color": "red"}), "ValidationError", "color")
        huge = refused(
            await session.call_tool("send_message", {"toTeam": "alpha", "message": "x" * (2 * 1024 * 1024)}),
            "ValidationError",
            "message",
        )
        assert len(huge) < 300  # names the argument, does not echo it
        refused(
            await session.call_tool("send_message", {"toTeam": "alpha", "message": "x", "timeout": 99_999_999}),
            "ValidationError",
            "timeout",
        )
        done = await until(lambda: _finished(live, request_id), timeout=60, what="the accepted tell")
        assert done["status"] == "completed" and done["response"].endswith("kept")
    async with httpx.AsyncClient(base_url=live.url, headers={"Authorization": f"Bearer {live.key}"}) as client:
        too_big = await client.post(
            "/mcp", content=b"{" + b" " * (5 * 1024 * 1024) + b"}", headers={"Content-Type": "application/json"}
        )
    assert too_big.status_code == 413 and too_big.json()["error"] == "PayloadTooLargeError"


def _finished(live: LiveServer, request_id: str) -> dict[str, Any] | None:
    with live.client() as client:
        record: dict[str, Any] = client.get(f"/api/requests/{request_id}").json()
    return record if record.get("status") not in ("queued", "running") else None


async def test_a_teams_own_process_acts_as_its_team(live: LiveServer) -> None:
    """The internal caller (a team's process): fromTeam forced, another team's refused, the operator role."""
    app = live.server.config.app if live.server is not None else None
    assert app is not None

    async def as_alpha(name: str, arguments: dict[str, Any]) -> ToolOutcome:
        return await live.run(call_tool(app, name, arguments, Caller(team="alpha")))

    status = await as_alpha("team_status", {"team": "beta"})
    assert not status.is_error and status.structured is not None and status.structured["fromTeam"] == "alpha"
    forged = await as_alpha("send_message", {"toTeam": "beta", "fromTeam": "gamma", "message": "forged"})
    assert (
        forged.is_error
        and forged.status == 403
        and forged.text.startswith("ForbiddenError: ")
        and "gamma" in forged.text
    )
    assert (await as_alpha("team_sleep", {"team": "beta"})).text.startswith(
        "ForbiddenError: "
    )  # operator: no team:sleep
    told = await as_alpha("send_message", {"toTeam": "beta", "message": "from alpha's process"})
    assert not told.is_error and told.structured is not None and told.structured["from"] == "alpha"
    with live.client() as client:
        external = client.post("/api/teams/tell", json={"toTeam": "beta", "message": "external"}).json()
    other = await as_alpha("read_cache", {"sessionId": external["sessionId"]})  # the external → beta session
    assert other.is_error and other.text.startswith("ForbiddenError: ")
    rows = [row for row in audit_rows(live) if row["details"] and row["details"].get("via") == "team"]
    tells = [row for row in rows if row["event"] == "tell" and row["statusCode"] == 200]
    assert tells and tells[0]["team"] == "beta" and tells[0]["fromTeam"] == "alpha" and tells[0]["keyId"] is None
    assert any(row["event"] == "forbidden" and row["details"].get("fromTeam") == "gamma" for row in rows)


async def test_a_teams_process_reaches_only_its_tell_teams(live: LiveServer) -> None:
    app = live.server.config.app if live.server is not None else None
    assert app is not None
    gamma = Caller(team="gamma")
    allowed = await live.run(call_tool(app, "team_status", {"team": "alpha"}, gamma))
    assert not allowed.is_error, allowed.text
    beyond = await live.run(call_tool(app, "team_wake", {"team": "beta"}, gamma))
    assert beyond.status == 403 and beyond.text.startswith("ForbiddenError: ") and "beta" in beyond.text
    assert "tellTeams" in beyond.text


async def test_without_require_auth_no_key_is_needed(open_server: LiveServer) -> None:
    server = open_server
    async with connect(server, None) as session:
        assert len((await session.list_tools()).tools) == len(TOOLS)
        date = await session.call_tool("get_date", {})
        assert not date.is_error and date.structured_content is not None
        assert json.loads(text(date))["timezone"] == date.structured_content["timezone"]


def lint_problems(path: Path) -> list[str]:
    """What scripts/lint_spec.py finds wrong with the MCP tools of a spec."""
    lint = lint_spec()
    problems: list[str] = []
    lint.check_mcp_tools(lint.load(path), problems)
    return problems


def test_the_contract_lints_clean() -> None:
    assert lint_problems(SPEC_PATH) == []


@pytest.mark.parametrize(
    ("replacement", "problem", "error"),
    [
        (
            ("x-iris-mcp-tool: ask_message", "x-iris-mcp-tool: send_message"),
            "POST /api/teams/ask: x-iris-mcp-tool send_message also used by POST /api/teams/tell",
            r"x-iris-mcp-tool names used twice: \['send_message'\]",
        ),
        (
            ("x-iris-mcp-tool: get_date", "x-iris-mcp-tool: getDate"),
            "GET /api/date: x-iris-mcp-tool 'getDate' is not snake_case",
            "getDate: x-iris-mcp-tool must be a snake_case name, got 'getDate'",
        ),
        (
            ("operationId: listKeys\n", "operationId: listKeys\n      x-iris-mcp-tool: list_keys\n"),
            "GET /api/keys: x-iris-mcp-tool on an operation that needs 'admin'",
            None,
        ),
        (
            ("operationId: tellStream\n", "operationId: tellStream\n      x-iris-mcp-tool: tell_stream\n"),
            "POST /api/teams/tell/stream: x-iris-mcp-tool on an operation answering ['text/event-stream']",
            None,
        ),
    ],
)
def test_the_linter_and_the_table_refuse_a_bad_tool(
    tmp_path: Path, replacement: tuple[str, str], problem: str, error: str | None
) -> None:
    path = spec_with(tmp_path, replacement)
    assert problem in lint_problems(path)
    if error is None:
        assert load(path).operations  # the table loads it; the linter is what refuses it
    else:
        with pytest.raises(ValueError, match=error):
            load(path)

"""Teams tell teams: Claude Code itself calls Iris's MCP tools (server `iris`) against the model stand-in.

One live server for the module. Its teams run the real Claude Code with `ENABLE_TOOL_SEARCH=false`, so the
stand-in's `#iris:TOOL JSON` directive can call `mcp__iris__TOOL` by name; each hop of a chain is a message
whose text is the next hop's directive.
"""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from httpx_sse import connect_sse

from app.api import models as m
from app.standin import ModelStandIn, plan_reply
from tests.support.live import LiveServer, write_config
from tests.support.waiting import until_sync

MAX_DEPTH = 3
TOOL_TIMEOUT_MS = 60_000
"""Long: a tell that waited on its own chain would answer only after this (the tests expect far less)."""
REFUSED_WITHIN_S = 30.0


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, standin: ModelStandIn) -> Iterator[LiveServer]:
    """Teams alpha, beta and gamma with Iris's tools; narrow may tell only beta; quiet has no Iris tools. Short
    permission timeouts: a tool use held for a decision would be denied soon."""
    root = tmp_path_factory.mktemp("teams")
    env = {**standin.env(), "HOME": str(root / "home"), "ENABLE_TOOL_SEARCH": "false"}
    teams: dict[str, dict[str, Any]] = {name: {"env": env} for name in ("alpha", "beta")}
    teams["gamma"] = {"env": env, "grantPermission": "no"}  # Iris's own tools are not Claude Code's to refuse
    teams["narrow"] = {"env": env, "tellTeams": ["beta"], "grantPermission": "ask"}  # nor a person's to decide
    teams["quiet"] = {"env": env, "irisTools": False}
    settings = {
        "maxTellDepth": MAX_DEPTH,
        "mcpToolTimeout": TOOL_TIMEOUT_MS,
        "responseTimeout": 30_000,
        "maxProcesses": 8,
        "permissionTimeout": 5_000,
    }
    config = write_config(root, standin, teams, settings=settings)
    with LiveServer(config) as server:
        yield server


@pytest.fixture
def http(live: LiveServer) -> Iterator[httpx.Client]:
    with live.client(timeout=120) as client:
        yield client


def hop(team: str, message: str, **arguments: Any) -> str:
    """The text that makes a team's Claude Code call `send_message` to `team` with `message`."""
    return "#iris:send_message " + json.dumps({"toTeam": team, "message": message, **arguments})


def tell(http: httpx.Client, team: str, message: str, **body: Any) -> dict[str, Any]:
    """A REST tell that waits for its end."""
    response = http.post("/api/teams/tell", json={"toTeam": team, "message": message, **body})
    assert response.status_code == 200, response.text
    return dict(response.json())


def tells_of(http: httpx.Client, team: str, caller: str) -> list[dict[str, Any]]:
    """The pair's tell records, newest first (none when it has no session)."""
    response = http.get(f"/api/teams/{team}/report", params={"fromTeam": caller, "includeMessages": "false"})
    if response.status_code == 404:
        return []
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def child_of(http: httpx.Client, team: str, caller: str, parent: str) -> dict[str, Any]:
    """The tell made on the pair from inside the tell `parent`, once it exists."""
    found = until_sync(
        lambda: [t for t in tells_of(http, team, caller) if t.get("parentRequestId") == parent],
        what=f"a tell {caller} → {team} under {parent}",
    )
    return dict(found[0])


def record(http: httpx.Client, request_id: str) -> dict[str, Any]:
    response = http.get(f"/api/requests/{request_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def link(tell: dict[str, Any]) -> dict[str, Any]:
    """A tell as a link of the chains of the tells it makes."""
    return {"requestId": tell["requestId"], "sessionId": tell["sessionId"], "from": tell["from"], "to": tell["to"]}


def session_events(live: LiveServer, session_id: str) -> list[m.ServerEvent]:
    """Every retained event of a session, replayed over SSE and decoded strictly as the contract's events."""
    found: list[m.ServerEvent] = []
    with (
        live.client(timeout=30) as client,
        connect_sse(
            client, "GET", "/api/events", params={"session": session_id}, headers={"Last-Event-ID": f"{session_id}:0"}
        ) as source,
    ):
        for event in source.iter_sse():
            if event.event == "heartbeat":
                continue
            decoded = msgspec.json.decode(event.data, type=m.ServerEvent)
            found.append(decoded)
            if isinstance(decoded, m.TellCompleteEvent | m.TellErrorEvent):
                break
    return found


def test_the_stand_in_calls_only_an_offered_iris_tool() -> None:
    offered = {"tools": [{"name": "mcp__iris__send_message"}]}
    user = {"role": "user", "content": hop("beta", "hi")}
    reply = plan_reply({**offered, "messages": [user]})
    assert reply.stop_reason == "tool_use" and reply.blocks[0]["name"] == "mcp__iris__send_message"
    assert reply.blocks[0]["input"] == {"toTeam": "beta", "message": "hi"}
    assert plan_reply({"messages": [user]}).blocks == [{"type": "text", "text": "not offered: mcp__iris__send_message"}]
    broken = {"role": "user", "content": "#iris:send_message [1]"}
    assert plan_reply({**offered, "messages": [broken]}).blocks[0]["text"] == "not a JSON object: [1]"
    # the result of a tool use interrupted last turn comes with the caller's next text: the text is answered
    result = {"type": "tool_result", "tool_use_id": "toolu_1", "content": "stopped", "is_error": True}
    resumed = {"role": "user", "content": [result, {"type": "text", "text": "again"}]}
    assert plan_reply({"messages": [resumed]}).blocks[0]["text"] == "echo[n=1]: again"
    answered = {"role": "user", "content": [result]}
    assert plan_reply({"messages": [answered]}).blocks[0]["text"] == "tool error: stopped"


def test_alpha_tells_beta_and_gets_the_answer_back(live: LiveServer, http: httpx.Client) -> None:
    root = tell(http, "alpha", hop("beta", "hello from alpha"))
    assert root["status"] == "completed"
    assert "parentRequestId" not in root and "chain" not in root

    child = child_of(http, "beta", "alpha", root["requestId"])
    assert child["from"] == "alpha" and child["to"] == "beta" and child["status"] == "completed"
    assert child["message"] == "hello from alpha" and child["response"].endswith(": hello from alpha")
    assert root["response"] == f"tool said: completed ({child['requestId']}): {child['response']}"
    assert child["chain"] == [link(root)]
    stored = record(http, child["requestId"])
    assert stored["parentRequestId"] == root["requestId"] and stored["chain"] == [link(root)]

    events = session_events(live, child["sessionId"])
    mine = [e.data for e in events if getattr(e.data, "request_id", None) == uuid.UUID(child["requestId"])]
    queued = next(d for d in mine if isinstance(d, m.TellQueued))
    started = next(d for d in mine if isinstance(d, m.TellStarted))
    complete = next(d for d in mine if isinstance(d, m.TellComplete))
    parent = uuid.UUID(root["requestId"])
    assert queued.parent_request_id == started.parent_request_id == complete.parent_request_id == parent
    assert isinstance(queued.chain, list) and [str(x.request_id) for x in queued.chain] == [root["requestId"]]


def test_a_three_team_cycle_is_refused_at_once(http: httpx.Client) -> None:
    # gamma → alpha, then alpha → beta, beta → gamma, and gamma → alpha again: that pair already waits
    began = time.monotonic()
    root = tell(http, "alpha", hop("beta", hop("gamma", hop("alpha", "never delivered"))), fromTeam="gamma")
    assert time.monotonic() - began < REFUSED_WITHIN_S, "the cycle waited instead of being refused"
    assert root["status"] == "completed"
    assert "tool error: TellCycleError: gamma → alpha already waits in this chain" in root["response"]
    assert "gamma → alpha, alpha → beta, beta → gamma" in root["response"]
    assert [t["message"] for t in tells_of(http, "alpha", "gamma")] == [root["message"]]  # nothing accepted
    middle = child_of(http, "beta", "alpha", root["requestId"])
    last = child_of(http, "gamma", "beta", middle["requestId"])
    assert last["chain"] == [link(root), link(middle)]
    assert last["status"] == "completed" and "TellCycleError" in last["response"]


def test_a_chain_deeper_than_max_tell_depth_is_refused(http: httpx.Client) -> None:
    began = time.monotonic()
    root = tell(http, "alpha", hop("beta", hop("gamma", hop("beta", "too deep"))))
    assert time.monotonic() - began < REFUSED_WITHIN_S
    assert root["status"] == "completed"
    assert f"TellCycleError: gamma → beta would be tell 4 of a chain of at most {MAX_DEPTH}" in root["response"]
    assert all(t["message"] != "too deep" for t in tells_of(http, "beta", "gamma"))


def test_a_forged_from_team_is_refused(http: httpx.Client) -> None:
    root = tell(http, "alpha", hop("beta", "from gamma, honestly", fromTeam="gamma"))
    assert root["status"] == "completed"
    assert "tool error: ForbiddenError: Team alpha may act only as itself" in root["response"]
    assert all(t["message"] != "from gamma, honestly" for t in tells_of(http, "beta", "gamma"))
    own = tell(http, "alpha", hop("beta", "from alpha, truly", fromTeam="alpha"))
    assert own["response"].startswith("tool said: completed (")


def test_tell_teams_limits_whom_a_team_may_tell(http: httpx.Client) -> None:
    refused = tell(http, "narrow", hop("gamma", "out of bounds"))
    assert "tool error: ForbiddenError:" in refused["response"] and "tellTeams" in refused["response"]
    assert tells_of(http, "gamma", "narrow") == []
    allowed = tell(http, "narrow", hop("beta", "in bounds"))
    assert allowed["response"].startswith("tool said: completed (")
    assert child_of(http, "beta", "narrow", allowed["requestId"])["message"] == "in bounds"


def test_a_team_without_iris_tools_is_offered_none(http: httpx.Client) -> None:
    answer = tell(http, "quiet", hop("beta", "unheard"))
    assert answer["response"] == "not offered: mcp__iris__send_message"
    assert tells_of(http, "beta", "quiet") == []


def test_cancelling_a_tell_cancels_the_tell_it_waits_on(http: httpx.Client) -> None:
    queued = http.post("/api/teams/quick-tell", json={"toTeam": "alpha", "message": hop("beta", "#hang")})
    assert queued.status_code == 202
    root = queued.json()["requestId"]
    child = child_of(http, "beta", "alpha", root)
    until_sync(lambda: record(http, child["requestId"])["status"] == "running", what="the child tell running")

    cancelled = http.post("/api/teams/alpha/cancel", json={})
    assert cancelled.status_code == 200 and cancelled.json()["requestId"] == root
    ended = until_sync(
        lambda: (r := record(http, child["requestId"]))["status"] not in ("queued", "running") and r,
        timeout=15,
        what="the child tell to end",
    )
    assert ended["status"] == "cancelled"
    assert ended["reason"] == f"cancelled: its parent tell {root} was cancelled"
    assert until_sync(lambda: record(http, root)["status"] == "cancelled", timeout=15)


def test_putting_a_waiting_team_to_sleep_cancels_the_tell_it_waits_on(http: httpx.Client) -> None:
    queued = http.post("/api/teams/quick-tell", json={"toTeam": "alpha", "message": hop("beta", "#hang")})
    root = queued.json()["requestId"]
    child = child_of(http, "beta", "alpha", root)
    until_sync(lambda: record(http, child["requestId"])["status"] == "running", what="the child tell running")
    slept = http.post("/api/teams/alpha/sleep", json={"force": True})
    assert slept.status_code == 200 and slept.json()["cancelledRequestId"] == root
    ended = until_sync(
        lambda: (r := record(http, child["requestId"]))["status"] not in ("queued", "running") and r, timeout=15
    )
    assert (ended["status"], ended["reason"]) == ("cancelled", f"cancelled: its parent tell {root} was cancelled")


def test_a_crash_of_the_team_waited_on_fails_the_waiting_tool(live: LiveServer, http: httpx.Client) -> None:
    queued = http.post("/api/teams/quick-tell", json={"toTeam": "alpha", "message": hop("beta", "#hang")})
    root = queued.json()["requestId"]
    child = child_of(http, "beta", "alpha", root)
    until_sync(lambda: record(http, child["requestId"])["status"] == "running", what="the child tell running")
    pids = live.call(
        lambda: [r.pid for r in live.engine.live_sessions() if (r.from_team, r.team) == ("alpha", "beta") and r.pid]
    )
    assert len(pids) == 1
    os.kill(pids[0], signal.SIGKILL)

    ended = until_sync(
        lambda: (r := record(http, root))["status"] not in ("queued", "running") and r,
        timeout=REFUSED_WITHIN_S,
        what="the waiting tell to end",
    )
    assert ended["status"] == "completed"
    assert ended["response"].startswith(f"tool error: The tell {child['requestId']} to beta ended failed:")
    assert "process_exited: Claude Code exited" in ended["response"]
    assert record(http, child["requestId"])["status"] == "failed"


def test_a_waiting_tool_pauses_the_stall_watchdog_within_mcp_tool_timeout_and_chains_survive_a_restart(
    tmp_path: Path, standin: ModelStandIn
) -> None:
    # alpha's process is silent while its tool waits on beta, which streams for longer than alpha's responseTimeout
    env = {**standin.env(), "HOME": str(tmp_path / "home"), "ENABLE_TOOL_SEARCH": "false"}
    settings = {"responseTimeout": 2500, "mcpToolTimeout": 4000}
    config = write_config(tmp_path, standin, {"alpha": {"env": env}, "beta": {"env": env}}, settings=settings)
    server = LiveServer(config).start()  # the module's server runs on: its processes are not this one's orphans
    try:
        with server.client(timeout=120) as client:
            root = tell(client, "alpha", hop("beta", "#slow:10:600 remember me"))
            child = child_of(client, "beta", "alpha", root["requestId"])
            assert root["status"] == "completed", root  # not stalled
            assert root["response"].startswith(
                f"tool said: The tell {child['requestId']} to beta is still running after 4000 ms; "
                f"call get_request with requestId {child['requestId']} later for its answer.\n\n"
                "Its response so far: echo[n=1]: #slow"
            )
            done = until_sync(lambda: (r := record(client, child["requestId"]))["status"] == "completed" and r)
            assert done["response"] == "echo[n=1]: #slow:10:600 remember me"  # it ran on, its answer kept
            pid = server.call(lambda: next(r.pid for r in server.engine.live_sessions() if r.team == "alpha"))
            assert b"MCP_TOOL_TIMEOUT=14000" in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    finally:
        server.stop(orphans=True)
    server = LiveServer(config).start()
    try:
        with server.client(timeout=30) as client:
            again = record(client, child["requestId"])
    finally:
        server.stop(orphans=True)
    assert again["parentRequestId"] == root["requestId"] and again["chain"] == [link(root)]

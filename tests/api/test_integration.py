"""Every operation over HTTP against a real uvicorn server, with real Claude Code processes on the stand-in."""

from __future__ import annotations

import datetime
import re
import time
import uuid
from pathlib import Path
from typing import Any, TypeVar

import httpx
import msgspec

from app.api import models as m
from tests.support.live import LiveServer
from tests.support.waiting import until_sync as until

T = TypeVar("T")


def body(response: httpx.Response, model: type[T], status: int = 200) -> T:
    """The response decoded strictly as `model` (unknown fields rejected), after checking its status."""
    assert response.status_code == status, response.text
    return msgspec.json.decode(response.content, type=model)


def error(response: httpx.Response, status: int, name: str) -> m.Error:
    """The response as an Error of this status and class."""
    failure = body(response, m.Error, status)
    assert failure.error == name, failure
    return failure


def history(text: str | None) -> int:
    """The number of messages the stand-in saw, from its `echo[n=N]` reply."""
    match = re.match(r"echo\[n=(\d+)\]", text or "")
    assert match, f"not an echo reply: {text!r}"
    return int(match.group(1))


def record(client: httpx.Client, request_id: uuid.UUID, **params: Any) -> m.TellResponse:
    """A tell's record through GET /api/requests/{requestId}."""
    return body(client.get(f"/api/requests/{request_id}", params=params), m.TellResponse)


def finished(client: httpx.Client, request_id: uuid.UUID) -> m.TellResponse:
    """Poll a tell's record until it has ended."""
    return until(
        lambda: (r := record(client, request_id)).status not in ("queued", "running") and r,
        what=f"tell {request_id} to end",
    )


def running_with_text(client: httpx.Client, request_id: uuid.UUID) -> m.TellResponse:
    """Poll until the tell is running and has said something."""
    return until(
        lambda: (r := record(client, request_id)).status == "running" and r.response and r,
        what=f"tell {request_id} to stream",
    )


def test_tell_finished_is_200_with_the_record(client: httpx.Client) -> None:
    response = client.post("/api/teams/tell", json={"toTeam": "alpha", "fromTeam": "beta", "message": "hello"})
    told = body(response, m.TellResponse)
    assert told.status == "completed" and told.response == "echo[n=1]: hello"
    assert told.from_ == "beta" and told.to == "alpha" and told.message == "hello"
    assert told.is_error is False and told.reason is msgspec.UNSET
    assert isinstance(told.usage, m.Usage) and told.usage.input_tokens > 0 and told.usage.output_tokens > 0
    assert isinstance(told.cost_usd, float) and told.cost_usd > 0
    assert isinstance(told.duration, int) and told.finished_at is not msgspec.UNSET
    assert "location" not in response.headers
    again = record(client, told.request_id)
    assert again.status == "completed" and again.response == told.response and again.session_id == told.session_id


def test_ask_is_the_same_operation(client: httpx.Client) -> None:
    asked = body(
        client.post("/api/teams/ask", json={"toTeam": "beta", "fromTeam": "beta", "message": "a?"}), m.TellResponse
    )
    assert asked.status == "completed" and asked.response == "echo[n=1]: a?"
    again = body(
        client.post("/api/teams/ask", json={"toTeam": "beta", "fromTeam": "beta", "message": "b?"}), m.TellResponse
    )
    assert again.session_id == asked.session_id and history(again.response) == 3


def test_tell_past_its_timeout_is_202_with_partial_then_fetched(client: httpx.Client) -> None:
    body(client.post("/api/teams/alpha/wake", json={"fromTeam": "gamma"}), m.WakeResponse)  # no spawn in the wait
    message = "#slow:30:200 take your time"
    response = client.post(
        "/api/teams/tell", json={"toTeam": "alpha", "fromTeam": "gamma", "message": message, "timeout": 3000}
    )
    partial = body(response, m.TellResponse, 202)
    assert partial.status == "running" and partial.finished_at is msgspec.UNSET
    assert response.headers["location"] == f"/api/requests/{partial.request_id}"
    assert isinstance(partial.response, str) and partial.response
    full = finished(client, partial.request_id)
    assert full.status == "completed" and full.response and full.response.endswith(message)
    assert full.response.startswith(partial.response) and len(partial.response) < len(full.response)
    with_messages = record(client, partial.request_id, includeMessages="true")
    assert isinstance(with_messages.messages, list)


def test_quick_tell_is_202_and_finishes_later(client: httpx.Client) -> None:
    response = client.post("/api/teams/quick-tell", json={"toTeam": "beta", "fromTeam": "alpha", "message": "later"})
    quick = body(response, m.TellResponse, 202)
    assert quick.status in ("queued", "running")
    assert response.headers["location"] == f"/api/requests/{quick.request_id}"
    done = finished(client, quick.request_id)
    assert done.status == "completed" and done.response and done.response.endswith(": later")


def test_cancel_a_running_tell(client: httpx.Client) -> None:
    nothing = client.post("/api/teams/beta/cancel", json={})
    error(nothing, 404, "SessionNotFoundError")
    quick = body(
        client.post("/api/teams/quick-tell", json={"toTeam": "beta", "message": "#slow:60:100 going on"}),
        m.TellResponse,
        202,
    )
    queued = body(
        client.post("/api/teams/quick-tell", json={"toTeam": "beta", "message": "behind"}), m.TellResponse, 202
    )
    running_with_text(client, quick.request_id)
    result = body(client.post("/api/teams/beta/cancel", json={"dropQueued": True}), m.CancelResponse)
    assert result.cancelled is True and result.request_id == quick.request_id and result.status == "cancelled"
    assert result.dropped_queued == 1 and result.session_id == quick.session_id and result.from_team == "external"
    assert record(client, quick.request_id).status == "cancelled"
    assert record(client, queued.request_id).status == "cancelled"
    idle = body(client.post("/api/teams/beta/cancel"), m.CancelResponse)
    assert idle.cancelled is False and idle.status is None and idle.dropped_queued == 0


def test_reboot_replaces_the_session(client: httpx.Client) -> None:
    none_yet = body(client.delete("/api/teams/beta/reboot", params={"fromTeam": "gamma"}), m.RebootResponse)
    assert none_yet.old_session_id is None
    first = body(
        client.post("/api/teams/tell", json={"toTeam": "beta", "fromTeam": "gamma", "message": "one"}), m.TellResponse
    )
    assert first.session_id == none_yet.new_session_id
    rebooted = body(client.delete("/api/teams/beta/reboot", params={"fromTeam": "gamma"}), m.RebootResponse)
    assert rebooted.old_session_id == first.session_id and rebooted.new_session_id != first.session_id
    error(client.get(f"/api/requests/{first.request_id}"), 404, "RequestNotFoundError")
    fresh = body(
        client.post("/api/teams/tell", json={"toTeam": "beta", "fromTeam": "gamma", "message": "two"}), m.TellResponse
    )
    assert fresh.session_id == rebooted.new_session_id and history(fresh.response) == 1


def test_delete_the_session(client: httpx.Client, live: LiveServer) -> None:
    told = body(client.post("/api/teams/gamma/wake", json={"fromTeam": "beta"}), m.WakeResponse)
    said = body(
        client.post("/api/teams/tell", json={"toTeam": "gamma", "fromTeam": "beta", "message": "bye"}), m.TellResponse
    )
    assert said.session_id == told.session_id
    home = Path(live.config.teams["gamma"].env["HOME"])
    assert list(home.glob(f".claude/projects/*/{said.session_id}.jsonl"))
    deleted = body(client.delete("/api/teams/gamma/delete", params={"fromTeam": "beta"}), m.DeleteSessionResponse)
    assert deleted.session_id == said.session_id and deleted.deleted and deleted.transcript_deleted
    assert deleted.tells_deleted == 1
    assert not list(home.glob(f".claude/projects/*/{said.session_id}.jsonl"))
    error(client.delete("/api/teams/gamma/delete", params={"fromTeam": "beta"}), 404, "SessionNotFoundError")
    error(client.get(f"/api/cache/{said.session_id}"), 404, "SessionNotFoundError")


def test_fork_then_tell_the_fork(client: httpx.Client) -> None:
    error(client.post("/api/teams/alpha/fork", json={"fromTeam": "alpha"}), 404, "SessionNotFoundError")
    original = body(
        client.post("/api/teams/tell", json={"toTeam": "alpha", "fromTeam": "alpha", "message": "shared past"}),
        m.TellResponse,
    )
    fork = body(client.post("/api/teams/alpha/fork", json={"fromTeam": "alpha"}), m.ForkResponse, 201)
    assert fork.forked_from == original.session_id and fork.session_id != original.session_id
    assert f"--resume {original.session_id}" in fork.command and fork.team == "alpha" and fork.from_team == "alpha"
    told = body(
        client.post(
            "/api/teams/tell",
            json={"toTeam": "alpha", "fromTeam": "alpha", "message": "in the fork", "sessionId": str(fork.session_id)},
        ),
        m.TellResponse,
    )
    assert told.session_id == fork.session_id and told.response == "echo[n=3]: in the fork"
    main = body(
        client.post("/api/teams/tell", json={"toTeam": "alpha", "fromTeam": "alpha", "message": "main"}), m.TellResponse
    )
    assert main.session_id == original.session_id and history(main.response) == 3
    forked_again = body(
        client.post("/api/teams/alpha/fork", json={"fromTeam": "alpha", "sessionId": str(fork.session_id)}),
        m.ForkResponse,
        201,
    )
    assert forked_again.forked_from == fork.session_id
    gone = body(
        client.delete("/api/teams/alpha/delete", params={"fromTeam": "alpha", "sessionId": str(fork.session_id)}),
        m.DeleteSessionResponse,
    )
    assert gone.session_id == fork.session_id
    assert body(client.get(f"/api/cache/{original.session_id}"), m.CachePage).items


def test_wake_launch_and_sleep(client: httpx.Client) -> None:
    body(client.post("/api/teams/alpha/sleep", json={"fromTeam": "beta"}), m.SleepResponse)  # whatever ran before
    body(client.post("/api/teams/beta/sleep", json={"fromTeam": "alpha"}), m.SleepResponse)
    woke = body(client.post("/api/teams/alpha/wake", json={"fromTeam": "beta"}), m.WakeResponse)
    assert woke.status == "awake" and woke.pid > 0 and woke.state == "idle" and woke.from_team == "beta"
    again = body(client.post("/api/teams/alpha/wake", json={"fromTeam": "beta"}), m.WakeResponse)
    assert again.status == "already_awake" and again.pid == woke.pid and again.duration == 0

    launched = body(client.post("/api/teams/beta/launch", json={"fromTeam": "alpha"}), m.LaunchResponse, 202)
    assert launched.status in ("waking", "already_awake")
    status = until(
        lambda: (
            (s := body(client.get("/api/teams/status", params={"fromTeam": "alpha", "team": "beta"}), m.TeamStatusPage))
            .items[0]
            .status
            == "awake"
            and s
        ),
        what="the launched process",
    )
    assert status.items[0].session_id == launched.session_id and status.items[0].pid
    relaunched = body(client.post("/api/teams/beta/launch", json={"fromTeam": "alpha"}), m.LaunchResponse, 202)
    assert relaunched.status == "already_awake" and relaunched.pid == status.items[0].pid

    slept = body(client.post("/api/teams/beta/sleep", json={"fromTeam": "alpha"}), m.SleepResponse)
    assert slept.status == "asleep" and slept.pid == status.items[0].pid and slept.cancelled_request_id is None
    already = body(client.post("/api/teams/beta/sleep", json={"fromTeam": "alpha"}), m.SleepResponse)
    assert already.status == "already_asleep" and already.pid is None


def test_sleep_waits_for_the_running_tell_or_forces_it(client: httpx.Client) -> None:
    slow = body(
        client.post("/api/teams/quick-tell", json={"toTeam": "alpha", "message": "#slow:8:100 finish me"}),
        m.TellResponse,
        202,
    )
    running_with_text(client, slow.request_id)
    slept = body(client.post("/api/teams/alpha/sleep", json={}), m.SleepResponse)
    assert slept.status == "asleep" and slept.cancelled_request_id is None
    assert record(client, slow.request_id).status == "completed"

    doomed = body(
        client.post("/api/teams/quick-tell", json={"toTeam": "alpha", "message": "#slow:60:100 stop me"}),
        m.TellResponse,
        202,
    )
    running_with_text(client, doomed.request_id)
    forced = body(client.post("/api/teams/alpha/sleep", json={"force": True}), m.SleepResponse)
    assert forced.status == "asleep" and forced.cancelled_request_id == doomed.request_id
    assert record(client, doomed.request_id).status == "cancelled"


def test_wake_all(client: httpx.Client) -> None:
    result = body(client.post("/api/teams/wake-all", json={"fromTeam": "gamma", "parallel": True}), m.WakeAllResponse)
    assert [r.team for r in result.results] == ["alpha", "beta", "gamma"]
    assert result.summary.total == 3 and result.summary.failed == 0
    assert result.summary.awake + result.summary.already_awake == 3 and result.parallel is True
    assert all(r.pid and r.session_id for r in result.results)
    again = body(client.post("/api/teams/wake-all", json={"fromTeam": "gamma"}), m.WakeAllResponse)
    assert again.summary.already_awake == 3 and again.parallel is False


def test_team_status_pages(client: httpx.Client) -> None:
    body(client.post("/api/teams/alpha/wake", json={"fromTeam": "alpha"}), m.WakeResponse)
    everything = body(client.get("/api/teams/status", params={"fromTeam": "alpha"}), m.TeamStatusPage)
    assert [s.team for s in everything.items] == ["alpha", "beta", "gamma"] and everything.next_cursor is None
    assert everything.from_team == "alpha" and everything.items[0].status == "awake"
    assert isinstance(everything.items[0].idle_time_remaining, int) and everything.items[0].pid
    first = body(client.get("/api/teams/status", params={"fromTeam": "alpha", "limit": 2}), m.TeamStatusPage)
    assert [s.team for s in first.items] == ["alpha", "beta"] and first.next_cursor
    rest = body(
        client.get("/api/teams/status", params={"fromTeam": "alpha", "limit": 2, "cursor": first.next_cursor}),
        m.TeamStatusPage,
    )
    assert [s.team for s in rest.items] == ["gamma"] and rest.next_cursor is None
    one = body(client.get("/api/teams/status", params={"team": "beta"}), m.TeamStatusPage)
    assert [s.team for s in one.items] == ["beta"] and one.from_team == "external"
    error(client.get("/api/teams/status", params={"team": "nobody"}), 404, "TeamNotFoundError")


def test_list_teams_with_processes(client: httpx.Client) -> None:
    body(client.post("/api/teams/gamma/wake", json={"fromTeam": "alpha"}), m.WakeResponse)
    teams = body(client.get("/api/teams"), m.TeamPage)
    assert [t.name for t in teams.items] == ["alpha", "beta", "gamma"]
    assert teams.items[2].grant_permission == "ask" and all(t.processes is msgspec.UNSET for t in teams.items)
    with_processes = body(
        client.get("/api/teams", params={"includeProcesses": "true", "fromTeam": "alpha"}), m.TeamPage
    )
    gamma = with_processes.items[2]
    assert isinstance(gamma.processes, list) and [p.from_team for p in gamma.processes] == ["alpha"]
    assert gamma.processes[0].pid and gamma.processes[0].state == "idle"
    paged = body(client.get("/api/teams", params={"limit": 1}), m.TeamPage)
    assert len(paged.items) == 1 and paged.next_cursor


def test_report_cache_read_and_clear(client: httpx.Client) -> None:
    for i in range(3):
        body(
            client.post("/api/teams/tell", json={"toTeam": "gamma", "fromTeam": "gamma", "message": f"note {i}"}),
            m.TellResponse,
        )
    report = body(
        client.get("/api/teams/gamma/report", params={"fromTeam": "gamma", "limit": 2, "includeMessages": "true"}),
        m.SessionReport,
    )
    assert [history(t.response) for t in report.items] == [5, 3] and report.next_cursor
    assert report.session.message_count == 3 and report.session.totals.cost_usd > 0
    assert report.session.state == "idle" and report.session.launch_command
    assert isinstance(report.items[0].messages, list) and any(msg.type == "result" for msg in report.items[0].messages)
    bare = body(
        client.get("/api/teams/gamma/report", params={"fromTeam": "gamma", "includeMessages": "false"}), m.SessionReport
    )
    assert all(t.messages is msgspec.UNSET for t in bare.items) and len(bare.items) == 3
    session_id = report.session.session_id
    page = body(client.get(f"/api/cache/{session_id}", params={"limit": 2, "cursor": report.next_cursor}), m.CachePage)
    assert [history(t.response) for t in page.items] == [1] and page.next_cursor is None
    assert page.team == "gamma" and page.from_team == "gamma"
    cleared = body(client.delete(f"/api/cache/{session_id}"), m.ClearCacheResponse)
    assert cleared.cleared == 3 and cleared.session_id == session_id
    assert body(client.get(f"/api/cache/{session_id}"), m.CachePage).items == []
    after = body(
        client.post("/api/teams/tell", json={"toTeam": "gamma", "fromTeam": "gamma", "message": "kept"}), m.TellResponse
    )
    assert history(after.response) == 7  # the conversation itself was kept


def test_compact(client: httpx.Client) -> None:
    body(
        client.post("/api/teams/tell", json={"toTeam": "beta", "fromTeam": "alpha", "message": "to compact"}),
        m.TellResponse,
    )
    quick = body(client.post("/api/teams/beta/compact", json={"fromTeam": "alpha", "timeout": -1}), m.TellResponse, 202)
    assert quick.message == "/compact"
    done = finished(client, quick.request_id)
    assert done.status in ("completed", "failed")


def test_permissions_listed_and_decided(client: httpx.Client, live: LiveServer) -> None:
    assert body(client.get("/api/permissions"), m.PermissionPage).items == []
    quick = body(
        client.post("/api/teams/quick-tell", json={"toTeam": "gamma", "message": "#bash:touch approved-file"}),
        m.TellResponse,
        202,
    )
    pending = until(
        lambda: body(client.get("/api/permissions", params={"team": "gamma"}), m.PermissionPage).items,
        what="a pending permission",
    )
    [request] = pending
    assert request.tool_name == "Bash" and "approved-file" in request.tool_input["command"]
    assert request.team == "gamma" and request.from_team == "external" and request.session_id == quick.session_id
    assert body(client.get("/api/permissions", params={"fromTeam": "alpha"}), m.PermissionPage).items == []
    decided = body(
        client.post(f"/api/permissions/{request.permission_id}", json={"decision": "approve"}),
        m.PermissionDecisionResponse,
    )
    assert (
        decided.decision == "approve"
        and (decided.decided_by or "").startswith("k_")  # the admin key that decided
        and decided.permission_id == request.permission_id
    )
    done = finished(client, quick.request_id)
    assert done.status == "completed" and "tool said" in (done.response or "")
    assert (Path(live.config.teams["gamma"].path) / "approved-file").exists()
    error(client.post(f"/api/permissions/{request.permission_id}", json={"decision": "deny"}), 404, "NotFoundError")


def test_logs_with_filters(client: httpx.Client) -> None:
    body(client.post("/api/teams/alpha/sleep", json={"fromTeam": "gamma"}), m.SleepResponse)
    started = datetime.datetime.now(datetime.UTC)
    woke = body(client.post("/api/teams/alpha/wake", json={"fromTeam": "gamma"}), m.WakeResponse)
    assert woke.status == "awake"  # a spawn, which the engine logs at info
    recent = body(client.get("/api/logs", params={"since": started.isoformat(), "level": "info"}), m.LogPage)
    assert recent.items and all(r.timestamp >= started for r in recent.items)
    assert all(r.level in ("info", "warning", "error", "critical") for r in recent.items)
    assert [r.timestamp for r in recent.items] == sorted((r.timestamp for r in recent.items), reverse=True)
    everything = body(client.get("/api/logs", params={"limit": 500}), m.LogPage)
    assert len(everything.items) > len(recent.items)
    first = body(client.get("/api/logs", params={"limit": 2}), m.LogPage)
    assert len(first.items) == 2 and first.next_cursor
    second = body(client.get("/api/logs", params={"limit": 2, "cursor": first.next_cursor}), m.LogPage)
    assert second.items and second.items[0].timestamp <= first.items[-1].timestamp
    assert second.items[0] != first.items[-1]
    errors_only = body(client.get("/api/logs", params={"level": "critical", "since": started.isoformat()}), m.LogPage)
    assert all(r.level == "critical" for r in errors_only.items)


def test_date_status_and_health(client: httpx.Client, live: LiveServer) -> None:
    now = body(client.get("/api/date"), m.DateResponse)
    assert now.timezone == "UTC" and abs(now.unix_ms / 1000 - time.time()) < 60 and now.unix == now.unix_ms // 1000
    assert now.iso.tzinfo is not None and now.weekday.value == now.iso.strftime("%A")
    status = body(client.get("/api/status"), m.SystemStatus)
    assert status.status in ("ok", "degraded") and status.teams == 3 and status.max_processes == 10
    assert status.total_processes == sum(
        (status.processes.spawning, status.processes.idle, status.processes.processing, status.processes.terminating)
    )
    health = body(client.get("/api/health"), m.Health)
    assert health.status == "ok" and health.version == status.version and health.uptime > 0


def test_server_takes_host_and_port_from_the_config(live: LiveServer) -> None:
    assert live.url.startswith("http://127.0.0.1:")
    response = httpx.get(f"{live.url}/api/health")
    assert response.status_code == 200 and response.headers["content-security-policy"]

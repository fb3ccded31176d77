"""The engine against the real Claude Code binary and the model stand-in."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.api.presentation import fork_command
from app.config import IrisConfig
from app.engine import Engine
from app.engine.events import session_channel, team_channel
from app.errors import (
    ProcessPoolLimitError,
    RequestNotFoundError,
    SessionNotFoundError,
    SessionQueueFullError,
    TeamNotFoundError,
    ValidationError,
)
from app.standin import ModelStandIn
from tests.conftest import ConfigFactory, claude_processes
from tests.support.waiting import until

Start = Callable[[IrisConfig], Any]
SLEEPER = "python3 -c 'import time; time.sleep(3017)'"


def history(response: str | None) -> int:
    """The number of messages the stand-in saw, from its `echo[n=N]` reply."""
    match = re.match(r"echo\[n=(\d+)\]", response or "")
    assert match, f"not an echo reply: {response!r}"
    return int(match.group(1))


def sleepers() -> list[int]:
    """Pids of the long-running tool child the tests start."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"time.sleep(3017)" in cmdline and b"/bin/bash" not in cmdline:
                found.append(int(entry.name))
    return found


async def test_tell_completes_and_is_recorded(engine: Engine, standin: ModelStandIn) -> None:
    first = await engine.tell("alpha", "hello")
    assert first.status == "completed"
    assert first.response == "echo[n=1]: hello"
    assert first.reason is None and first.is_error is False
    assert first.usage is not None and first.usage.input_tokens > 0 and first.usage.output_tokens > 0
    assert first.cost_usd is not None and first.cost_usd > 0
    assert first.duration_ms is not None and first.duration_ms >= 0
    second = await engine.tell("alpha", "again")
    assert second.response == "echo[n=3]: again"
    assert second.session_id == first.session_id
    await engine.recorded()
    stored = await engine.store.get_tell(first.request_id)
    assert stored is not None and stored.status == "completed" and stored.response == "echo[n=1]: hello"
    [status] = await engine.team_status(team="alpha")
    assert status.message_count == 2 and status.awake and status.state == "idle"
    session = await engine.store.get_session(first.session_id)
    assert session is not None and session.input_tokens > 0 and session.cost_usd > 0
    assert session.launch_command and "--session-id" in " ".join(session.launch_command)


async def test_pairs_are_separate_sessions(engine: Engine) -> None:
    ab = await engine.tell("beta", "from alpha", from_team="alpha")
    ba = await engine.tell("alpha", "from beta", from_team="beta")
    ext = await engine.tell("beta", "from outside")
    assert len({ab.session_id, ba.session_id, ext.session_id}) == 3
    assert history(ab.response) == history(ba.response) == history(ext.response) == 1


async def test_bad_input_is_rejected(engine: Engine) -> None:
    with pytest.raises(TeamNotFoundError):
        await engine.tell("nobody", "hi")
    with pytest.raises(TeamNotFoundError) as error:
        await engine.tell("alpha", "hi", from_team="stranger")
    assert error.value.details == {"fromTeam": "stranger", "configuredTeams": ["alpha", "beta"]}
    for message in ("", "a\x00b", "x" * (1024 * 1024 + 1)):
        with pytest.raises(ValidationError):
            await engine.tell("alpha", message)
    with pytest.raises(ValidationError):
        await engine.tell("alpha", "hi", timeout=-2)
    with pytest.raises(RequestNotFoundError):
        await engine.get_request(__import__("uuid").uuid4())
    with pytest.raises(SessionNotFoundError):
        await engine.delete("alpha")


async def test_timeouts_return_partial_then_record(engine: Engine) -> None:
    quick = await engine.tell("alpha", "at once", timeout=-1)
    assert quick.status in ("queued", "running")
    done = await engine.wait_for(quick.request_id, 30)
    assert done.status == "completed" and done.response == "echo[n=1]: at once"

    reply = "echo[n=3]: #slow:8:250 take your time"  # the stand-in streams it in 8 pieces, 250 ms apart
    partial = await engine.tell("alpha", "#slow:8:250 take your time", timeout=900)
    assert partial.status == "running"
    # what had streamed by the timeout: at least the first piece of this turn's reply, not all of it
    assert partial.response is not None and reply.startswith(partial.response)
    assert len(reply) // 8 <= len(partial.response) < len(reply)
    full = await engine.wait_for(partial.request_id, 30)
    assert full.status == "completed"
    assert full.response == reply
    assert full.response.startswith(partial.response)
    assert len(partial.response) < len(full.response)


async def test_chunks_concatenate_to_the_response(engine: Engine) -> None:
    await engine.wake("alpha")
    runtime = next(iter(engine.live_sessions()))
    subscription = engine.events.subscribe([session_channel(str(runtime.session_id))])
    result = await engine.tell("alpha", "#slow:6:20 chunky")
    chunks, names, seqs = [], [], []
    while not subscription.queue.empty():
        event = subscription.queue.get_nowait()
        names.append(event.name)
        seqs.append(event.seq)
        if event.name == "tell:chunk":
            chunks.append(event.data["chunk"])
    assert len(chunks) >= 6
    assert "".join(chunks) == result.response
    assert names[0] == "tell:queued" and names[-1] == "tell:complete" and "cache:message" in names
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    replay = engine.events.replay(str(runtime.session_id), seqs[2])
    assert replay is not None and [e.seq for e in replay] == seqs[3:]


async def test_model_errors_fail_the_tell(engine: Engine) -> None:
    for code in (500, 529, 401):
        result = await engine.tell("alpha", f"#status:{code}")
        assert result.status == "failed", result
        assert result.is_error is True
        assert result.reason and str(code) in result.reason
    after = await engine.tell("alpha", "recovered")
    assert after.status == "completed"


async def test_kill_9_mid_tell_fails_it_and_next_tell_resumes(engine: Engine) -> None:
    first = await engine.tell("alpha", "remember me")
    assert first.status == "completed"
    running = await engine.tell("alpha", "#slow:40:200 long story", timeout=-1)
    await until(lambda: next(iter(engine.live_sessions())).state == "processing", what="processing")
    [status] = await engine.team_status(team="alpha")
    assert status.pid is not None
    os.kill(status.pid, signal.SIGKILL)
    ended = await engine.wait_for(running.request_id, 20)
    assert ended.status == "failed"
    assert ended.reason and ended.reason.startswith("process_exited") and "-9" in ended.reason
    await until(lambda: next(iter(engine.live_sessions())).state == "stopped", what="stopped")
    after = await engine.tell("alpha", "still there?")
    assert after.status == "completed"
    assert history(after.response) >= 3, after.response
    [status] = await engine.team_status(team="alpha")
    assert status.pid is not None and status.pid != ended.exit_code


async def test_stall_watchdog(make_config: ConfigFactory, engine_factory: Start) -> None:
    engine = await engine_factory(make_config(settings={"responseTimeout": 1500}))
    await engine.tell("alpha", "before")
    started = time.monotonic()
    stalled = await engine.tell("alpha", "#hang")
    assert stalled.status == "stalled"
    assert stalled.reason and "1500" in stalled.reason
    assert 1.4 < time.monotonic() - started < 10
    [status] = await engine.team_status(team="alpha")
    assert not status.awake
    after = await engine.tell("alpha", "after")
    assert after.status == "completed" and history(after.response) >= 3


async def test_cancel_mid_stream_keeps_the_process(engine: Engine) -> None:
    running = await engine.tell("alpha", "#slow:50:100 going on and on", timeout=-1)
    await until(lambda: engine._recent[running.request_id].partial, what="first chunk")
    [before] = await engine.team_status(team="alpha")
    result = await engine.cancel("alpha")
    assert result.cancelled is True and result.request_id == running.request_id
    view = await engine.get_request(running.request_id)
    assert view.status == "cancelled" and view.reason
    after = await engine.tell("alpha", "next")
    assert after.status == "completed"
    [now] = await engine.team_status(team="alpha")
    assert now.pid == before.pid
    nothing = await engine.cancel("alpha")
    assert nothing.cancelled is False and nothing.request_id is None


async def test_queue_order_and_overflow(make_config: ConfigFactory, engine_factory: Start) -> None:
    engine = await engine_factory(make_config(settings={"maxQueuedTells": 2}))
    head = await engine.tell("alpha", "#slow:10:100 first", timeout=-1)
    await until(lambda: next(iter(engine.live_sessions())).current is not None, what="first running")
    second = await engine.tell("alpha", "second", timeout=-1)
    third = await engine.tell("alpha", "third", timeout=-1)
    with pytest.raises(SessionQueueFullError):
        await engine.tell("alpha", "fourth", timeout=-1)
    results = [await engine.wait_for(t.request_id, 30) for t in (head, second, third)]
    assert [r.status for r in results] == ["completed"] * 3
    assert [history(r.response) for r in results] == [1, 3, 5]
    assert results[0].finished_at <= results[1].started_at  # type: ignore[operator]
    assert results[1].finished_at <= results[2].started_at  # type: ignore[operator]


async def test_pool_full_of_busy_processes(make_config: ConfigFactory, engine_factory: Start) -> None:
    engine = await engine_factory(make_config(settings={"maxProcesses": 1}))
    busy = await engine.tell("alpha", "#slow:20:100 busy", timeout=-1)
    await until(lambda: next(iter(engine.live_sessions())).state == "processing", what="busy")
    with pytest.raises(ProcessPoolLimitError):
        await engine.tell("beta", "any room?")
    with pytest.raises(ProcessPoolLimitError):
        await engine.wake("beta")
    assert (await engine.wait_for(busy.request_id, 30)).status == "completed"


async def test_only_idle_processes_are_evicted(make_config: ConfigFactory, engine_factory: Start) -> None:
    engine = await engine_factory(make_config(teams=("alpha", "beta", "gamma"), settings={"maxProcesses": 2}))
    await engine.wake("alpha")
    await asyncio.sleep(0.05)
    await engine.wake("beta")
    busy = await engine.tell("beta", "#slow:20:100 working", timeout=-1)
    await until(lambda: any(r.state == "processing" for r in engine.live_sessions()), what="beta busy")
    result = await engine.tell("gamma", "room please")
    assert result.status == "completed"
    states = {s.team: s.awake for s in await engine.team_status()}
    assert states == {"alpha": False, "beta": True, "gamma": True}
    assert (await engine.wait_for(busy.request_id, 30)).status == "completed"


async def test_idle_reaping(make_config: ConfigFactory, engine_factory: Start) -> None:
    engine = await engine_factory(make_config(team_options={"idleTimeout": 800}))
    subscription = engine.events.subscribe([team_channel("alpha")])
    woke = await engine.wake("alpha")
    [status] = await engine.team_status(team="alpha")
    assert status.idle_time_remaining_ms is not None and 0 < status.idle_time_remaining_ms <= 800
    event = await asyncio.wait_for(subscription.get(), 5)
    assert event.name == "process:spawned" and event.data["pid"] == woke.pid
    event = await asyncio.wait_for(subscription.get(), 5)
    assert event.name == "process:terminated" and event.data["reason"] == "idle_timeout"
    [status] = await engine.team_status(team="alpha")
    assert not status.awake and status.pid is None


async def test_wake_costs_no_model_turn(engine: Engine, standin: ModelStandIn) -> None:
    before = len(standin.requests)
    first = await engine.wake("alpha")
    again = await engine.wake("alpha")
    assert first.status == "awake" and again.status == "already_awake" and first.pid == again.pid
    assert len(standin.requests) == before


async def test_restart_keeps_records_and_resumes(make_config: ConfigFactory, engine_factory: Start) -> None:
    config = make_config()
    engine = await engine_factory(config)
    first = await engine.tell("alpha", "before restart")
    await engine.shutdown()
    engine = await engine_factory(config)
    record = await engine.get_request(first.request_id)
    assert record.status == "completed" and record.response == "echo[n=1]: before restart"
    after = await engine.tell("alpha", "after restart")
    assert after.session_id == first.session_id
    assert after.response == "echo[n=3]: after restart"
    session = await engine.store.get_session(first.session_id)
    assert session is not None and "--resume" in " ".join(session.launch_command or [])


async def test_concurrent_first_tells_share_one_spawn(engine: Engine) -> None:
    subscription = engine.events.subscribe([team_channel("alpha")])
    before = set(claude_processes())
    results = await asyncio.gather(
        *(engine.tell("alpha", f"hi {i}") for i in range(4)), engine.wake("alpha"), engine.wake("alpha")
    )
    tells = results[:4]
    assert all(r.status == "completed" for r in tells)
    assert sorted(history(r.response) for r in tells) == [1, 3, 5, 7]
    spawned = []
    while not subscription.queue.empty():
        spawned.append(subscription.queue.get_nowait().name)
    assert spawned.count("process:spawned") == 1
    assert len(set(claude_processes()) - before) == 1


async def test_fork_keeps_history(engine: Engine) -> None:
    with pytest.raises(SessionNotFoundError):
        await engine.fork("alpha")
    original = await engine.tell("alpha", "shared past")
    fork = await engine.fork("alpha")
    assert fork.forked_from == original.session_id and fork.session_id != original.session_id
    assert fork.folder == engine.config.teams["alpha"].path
    assert f"--resume {original.session_id}" in fork_command(fork.folder, fork.forked_from, fork.session_id)
    told = await engine.tell("alpha", "in the fork", session_id=fork.session_id)
    assert told.session_id == fork.session_id and told.response == "echo[n=3]: in the fork"
    again = await engine.tell("alpha", "fork again", session_id=fork.session_id)
    assert again.response == "echo[n=5]: fork again"
    main = await engine.tell("alpha", "main line")
    assert main.session_id == original.session_id and main.response == "echo[n=3]: main line"
    with pytest.raises(SessionNotFoundError):
        await engine.tell("beta", "wrong team", session_id=fork.session_id)


async def test_reboot_and_delete_remove_records_and_transcript(engine: Engine, home: Path) -> None:
    first = await engine.tell("alpha", "to be forgotten")
    transcripts = list((home / ".claude" / "projects").glob(f"*/{first.session_id}.jsonl"))
    assert len(transcripts) == 1
    rebooted = await engine.reboot("alpha")
    assert rebooted.old_session_id == first.session_id and rebooted.new_session_id != first.session_id
    assert not transcripts[0].exists()
    assert await engine.store.get_session(first.session_id) is None
    assert await engine.store.get_tell(first.request_id) is None
    fresh = await engine.tell("alpha", "new start")
    assert fresh.session_id == rebooted.new_session_id and fresh.response == "echo[n=1]: new start"
    deleted = await engine.delete("alpha")
    assert deleted.session_id == fresh.session_id and deleted.transcript_deleted and deleted.tells_deleted == 1
    assert not list((home / ".claude" / "projects").glob(f"*/{fresh.session_id}.jsonl"))
    [status] = await engine.team_status(team="alpha")
    assert status.session_id is None and not status.awake


async def test_sleep_waits_or_forces(engine: Engine) -> None:
    assert (await engine.sleep("alpha")).status == "already_asleep"
    running = await engine.tell("alpha", "#slow:10:100 finish me", timeout=-1)
    await until(lambda: any(r.state == "processing" for r in engine.live_sessions()), what="processing")
    slept = await engine.sleep("alpha")
    assert slept.status == "asleep"
    assert (await engine.get_request(running.request_id)).status == "completed"
    running = await engine.tell("alpha", "#slow:50:100 stop me", timeout=-1)
    await until(lambda: any(r.state == "processing" for r in engine.live_sessions()), what="processing")
    forced = await engine.sleep("alpha", force=True)
    assert forced.status == "asleep" and forced.cancelled_request_id == running.request_id
    assert (await engine.get_request(running.request_id)).status == "cancelled"


async def test_wake_all_status_teams_report_cache(engine: Engine) -> None:
    result = await engine.wake_all(parallel=True)
    assert result.total == 2 and result.awake == 2 and result.failed == 0
    result = await engine.wake_all()
    assert result.already_awake == 2
    statuses = await engine.team_status()
    assert [s.team for s in statuses] == ["alpha", "beta"] and all(s.awake for s in statuses)
    teams = await engine.list_teams(include_processes=True)
    assert {t.name for t in teams} == {"alpha", "beta"}
    assert all(t.processes and t.processes[0].process_state == "idle" for t in teams)
    for i in range(3):
        await engine.tell("alpha", f"note {i}")
    page = await engine.report("alpha", limit=2)
    assert [history(t.response) for t in page.tells] == [5, 3] and page.next_cursor
    assert page.tells[0].messages and any(m.data["type"] == "result" for m in page.tells[0].messages)
    rest = await engine.read_cache(page.session.session_id, limit=2, cursor=page.next_cursor)
    assert [history(t.response) for t in rest.tells] == [1] and rest.next_cursor is None
    assert await engine.clear_cache(page.session.session_id) == 3
    assert (await engine.report("alpha")).tells == []
    after = await engine.tell("alpha", "conversation kept")
    assert history(after.response) == 7
    status = await engine.system_status()
    assert status.total_processes == 2 and status.teams == 2 and status.sessions == 2
    logs = engine.query_logs(level="info", limit=500)
    assert any("spawned Claude Code" in entry.message for entry in logs)


async def test_shutdown_leaves_no_process_behind(engine: Engine) -> None:
    await engine.tell("alpha", f"#bash:{SLEEPER}", timeout=-1)
    await until(sleepers, what="the tool's child process")
    [status] = await engine.team_status(team="alpha")
    assert status.pid in claude_processes()
    started = time.monotonic()
    await engine.shutdown()
    assert time.monotonic() - started < 15
    assert status.pid not in claude_processes()
    assert sleepers() == []
    assert claude_processes() == []


async def test_crash_mid_tool_leaves_no_child(engine: Engine) -> None:
    running = await engine.tell("alpha", f"#bash:{SLEEPER}", timeout=-1)
    await until(sleepers, what="the tool's child process")
    await asyncio.sleep(1.3)  # the engine notes tool processes once a second
    [status] = await engine.team_status(team="alpha")
    assert status.pid is not None
    os.kill(status.pid, signal.SIGKILL)
    ended = await engine.wait_for(running.request_id, 20)
    assert ended.status == "failed" and ended.reason and "process_exited" in ended.reason
    await until(lambda: not sleepers(), timeout=10, what="the orphaned tool child to be stopped")


async def test_permissions_no_and_ask(make_config: ConfigFactory, engine_factory: Start, tmp_path: Path) -> None:
    engine = await engine_factory(make_config(team_options={"grantPermission": "no"}))
    denied = await engine.tell("alpha", "#bash:touch made-by-tool")
    assert denied.status == "completed" and denied.response and "tool error" in denied.response
    assert not (tmp_path / "projects" / "alpha" / "made-by-tool").exists()
    await engine.shutdown()

    engine = await engine_factory(
        make_config(team_options={"grantPermission": "ask"}, settings={"permissionTimeout": 1500})
    )
    subscription = engine.events.subscribe([team_channel("alpha")])
    approved = await engine.tell("alpha", "#bash:touch approved-file", timeout=-1)
    request = await asyncio.wait_for(_next(subscription, "permission:request"), 20)
    assert request.data["tool"] == "Bash" and "approved-file" in request.data["input"]["command"]
    assert [p.id for p in engine.pending_permissions()] == [request.data["permissionId"]]
    engine.decide_permission(request.data["permissionId"], True)
    result = await engine.wait_for(approved.request_id, 20)
    assert result.status == "completed" and (tmp_path / "projects" / "alpha" / "approved-file").exists()
    timed_out = await engine.tell("alpha", "#bash:touch never-file")
    assert timed_out.response and "tool error" in timed_out.response
    assert not (tmp_path / "projects" / "alpha" / "never-file").exists()
    resolved = await asyncio.wait_for(_next(subscription, "permission:resolved", skip=1), 5)
    assert resolved.data["decision"] == "deny" and resolved.data["by"] == "timeout"


async def _next(subscription: Any, name: str, skip: int = 0) -> Any:
    while True:
        event = await subscription.get()
        if event.name == name:
            if skip == 0:
                return event
            skip -= 1


async def test_hot_reload_reaches_the_engine(make_config: ConfigFactory, engine_factory: Start) -> None:
    engine = await engine_factory(make_config(settings={"maxProcesses": 1}))
    await engine.wake("alpha")
    with pytest.raises(ProcessPoolLimitError):
        busy = await engine.tell("alpha", "#slow:10:100 hold", timeout=-1)
        await until(lambda: any(r.state == "processing" for r in engine.live_sessions()), what="busy")
        await engine.wake("beta")
    engine.apply_config(make_config(settings={"maxProcesses": 2}))
    woke = await engine.wake("beta")
    assert woke.status == "awake"
    assert (await engine.wait_for(busy.request_id, 30)).status == "completed"


async def test_launch_returns_at_once_and_announces_readiness(engine: Engine) -> None:
    subscription = engine.events.subscribe([team_channel("beta")])
    launched = await engine.launch("beta", from_team="alpha")
    assert launched.status == "waking" and launched.pid is None
    event = await asyncio.wait_for(_next(subscription, "process:spawned"), 20)
    assert event.data["sessionId"] == str(launched.session_id) and event.data["fromTeam"] == "alpha"
    [status] = await engine.team_status(from_team="alpha", team="beta")
    assert status.awake and status.pid == event.data["pid"]
    assert (await engine.launch("beta", from_team="alpha")).status == "already_awake"


async def test_compact_runs_as_a_tell(engine: Engine) -> None:
    await engine.tell("alpha", "something to compact")
    compacted = await engine.compact("alpha")
    assert compacted.message == "/compact"
    assert compacted.status == "completed", compacted
    assert (await engine.get_request(compacted.request_id)).status == compacted.status
    after = await engine.tell("alpha", "after compacting")
    assert after.status == "completed"


async def test_cancel_can_drop_the_queue_and_target_a_fork(engine: Engine) -> None:
    await engine.tell("alpha", "history")
    fork = await engine.fork("alpha")
    running = await engine.tell("alpha", "#slow:50:100 in the fork", session_id=fork.session_id, timeout=-1)
    queued = [await engine.tell("alpha", f"waiting {i}", session_id=fork.session_id, timeout=-1) for i in range(2)]
    await until(lambda: engine._recent[running.request_id].partial, what="the fork's first chunk")
    primary = await engine.cancel("alpha")
    assert primary.cancelled is False
    result = await engine.cancel("alpha", session_id=fork.session_id, drop_queued=True)
    assert result.cancelled and result.request_id == running.request_id and result.dropped_queued == 2
    assert [(await engine.get_request(t.request_id)).status for t in queued] == ["cancelled", "cancelled"]
    fork_of_fork = await engine.fork("alpha", session_id=fork.session_id)
    assert fork_of_fork.forked_from == fork.session_id
    told = await engine.tell("alpha", "deeper", session_id=fork_of_fork.session_id)
    assert told.status == "completed" and history(told.response) >= 3
    deleted = await engine.delete("alpha", session_id=fork.session_id)
    assert deleted.session_id == fork.session_id
    with pytest.raises(SessionNotFoundError):
        await engine.tell("alpha", "gone", session_id=fork.session_id)
    assert (await engine.tell("alpha", "primary lives")).status == "completed"

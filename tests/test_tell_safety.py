"""A tell's text is only text, Iris alone decides tool use, a person is not a stall, a full pool is a 503."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.api.errors import details_of
from app.config import IrisConfig
from app.engine import Engine
from app.engine.checks import slash_command
from app.engine.events import team_channel
from app.engine.permissions import screen
from app.engine.transcripts import find_transcript
from app.errors import ProcessPoolLimitError, ValidationError
from app.standin import ModelStandIn
from tests.conftest import ConfigFactory

Start = Callable[[IrisConfig], Any]
ALLOW_EVERYTHING = ["Bash", "Bash(*)", "Read", "Read(/**)", "Write", "Edit", "WebFetch"]


def hostile_settings(home: Path, project: Path, mode: str = "acceptEdits") -> None:
    """Claude Code settings that allow every tool without asking: the user's, and the project's local ones."""
    document = json.dumps({"permissions": {"allow": ALLOW_EVERYTHING, "defaultMode": mode}})
    for folder, name in ((home / ".claude", "settings.json"), (project / ".claude", "settings.local.json")):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(document)


async def next_event(subscription: Any, name: str, timeout: float = 20) -> Any:
    """The next event called `name` on a subscription."""
    async with asyncio.timeout(timeout):
        while True:
            event = await subscription.get()
            if event.name == name:
                return event


async def until(condition: Callable[[], Any], timeout: float = 20.0, what: str = "condition") -> Any:
    """Check `condition()` after every turn of the event loop until it is truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        await asyncio.sleep(0)
    raise AssertionError(f"timed out waiting for {what}")


def runtime_of(engine: Engine, team: str) -> Any:
    """The live session of `external` → team."""
    return next(r for r in engine.live_sessions() if r.team == team)


# a tell's text is only text


@pytest.mark.parametrize(
    ("message", "name"),
    [
        ("/compact", "compact"),
        ("/compact keep the API notes", "compact"),
        ("/frontend:component Button", "frontend:component"),
        ("/tmp/x is broken", None),
        (" /config permissionMode=acceptEdits", None),
        ("please run /config", None),
        ("/", None),
    ],
)
def test_slash_command_names_what_claude_code_would_run(message: str, name: str | None) -> None:
    assert slash_command(message) == name


async def test_commands_in_a_tell_reach_the_model_as_text(engine: Engine, home: Path, standin: ModelStandIn) -> None:
    texts = [
        "/config permissionMode=acceptEdits",
        "/model claude-opus-4-1",
        "/cost",
        "/clear",
        "/compact",
        "/tmp/x is broken",
    ]
    for number, text in enumerate(texts):
        seen = len(standin.requests)
        told = await engine.tell("alpha", text)
        assert told.status == "completed", told
        assert told.response == f"echo[n={2 * number + 1}]: {text}"  # one conversation, nothing cleared
        assert any(text in json.dumps(body) for body in standin.requests[seen:])
    assert not (home / ".claude" / "settings.json").exists()


async def test_an_at_mention_reads_no_file(
    make_config: ConfigFactory, engine_factory: Start, tmp_path: Path, standin: ModelStandIn
) -> None:
    engine = await engine_factory(make_config(team_options={"grantPermission": "no"}))
    secret = tmp_path / "secret.txt"
    secret.write_text("NOT-FOR-THE-MODEL-4711\n")
    seen = len(standin.requests)
    told = await engine.tell("alpha", f"@{secret} what does it say?")
    assert told.status == "completed" and told.response == f"echo[n=1]: @{secret} what does it say?"
    assert "NOT-FOR-THE-MODEL-4711" not in json.dumps(standin.requests[seen:])


async def test_only_an_allowlisted_command_runs_and_only_when_asked(
    make_config: ConfigFactory, engine_factory: Start, home: Path, standin: ModelStandIn
) -> None:
    engine = await engine_factory(make_config(settings={"allowedSlashCommands": ["cost"]}))
    assert engine.allowed_command("/cost") == "cost" and engine.allowed_command("/config x") is None
    as_text = await engine.tell("alpha", "/cost")
    assert as_text.response == "echo[n=1]: /cost"
    seen = len(standin.requests)
    ran = await engine.tell("alpha", "/cost", command=True)
    assert ran.status == "completed" and ran.response and "cost" in ran.response.lower()
    assert not ran.response.startswith("echo") and len(standin.requests) == seen  # Claude Code answered itself
    with pytest.raises(ValidationError) as refused:
        await engine.tell("alpha", "/config permissionMode=acceptEdits", command=True)
    assert refused.value.details == {"field": "message"} and "/config" in refused.value.message
    assert not (home / ".claude" / "settings.json").exists()
    compacted = await engine.compact("alpha")  # Iris's own operation, allowlist or not
    assert compacted.status == "completed" and compacted.message == "/compact"
    assert not (compacted.response or "").startswith("echo[")
    after = await engine.tell("alpha", "after compacting")
    assert after.status == "completed"


# grantPermission holds whatever Claude Code's settings say


def test_screen_lets_only_reads_inside_the_folder_go_undecided(tmp_path: Path) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    (folder / "escape").symlink_to(tmp_path)
    inside = {"file_path": str(folder / "notes.md")}
    assert screen("yes", "Bash", {"command": "rm -rf /"}, str(folder)) is None
    for mode, held in (("no", "deny"), ("ask", "ask")):
        assert screen(mode, "Read", inside, str(folder)) is None
        assert screen(mode, "Read", {"file_path": "notes.md"}, str(folder)) is None
        assert screen(mode, "Glob", {"pattern": "**/*.py"}, str(folder)) is None
        assert screen(mode, "Grep", {"pattern": "/etc/passwd", "path": "src"}, str(folder)) is None
        assert screen(mode, "ToolSearch", {"query": "select:Read"}, str(folder)) is None
        assert screen(mode, "Bash", {"command": "echo hi"}, str(folder)) == held
        assert screen(mode, "Write", inside, str(folder)) == held
        assert screen(mode, "Read", {"file_path": "/etc/passwd"}, str(folder)) == held
        assert screen(mode, "Read", {"file_path": "../other/notes.md"}, str(folder)) == held
        assert screen(mode, "Read", {"file_path": "escape/secret"}, str(folder)) == held
        assert screen(mode, "Read", {"file_path": "~/.claude/settings.json"}, str(folder)) == held
        assert screen(mode, "Glob", {"pattern": "/root/**"}, str(folder)) == held
        assert screen(mode, "Glob", {"pattern": "../**/*.key"}, str(folder)) == held
        assert screen(mode, "Grep", {"pattern": "key", "path": "/etc"}, str(folder)) == held
        assert screen(mode, "Grep", {"pattern": "key", "glob": "../*"}, str(folder)) == held


@pytest.mark.parametrize("default_mode", ["acceptEdits", "bypassPermissions"])
async def test_grant_no_holds_against_hostile_settings(
    make_config: ConfigFactory, engine_factory: Start, home: Path, tmp_path: Path, default_mode: str
) -> None:
    config = make_config(team_options={"grantPermission": "no"})
    project = tmp_path / "projects" / "alpha"
    hostile_settings(home, project, default_mode)
    (project / "notes.txt").write_text("INSIDE-NOTE-1\n")
    (tmp_path / "outside.txt").write_text("OUTSIDE-NOTE-2\n")
    engine = await engine_factory(config)
    denied = await engine.tell("alpha", "#bash:touch ran-anyway")
    assert denied.status == "completed" and denied.response and denied.response.startswith("tool error"), denied
    assert "grantPermission: no" in denied.response
    assert not (project / "ran-anyway").exists()
    read = await engine.tell("alpha", f"#read:{project / 'notes.txt'}")
    assert read.response and read.response.startswith("tool said") and "INSIDE-NOTE-1" in read.response
    outside = await engine.tell("alpha", f"#read:{tmp_path / 'outside.txt'}")
    assert outside.response and outside.response.startswith("tool error") and "OUTSIDE-NOTE-2" not in outside.response


async def test_grant_ask_holds_against_hostile_settings(
    make_config: ConfigFactory, engine_factory: Start, home: Path, tmp_path: Path
) -> None:
    config = make_config(team_options={"grantPermission": "ask"}, settings={"permissionTimeout": 30000})
    project = tmp_path / "projects" / "alpha"
    hostile_settings(home, project)
    (project / "notes.txt").write_text("INSIDE-NOTE-3\n")
    engine = await engine_factory(config)
    subscription = engine.events.subscribe([team_channel("alpha")])
    read = await engine.tell("alpha", f"#read:{project / 'notes.txt'}")  # reading its own folder: no question
    assert read.response and "INSIDE-NOTE-3" in read.response and engine.pending_permissions() == []
    for file, approve in (("approved-file", True), ("denied-file", False)):
        told = await engine.tell("alpha", f"#bash:touch {file}", timeout=-1)
        request = await next_event(subscription, "permission:request")
        assert request.data["tool"] == "Bash" and file in request.data["input"]["command"]
        assert request.data["requestId"] == str(told.request_id)
        assert not (project / file).exists()  # it waits for the decision
        engine.decide_permission(request.data["permissionId"], approve, None if approve else "not here")
        result = await engine.wait_for(told.request_id, 20)
        assert result.status == "completed" and result.response
        assert result.response.startswith("tool said" if approve else "tool error"), result
        assert (project / file).exists() is approve


async def test_a_team_home_of_its_own(
    make_config: ConfigFactory, engine_factory: Start, home: Path, tmp_path: Path, standin: ModelStandIn
) -> None:
    team_home = tmp_path / "team-home"
    team_home.mkdir()
    engine = await engine_factory(make_config(team_options={"env": {**standin.env(), "HOME": str(team_home)}}))
    told = await engine.tell("alpha", "remember this")
    assert told.status == "completed"
    transcript = find_transcript(told.session_id, engine.config.team("alpha"))
    assert transcript is not None and transcript.is_relative_to(team_home)
    assert not list((home / ".claude" / "projects").glob(f"*/{told.session_id}.jsonl"))
    fork = await engine.fork("alpha")
    forked = await engine.tell("alpha", "and then?", session_id=fork.session_id)
    assert forked.status == "completed" and forked.response == "echo[n=3]: and then?"
    deleted = await engine.delete("alpha")
    assert deleted.transcript_deleted and not transcript.exists()


# a person is not a stall


async def test_a_pending_permission_is_not_a_stall(
    make_config: ConfigFactory, engine_factory: Start, tmp_path: Path
) -> None:
    settings = {"responseTimeout": 1500, "permissionTimeout": 30000}
    engine = await engine_factory(make_config(team_options={"grantPermission": "ask"}, settings=settings))
    subscription = engine.events.subscribe([team_channel("alpha")])
    told = await engine.tell("alpha", "#bash:touch decided-late", timeout=-1)
    request = await next_event(subscription, "permission:request")
    await asyncio.sleep(3.5)  # well past responseTimeout
    assert (await engine.get_request(told.request_id)).status == "running"
    engine.decide_permission(request.data["permissionId"], True)
    result = await engine.wait_for(told.request_id, 20)
    assert result.status == "completed" and result.response and result.response.startswith("tool said"), result
    assert (tmp_path / "projects" / "alpha" / "decided-late").exists()


async def test_a_permission_that_times_out_is_not_a_stall(make_config: ConfigFactory, engine_factory: Start) -> None:
    settings = {"responseTimeout": 1000, "permissionTimeout": 3000}
    engine = await engine_factory(make_config(team_options={"grantPermission": "ask"}, settings=settings))
    told = await engine.tell("alpha", "#bash:touch never-decided")
    assert told.status == "completed" and told.response and told.response.startswith("tool error"), told
    assert "no decision within 3000 ms" in told.response


async def test_the_watchdog_watches_again_after_a_decision(make_config: ConfigFactory, engine_factory: Start) -> None:
    settings = {"responseTimeout": 1500, "permissionTimeout": 30000}
    engine = await engine_factory(make_config(team_options={"grantPermission": "ask"}, settings=settings))
    subscription = engine.events.subscribe([team_channel("alpha")])
    told = await engine.tell("alpha", "#bash:python3 -c 'import time; time.sleep(20)'", timeout=-1)
    request = await next_event(subscription, "permission:request")
    await asyncio.sleep(2)
    engine.decide_permission(request.data["permissionId"], True)
    result = await engine.wait_for(told.request_id, 20)
    assert result.status == "stalled" and result.reason and "1500" in result.reason, result


# a full pool is a 503 before acceptance, and an accepted tell keeps its place


async def test_concurrent_first_tells_to_two_teams_with_one_process(
    make_config: ConfigFactory, engine_factory: Start
) -> None:
    engine = await engine_factory(make_config())
    for team in ("alpha", "beta"):  # sessions known, then both asleep: nothing to wait for but the pool
        await engine.tell(team, "hello")
        await engine.sleep(team)
    engine.apply_config(make_config(settings={"maxProcesses": 1}))
    results = await asyncio.gather(
        engine.tell("alpha", "#slow:5:100 first"), engine.tell("beta", "second"), return_exceptions=True
    )
    refused = [r for r in results if isinstance(r, BaseException)]
    told = [r for r in results if not isinstance(r, BaseException)]
    assert len(refused) == 1 and isinstance(refused[0], ProcessPoolLimitError), results
    assert details_of(refused[0]) == {"maxProcesses": 1, "retryAfter": 5}
    assert [t.status for t in told] == ["completed"]


async def test_a_tell_to_a_process_being_evicted_is_refused_not_failed(
    make_config: ConfigFactory, engine_factory: Start
) -> None:
    engine = await engine_factory(make_config(settings={"maxProcesses": 1}))
    await engine.tell("alpha", "warm")
    alpha = runtime_of(engine, "alpha")
    evicting = asyncio.create_task(engine.tell("beta", "make room"))
    await until(lambda: alpha.state == "terminating", what="alpha's process on its way to sleep")
    with pytest.raises(ProcessPoolLimitError):
        await engine.tell("alpha", "too late")
    assert (await evicting).status == "completed"
    assert (await engine.tell("alpha", "my turn")).status == "completed"


async def test_a_queued_tell_keeps_its_place_when_its_process_dies(
    make_config: ConfigFactory, engine_factory: Start
) -> None:
    engine = await engine_factory(make_config(settings={"maxProcesses": 1}))
    await engine.tell("beta", "hello")  # beta's session is known
    running = await engine.tell("alpha", "#hang", timeout=-1)
    alpha = runtime_of(engine, "alpha")
    await until(lambda: alpha.state == "processing", what="alpha busy")
    queued = await engine.tell("alpha", "after the crash", timeout=-1)
    assert queued.status == "queued"
    subscription = engine.events.subscribe([team_channel("alpha")])
    assert alpha.pid is not None
    os.kill(alpha.pid, signal.SIGKILL)
    await next_event(subscription, "process:terminated")
    with pytest.raises(ProcessPoolLimitError):  # alpha still has work: its slot is not beta's to take
        await engine.tell("beta", "is there room now?")
    crashed = await engine.wait_for(running.request_id, 20)
    assert crashed.status == "failed" and crashed.reason and "process_exited" in crashed.reason
    after = await engine.wait_for(queued.request_id, 30)
    assert after.status == "completed", after

"""A server stopped mid-work (SIGKILL or SIGTERM) and started again: queued tells run, nothing is orphaned."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import os
import re
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.config import IrisConfig
from app.engine import Engine
from app.standin import ModelStandIn, caller_text
from tests.conftest import ConfigFactory
from tests.support.live import ROOT, child_environment, free_port, wait_until_serving, write_config
from tests.support.waiting import until as until_async
from tests.support.waiting import until_sync as until


def history(response: str | None) -> int:
    """The number of messages the stand-in saw, from its `echo[n=N]` reply."""
    match = re.match(r"echo\[n=(\d+)\]", response or "")
    assert match, f"not an echo reply: {response!r}"
    return int(match.group(1))


def moment(text: str) -> datetime.datetime:
    """A timestamp of the API."""
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name, or None when there is no such process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rfind(")") + 2 :].split()


def started(pid: int) -> int | None:
    """A process's start time (field 22 of /proc/<pid>/stat), or None when it does not exist."""
    fields = stat(pid)
    return int(fields[19]) if fields else None


def running(pid: int, start: int) -> bool:
    """The process that had this pid and start time is still there and has not ended (a zombie has ended)."""
    fields = stat(pid)
    return fields is not None and int(fields[19]) == start and fields[0] not in ("Z", "X")


def tree(root: int) -> set[int]:
    """Pids of every live process below `root`."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := stat(int(entry.name))) and fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    stack = [root]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def open_files(pid: int) -> set[Path]:
    """The files a process has open."""
    found = set()
    for entry in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            found.add(Path(os.readlink(entry)))
    return found


@dataclass
class Server:
    """`python -m app serve` on a config, started again as often as a test needs, its output in one log file."""

    config: IrisConfig
    home: Path
    log: Path
    process: subprocess.Popen[bytes] | None = None
    watched: dict[int, int] = field(default_factory=dict)
    """Processes a test looked at (pid → start time): killed after the test whatever its outcome."""

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.config.api.port}"

    def start(self) -> Server:
        """Start the server and wait until it answers."""
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "app", "serve", "--config", str(self.config.source)],
                cwd=ROOT,
                env=child_environment(self.home, PYTHONUNBUFFERED="1"),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        health = wait_until_serving(self.url, self.process, self.log.read_text)
        assert health.status_code == 200, health.text
        return self

    def stop(self, sig: signal.Signals) -> int:
        """Send the server `sig` and wait for it to end; its exit status."""
        assert self.process is not None
        self.process.send_signal(sig)
        return self.process.wait(60)

    def tell(self, message: str) -> str:
        """Send a tell that returns at once (202); its request id."""
        answer = httpx.post(
            f"{self.url}/api/teams/tell", json={"toTeam": "alpha", "message": message, "timeout": -1}, timeout=30
        )
        assert answer.status_code == 202, answer.text
        return str(answer.json()["requestId"])

    def request(self, request_id: str) -> dict[str, Any]:
        """A tell's record."""
        answer = httpx.get(f"{self.url}/api/requests/{request_id}", timeout=30)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    def ended(self, request_id: str, timeout: float = 60) -> dict[str, Any]:
        """Wait until a tell has ended; its record."""
        return dict(
            until(
                lambda: (r := self.request(request_id))["status"] not in ("queued", "running") and r,
                timeout,
                f"tell {request_id} to end",
            )
        )

    def claude_pid(self) -> int:
        """The pid of alpha's Claude Code process."""
        answer = httpx.get(f"{self.url}/api/teams/status", params={"team": "alpha"}, timeout=30)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        [status] = body if isinstance(body, list) else body["items"]
        assert status["pid"], status
        return int(status["pid"])

    def watch(self, *pids: int) -> None:
        """Remember processes to kill after the test (with their start times, so a reused pid is spared)."""
        for pid in pids:
            start = started(pid)
            if start is not None:
                self.watched[pid] = start


@pytest.fixture
def server(tmp_path: Path, standin: ModelStandIn) -> Iterator[Server]:
    """A server on one team, alpha, with short grace periods; killed, with what it started, after the test."""
    config = write_config(
        tmp_path,
        standin,
        {"alpha": {}},
        settings={"shutdownGrace": 500, "cancelGrace": 1000, "spawnTimeout": 30000},
        api={"port": free_port()},
    )
    live = Server(config, tmp_path / "iris", tmp_path / "server.log")
    yield live
    if live.process is not None and live.process.poll() is None:
        live.process.kill()
        live.process.wait(30)
    for pid, start in live.watched.items():
        if running(pid, start):
            os.kill(pid, signal.SIGKILL)


def seen_by_model(standin: ModelStandIn, text: str) -> bool:
    """Whether the stand-in has been asked to answer `text`."""
    return any(caller_text(body) == text for body in list(standin.requests))


def queue_three(server: Server, standin: ModelStandIn) -> tuple[str, str, str]:
    """Three tells on alpha's session: a slow one, running, and two queued behind it."""
    mark = uuid.uuid4().hex[:8]
    slow = f"#slow:100:100 first {mark}"
    first = server.tell(slow)
    second = server.tell(f"second {mark}")
    third = server.tell(f"third {mark}")
    until(lambda: seen_by_model(standin, slow), what="the first tell to reach the model")
    server.watch(server.claude_pid())
    assert server.request(first)["status"] == "running"
    assert [server.request(r)["status"] for r in (second, third)] == ["queued", "queued"]
    return first, second, third


def check_resumed(server: Server, first: str, second: str, third: str) -> None:
    """The two queued tells ran after the restart, in order, on the first one's session and conversation."""
    done = [server.ended(second), server.ended(third)]
    assert [r["status"] for r in done] == ["completed", "completed"], done
    session = server.request(first)["sessionId"]
    assert [r["sessionId"] for r in done] == [session, session]
    assert done[0]["response"].endswith(done[0]["message"]) and done[1]["response"].endswith(done[1]["message"])
    assert history(done[1]["response"]) == history(done[0]["response"]) + 2  # the third saw the second
    assert moment(done[0]["finishedAt"]) <= moment(done[1]["startedAt"])


def test_queued_tells_run_after_a_crash(server: Server, standin: ModelStandIn) -> None:
    server.start()
    first, second, third = queue_three(server, standin)
    assert server.stop(signal.SIGKILL) == -signal.SIGKILL
    server.start()
    ended = server.ended(first)
    assert ended["status"] == "failed" and ended["reason"].startswith("server_restart"), ended
    check_resumed(server, first, second, third)
    assert server.request(first)["status"] == "failed"  # not run again


def test_queued_tells_run_after_a_graceful_stop(server: Server, standin: ModelStandIn) -> None:
    server.start()
    first, second, third = queue_three(server, standin)
    assert server.stop(signal.SIGTERM) == 0  # a graceful stop is a normal exit, its log written out
    server.start()
    ended = server.ended(first)
    assert ended["status"] == "cancelled" and ended["reason"].startswith("shutdown"), ended
    check_resumed(server, first, second, third)
    log = server.log.read_text()
    assert "Application shutdown complete" in log and "2 queued tells kept for the next start" in log


def test_a_crash_leaves_no_process_behind(server: Server, tmp_path: Path) -> None:
    server.start()
    daemon_file, shell_file = tmp_path / "daemon.pid", tmp_path / "shell.pid"
    daemon = f"setsid sh -c 'echo $$ > {daemon_file}; exec sleep 1017' </dev/null >/dev/null 2>&1"
    running_tell = server.tell(f"#bash:( {daemon} & ); echo $$ > {shell_file}; sleep 1018")
    until(lambda: daemon_file.exists() and shell_file.exists() and daemon_file.read_text().strip(), what="the tool")
    daemon_pid, shell_pid = int(daemon_file.read_text()), int(shell_file.read_text())
    claude = server.claude_pid()
    assert server.process is not None
    until(lambda: shell_pid in tree(claude), what="the tool's shell below Claude Code")
    old = {claude, daemon_pid, *tree(claude)}
    server.watch(*old)
    fields = stat(daemon_pid)
    assert fields is not None
    adopted = int(fields[1]) == server.process.pid  # its parent exited: it went to the server, not to init
    before = dict(server.watched)
    assert len(before) >= 4 and all(running(pid, start) for pid, start in before.items())

    server.stop(signal.SIGKILL)
    server.start()
    until(
        lambda: not any(running(pid, start) for pid, start in before.items()),
        timeout=10,
        what="the old run's processes to be stopped",
    )
    [line] = [line for line in server.log.read_text().splitlines() if "stopped what the previous run left" in line]
    assert f"pids {claude})" in line and str(daemon_pid) in line and str(shell_pid) in line, line
    ended = server.ended(running_tell)
    assert ended["status"] == "failed" and ended["reason"].startswith("server_restart"), ended
    assert adopted, "the orphaned daemon was re-parented to the server (a child subreaper)"


Start = Callable[[IrisConfig], Any]


async def test_running_is_stored_and_a_stop_keeps_the_queue(make_config: ConfigFactory, engine_factory: Start) -> None:
    engine: Engine = await engine_factory(make_config(teams=("alpha", "beta")))
    slow = await engine.tell("alpha", "#slow:100:100 long", timeout=-1)
    queued = await engine.tell("alpha", "after the restart", timeout=-1)
    doomed = await engine.tell("beta", "#slow:100:100 beta first", timeout=-1)
    orphan = await engine.tell("beta", "beta, whose team goes", timeout=-1)

    async def stored(request_id: uuid.UUID) -> str | None:
        record = await engine.store.get_tell(request_id)
        return record.status if record else None

    for request_id in (slow.request_id, doomed.request_id):
        await until_async(
            lambda r=request_id: bool(engine._recent[r].partial), timeout=30, what="Claude Code to answer"
        )
        assert await stored(request_id) == "running"  # written before Claude Code saw the message
    assert await stored(queued.request_id) == "queued"
    waiter = asyncio.create_task(engine.wait_for(queued.request_id, 30))
    await engine.shutdown()
    assert (await waiter).status == "queued"  # whoever waited is let go; the tell itself stays queued

    engine = await engine_factory(make_config(teams=("alpha",)))
    first = await engine.get_request(slow.request_id)
    assert first.status == "cancelled" and first.reason and first.reason.startswith("shutdown")
    gone = await engine.get_request(orphan.request_id)
    assert gone.status == "failed" and gone.reason and gone.reason.startswith("team_removed"), gone.reason
    resumed = await engine.wait_for(queued.request_id, 60)
    assert resumed.status == "completed" and resumed.session_id == slow.session_id
    assert resumed.response and resumed.response.endswith("after the restart")


async def test_a_daemon_is_kept_with_its_session_and_stopped_with_it(engine: Engine, tmp_path: Path) -> None:
    pidfile = tmp_path / "daemon.pid"
    daemon = f"setsid sh -c 'echo $$ > {pidfile}; exec sleep 1019' </dev/null >/dev/null 2>&1"
    told = await engine.tell("alpha", f"#bash:( {daemon} & ); echo started")
    assert told.status == "completed" and told.response == "tool said: started"
    pid = int(
        await until_async(lambda: pidfile.exists() and pidfile.read_text().strip(), timeout=30, what="the daemon")
    )
    start = started(pid)
    assert start is not None
    try:
        await asyncio.sleep(1.5)  # a check or two of the server's children
        fields = stat(pid)
        assert fields is not None and int(fields[1]) == os.getpid()  # re-parented to the server, not to init
        assert running(pid, start), "a tool's daemon lives as long as its session's process"
        await engine.sleep("alpha")
        await until_async(lambda: stat(pid) is None, timeout=5, what="the daemon to be stopped and reaped")
    finally:
        if running(pid, start):
            os.kill(pid, signal.SIGKILL)


def test_a_graceful_stop_answers_whoever_waits_on_a_queued_tell(server: Server) -> None:
    server.start()
    running = server.tell("#hang")
    until(lambda: server.request(running)["status"] == "running", what="the hanging tell to run")
    answers: list[httpx.Response | Exception] = []

    def wait_to_the_end() -> None:
        try:
            answers.append(
                httpx.post(
                    f"{server.url}/api/teams/tell",
                    json={"toTeam": "alpha", "message": "waits behind the hang", "timeout": 0},
                    timeout=60,
                )
            )
        except httpx.HTTPError as error:
            answers.append(error)

    caller = threading.Thread(target=wait_to_the_end)
    caller.start()

    def queue_length() -> int:
        answer = httpx.get(f"{server.url}/api/teams/status", params={"team": "alpha"}, timeout=30)
        return int(answer.json()["items"][0]["queueLength"])

    until(lambda: queue_length() == 1, what="the second tell to be queued")
    server.stop(signal.SIGTERM)
    caller.join(60)
    [answer] = answers
    assert isinstance(answer, httpx.Response), answer  # answered, not cut off when the stop gave up waiting
    assert answer.status_code == 202, answer.text
    queued = answer.json()
    assert queued["status"] == "queued" and answer.headers["Location"] == f"/api/requests/{queued['requestId']}"
    assert "timeout graceful shutdown exceeded" not in server.log.read_text()
    server.start()
    assert server.ended(running)["status"] == "cancelled"
    assert server.ended(queued["requestId"])["status"] == "completed"  # it ran after the restart


def test_one_server_per_store(server: Server) -> None:
    server.start()
    assert server.process is not None
    woken = httpx.post(f"{server.url}/api/teams/alpha/wake", json={}, timeout=60)
    assert woken.status_code == 200, woken.text
    claude = int(woken.json()["pid"])
    server.watch(claude)
    start = server.watched[claude]
    second = subprocess.run(
        [sys.executable, "-m", "app", "serve", "--config", str(server.config.source)],
        cwd=ROOT,
        env=child_environment(server.home),
        capture_output=True,
        timeout=120,
    )
    assert second.returncode == 1, second.stderr.decode()[-3000:]
    lines = second.stderr.decode().strip().splitlines()
    assert lines == [f"iris: another Iris server is running on iris.db (pid {server.process.pid})"], lines
    assert running(claude, start), "the first server's Claude Code was left alone"
    assert httpx.get(f"{server.url}/api/health", timeout=10).status_code == 200

    lock = Path(server.config.database.path + ".lock")
    assert lock in open_files(server.process.pid)
    assert lock not in open_files(claude)  # close-on-exec: what the server starts cannot keep the lock
    server.stop(signal.SIGKILL)
    server.start()  # the kernel released the killed server's lock: the restart is not blocked
    until(lambda: not running(claude, start), timeout=10, what="the crashed run's Claude Code to be gone")

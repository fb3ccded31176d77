"""One live Claude Code process serving one session, driven through claude-agent-sdk."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from claude_agent_sdk import ClaudeAgentOptions, ClaudeSDKClient
from claude_agent_sdk._internal.transport.subprocess_cli import SubprocessCLITransport
from claude_agent_sdk.types import Message, PermissionResultAllow, PermissionResultDeny, ToolPermissionContext

from app.config import TeamConfig

log = logging.getLogger("iris.process")

MAX_LINE_BYTES = 64 * 1024 * 1024
STDERR_LINES = 40
_SETSID = shutil.which("setsid")

PermissionCallback = Callable[
    [str, dict[str, Any], ToolPermissionContext], Awaitable[PermissionResultAllow | PermissionResultDeny]
]


@dataclass(frozen=True, slots=True)
class Exited:
    """The process ended: no more messages will come."""

    exit_code: int | None
    error: str | None


class SessionTransport(SubprocessCLITransport):
    """The SDK's subprocess transport, starting Claude Code as the leader of its own process session.

    Claude Code's tools start children of their own; a session of their own lets Iris find and stop
    every one of them, even those a crashed Claude Code left behind.
    """

    def _build_command(self) -> list[str]:
        command = super()._build_command()
        return [_SETSID, *command] if _SETSID else command

    @property
    def pid(self) -> int | None:
        """The Claude Code process id, once started."""
        process = self._process
        return process.pid if process is not None else None

    @property
    def returncode(self) -> int | None:
        """The exit status, once the process has ended."""
        process = self._process
        return process.returncode if process is not None else None

    async def wait_exit(self, timeout: float) -> int | None:
        """Wait up to `timeout` seconds for the process to end; its exit status or None."""
        process = self._process
        if process is None:
            return None
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                return await process.wait()
        return process.returncode


def build_options(
    team: TeamConfig,
    *,
    session_id: str,
    resume: str | None,
    fork: bool,
    can_use_tool: PermissionCallback,
    stderr: Callable[[str], None],
) -> ClaudeAgentOptions:
    """SDK options for a team's process: its folder, model, tools, prompt, settings and session."""
    system_prompt: dict[str, Any] = {"type": "preset", "preset": "claude_code"}
    if team.append_system_prompt:
        system_prompt["append"] = team.append_system_prompt
    options = ClaudeAgentOptions(
        cwd=team.path,
        env=dict(team.env),
        cli_path=team.claude_path,
        model=team.model,
        permission_mode=team.permission_mode,
        allowed_tools=list(team.allowed_tools),
        disallowed_tools=list(team.disallowed_tools),
        max_turns=team.max_turns,
        system_prompt=system_prompt,  # type: ignore[arg-type]
        setting_sources=list(team.setting_sources),
        can_use_tool=can_use_tool,
        stderr=stderr,
        include_partial_messages=True,
        max_buffer_size=MAX_LINE_BYTES,
    )
    if resume is None:
        options.session_id = session_id
    else:
        options.resume = resume
        if fork:
            options.fork_session = True
            options.session_id = session_id
    return options


ProcessKey = tuple[int, int]
"""A process as (pid, start time in clock ticks): a pid alone may be reused."""


def process_table() -> dict[int, tuple[int, int, int]]:
    """Every process on the machine as pid → (parent pid, session id, start time), from /proc."""
    table: dict[int, tuple[int, int, int]] = {}
    proc = Path("/proc")
    if not proc.is_dir():
        return table
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 19:
            table[int(entry.name)] = (int(fields[1]), int(fields[3]), int(fields[19]))
    return table


def descendants(root: int, table: dict[int, tuple[int, int, int]] | None = None) -> set[ProcessKey]:
    """Every process below `root`, or in its process session: tools may start sessions of their own."""
    table = process_table() if table is None else table
    children: dict[int, list[int]] = {}
    for pid, (ppid, _sid, _start) in table.items():
        children.setdefault(ppid, []).append(pid)
    found: set[int] = {pid for pid, (_ppid, sid, _start) in table.items() if sid == root and pid != root}
    stack = [root, *found]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    found.discard(os.getpid())
    return {(pid, table[pid][2]) for pid in found}


def _alive(keys: set[ProcessKey]) -> set[ProcessKey]:
    table = process_table()
    return {(pid, start) for pid, start in keys if pid in table and table[pid][2] == start}


def _signal_all(keys: set[ProcessKey], sig: signal.Signals) -> None:
    for pid, _start in keys:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


async def kill_processes(keys: set[ProcessKey], grace: float = 1.0) -> int:
    """Stop processes that are still the ones recorded: SIGTERM, then SIGKILL after `grace`."""
    remaining = _alive(keys)
    if not remaining:
        return 0
    count = len(remaining)
    _signal_all(remaining, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while remaining and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        remaining = _alive(remaining)
    _signal_all(remaining, signal.SIGKILL)
    return count


class ClaudeProcess:
    """A Claude Code process: start it, send it messages, read what it says, interrupt and stop it."""

    def __init__(self, options: ClaudeAgentOptions) -> None:
        self.options = options
        transport_options = replace(options, permission_prompt_tool_name="stdio")
        self.transport = SessionTransport(prompt=_no_prompt(), options=transport_options)
        self.client = ClaudeSDKClient(options=options, transport=self.transport)
        self.messages: asyncio.Queue[Message | Exited] = asyncio.Queue()
        self.stderr_tail: deque[str] = deque(maxlen=STDERR_LINES)
        self.pid: int | None = None
        self.exited: Exited | None = None
        self.stopping = False
        self._reader: asyncio.Task[None] | None = None
        self.known_descendants: set[ProcessKey] = set()
        self.on_exit: Callable[[ClaudeProcess, Exited], None] | None = None

    @property
    def command(self) -> list[str]:
        """The command line that started (or will start) Claude Code."""
        with contextlib.suppress(Exception):
            return self.transport._build_command()
        return []

    @property
    def alive(self) -> bool:
        """Started and not yet ended."""
        return self.pid is not None and self.exited is None

    def record_stderr(self, line: str) -> None:
        """Keep the last lines Claude Code wrote to stderr."""
        self.stderr_tail.append(line)

    async def start(self, timeout: float) -> None:
        """Spawn Claude Code and complete the control-protocol handshake (no model turn)."""
        try:
            async with asyncio.timeout(timeout):
                await self.client.connect()
        except BaseException:
            await self._abandon()
            raise
        self.pid = self.transport.pid
        self._reader = asyncio.create_task(self._read(), name=f"claude-reader-{self.pid}")

    def note_descendants(self, table: dict[int, tuple[int, int, int]] | None = None) -> None:
        """Remember the processes Claude Code's tools started, so they can be stopped even after a crash."""
        if self.pid is not None and self.exited is None:
            self.known_descendants = _alive(self.known_descendants) | descendants(self.pid, table)

    async def _read(self) -> None:
        error: str | None = None
        try:
            async for message in self.client.receive_messages():
                self.messages.put_nowait(message)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            error = str(exc) or type(exc).__name__
        code = await self.transport.wait_exit(2.0)
        self.exited = Exited(code, error)
        self.messages.put_nowait(self.exited)
        if self.on_exit is not None and not self.stopping:
            self.on_exit(self, self.exited)

    async def send(self, text: str) -> None:
        """Send one user message."""
        await self.client.query(text)

    async def interrupt(self) -> None:
        """Ask Claude Code to stop the running turn (it answers with an aborted result)."""
        await self.client.interrupt()

    async def stop(self, grace: float) -> int | None:
        """Close stdin, wait `grace` seconds, SIGTERM then SIGKILL its group, then stop every tool it left."""
        self.stopping = True
        pid = self.pid
        if pid is not None and self.transport.returncode is None:
            self.note_descendants()
            with contextlib.suppress(Exception):
                await self.transport.end_input()
            code = await self.transport.wait_exit(grace)
            if code is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGTERM)
                code = await self.transport.wait_exit(2.0)
            if code is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGKILL)
                await self.transport.wait_exit(2.0)
        code = self.transport.returncode
        await self._abandon()
        if self.exited is None:
            self.exited = Exited(code, None)
            self.messages.put_nowait(self.exited)
        if pid is not None:
            await kill_processes(self.known_descendants | descendants(pid))
        return code

    async def _abandon(self) -> None:
        """Release the SDK's resources; the process is already gone or going."""
        if self._reader is not None and not self._reader.done():
            self._reader.cancel()
            with contextlib.suppress(BaseException):
                await self._reader
        with contextlib.suppress(Exception):
            await self.client.disconnect()


async def _no_prompt() -> Any:
    """An empty prompt stream: messages are sent one tell at a time."""
    return
    yield  # pragma: no cover

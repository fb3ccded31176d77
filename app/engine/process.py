"""One live Claude Code process serving one session, driven through claude-agent-sdk."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import logging
import os
import shutil
import signal
import sys
import time
import uuid
import warnings
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, NamedTuple, Protocol

from claude_agent_sdk import (
    CanUseToolShadowedWarning,
    ClaudeAgentOptions,
    ClaudeSDKClient,
    HookMatcher,
    SdkMcpTool,
    create_sdk_mcp_server,
)
from claude_agent_sdk._internal.transport.subprocess_cli import SubprocessCLITransport
from claude_agent_sdk.types import (
    HookCallback,
    HookContext,
    HookInput,
    HookJSONOutput,
    PermissionResultAllow,
    PermissionResultDeny,
    ToolPermissionContext,
)

from app.config import TeamConfig
from app.engine.messages import Chunk, Said, read
from app.engine.permissions import Verdict
from app.engine.tells import Launch

log = logging.getLogger("iris.process")

MAX_LINE_BYTES = 64 * 1024 * 1024
STDERR_LINES = 40
_SETSID = shutil.which("setsid")
PROCESS_TOKEN_ENV = "IRIS_PROCESS_TOKEN"
"""Set in each Claude Code process's environment (its tools inherit it): whose process a tool is, after re-parenting."""
_TOKEN_PREFIX = PROCESS_TOKEN_ENV.encode() + b"="
_INHERITED_TOKEN = os.environ.get(PROCESS_TOKEN_ENV)
_PR_SET_CHILD_SUBREAPER = 36
ZOMBIE_GRACE_S = 1.0

Screening = tuple[Literal["deny", "ask"], str]
ToolCheck = Callable[[str, dict[str, Any]], Screening | None]
"""Iris's look at a tool use before Claude Code's own rules: deny it or hold it (`ask`), with a reason; None passes
it on."""
ToolDecision = Callable[[str, dict[str, Any]], Awaitable[Verdict]]
"""Iris's decision on a tool use that Claude Code's rules would ask about."""

IRIS_SERVER = "iris"
"""The MCP server name of Iris's own tools in every team's Claude Code (`mcp__iris__send_message`, ...)."""
TOOL_TIMEOUT_ENV = "MCP_TOOL_TIMEOUT"
"""Claude Code's limit on one MCP tool call, in ms (checked in its bundled binary: 1000 ms at least)."""
TOOL_TIMEOUT_MARGIN_MS = 10_000
"""How much longer Claude Code waits on one of Iris's tools than Iris lets it wait, so Iris's answer comes first."""
# Iris's own tools are allowed without asking on purpose (the SDK warns that the permission callback never sees them).
warnings.filterwarnings("ignore", r"(?s).*mcp__iris__", CanUseToolShadowedWarning)


def mcp_tool_name(name: str) -> str:
    """The name Claude Code gives one of Iris's tools."""
    return f"mcp__{IRIS_SERVER}__{name}"


@dataclass(frozen=True, slots=True)
class ToolContext:
    """Who calls one of Iris's tools: the team whose process it is, on which session, answering which tell."""

    team: str
    from_team: str
    """The caller of the session the process serves."""
    session_id: uuid.UUID
    request_id: uuid.UUID | None
    """The tell the process is answering (None: none is running)."""
    timeout_ms: int
    """How long the call may wait (`settings.mcpToolTimeout`); after that it is answered with an error."""


@dataclass(frozen=True, slots=True)
class ToolAnswer:
    """What one of Iris's tools answers: the text Claude Code's model reads, and whether the call failed."""

    text: str
    is_error: bool = False


@dataclass(frozen=True, slots=True)
class IrisTool:
    """One of Iris's own tools, offered to a team's Claude Code in the MCP server `iris`."""

    name: str
    description: str
    input_schema: dict[str, Any]
    """A JSON Schema object."""
    handler: Callable[[ToolContext, dict[str, Any]], Awaitable[ToolAnswer]]


class ToolProvider(Protocol):
    """The tools a team's process is given (set on the engine by whoever serves them)."""

    def __call__(self, team: str) -> Sequence[IrisTool]:
        """Iris's tools for one team's processes."""
        ...


ToolRunner = Callable[[IrisTool, dict[str, Any]], Awaitable[ToolAnswer]]
"""Runs one call of one of Iris's tools for the process (the engine binds the caller and the limits)."""


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
    check_tool: ToolCheck,
    decide_tool: ToolDecision,
    stderr: Callable[[str], None],
    iris_tools: Sequence[IrisTool] = (),
    run_tool: ToolRunner | None = None,
    tool_timeout_ms: int = 0,
    launch: Launch | None = None,
) -> ClaudeAgentOptions:
    """SDK options for a team's process: its folder, model, tools, prompt, settings and session.

    `check_tool` sees every tool use (as a `PreToolUse` hook) before Claude Code's own permission rules do, so
    settings files (allow rules, `defaultMode`) cannot weaken Iris's decision; the permission mode is always given
    explicitly for the same reason (a `defaultMode` from settings does not apply). Tool uses it sends on go to
    Claude Code's rules and, where those would ask, to `decide_tool`.

    `iris_tools` (run by `run_tool`) become the in-process MCP server `iris`, allowed without asking; Claude Code's
    own limit on a tool call is set a little above `tool_timeout_ms` unless the team's `env` sets it.

    `launch` holds what a tell set for itself among the options Claude Code takes only at start (in place of the
    team's), and the cap on what the process may spend.
    """
    launch = launch or Launch()
    system_prompt: dict[str, Any] = {"type": "preset", "preset": "claude_code"}
    append = launch.append_system_prompt or team.append_system_prompt
    if append:
        system_prompt["append"] = append
    if launch.append_system_prompt is not None:
        # a resumed session keeps the prompt of its first request unless told not to: a tell's own text applies
        # to this process's requests only, and the next process without one sends the recorded prompt again
        system_prompt["snapshot"] = False
    env = dict(team.env)
    allowed = list(team.allowed_tools)
    servers: dict[str, Any] = {}
    if iris_tools and run_tool is not None:
        servers[IRIS_SERVER] = _iris_server(iris_tools, run_tool)
        allowed += [mcp_tool_name(t.name) for t in iris_tools if mcp_tool_name(t.name) not in allowed]
        env.setdefault(TOOL_TIMEOUT_ENV, str(tool_timeout_ms + TOOL_TIMEOUT_MARGIN_MS))
    options = ClaudeAgentOptions(
        cwd=team.path,
        env=env,
        cli_path=team.claude_path,
        model=team.model,
        permission_mode=team.permission_mode or "default",
        allowed_tools=allowed,
        disallowed_tools=list(team.disallowed_tools),
        max_turns=launch.max_turns or team.max_turns,
        max_budget_usd=launch.max_budget_usd,
        system_prompt=system_prompt,  # type: ignore[arg-type]
        setting_sources=list(team.setting_sources),
        can_use_tool=_permission_callback(decide_tool),
        hooks={"PreToolUse": [HookMatcher(matcher=None, hooks=[_pre_tool_use_hook(check_tool)])]},
        stderr=stderr,
        include_partial_messages=True,
        max_buffer_size=MAX_LINE_BYTES,
    )
    if servers:
        options.mcp_servers = servers
    if launch.output_schema is not None:
        options.output_format = {"type": "json_schema", "schema": json.loads(launch.output_schema)}
    if resume is None:
        options.session_id = session_id
    else:
        options.resume = resume
        if fork:
            options.fork_session = True
            options.session_id = session_id
    return options


def _iris_server(tools: Sequence[IrisTool], run: ToolRunner) -> Any:
    """The SDK's in-process MCP server of Iris's tools; each call is run by `run` (the SDK runs it in a task of its
    own, so a waiting tool never holds up the messages Claude Code sends meanwhile)."""

    def handler(spec: IrisTool) -> Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]:
        async def call(arguments: dict[str, Any]) -> dict[str, Any]:
            """One call, answered in the SDK's result form."""
            answer = await run(spec, arguments)
            return {"content": [{"type": "text", "text": answer.text}], "is_error": answer.is_error}

        return call

    wrapped = [SdkMcpTool(t.name, t.description, t.input_schema, handler(t)) for t in tools]
    return create_sdk_mcp_server(IRIS_SERVER, tools=wrapped)


def _pre_tool_use_hook(check: ToolCheck) -> HookCallback:
    """A `PreToolUse` hook answering with Iris's look at each tool use."""

    async def pre_tool_use(hook_input: HookInput, _tool_use_id: str | None, _context: HookContext) -> HookJSONOutput:
        """Iris's decision on every tool use, ahead of anything Claude Code's settings say."""
        raw: dict[str, Any] = dict(hook_input)
        tool_input = raw.get("tool_input")
        screening = check(str(raw.get("tool_name", "")), tool_input if isinstance(tool_input, dict) else {})
        if screening is None:
            return {}
        decision, reason = screening
        return {
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": decision,
                "permissionDecisionReason": reason,
            }
        }

    return pre_tool_use


def _permission_callback(
    decide: ToolDecision,
) -> Callable[[str, dict[str, Any], ToolPermissionContext], Awaitable[PermissionResultAllow | PermissionResultDeny]]:
    """The SDK's `can_use_tool` callback answering with Iris's decision."""

    async def can_use_tool(
        tool: str, tool_input: dict[str, Any], _context: ToolPermissionContext
    ) -> PermissionResultAllow | PermissionResultDeny:
        """Allow or deny one tool use as Iris decides."""
        verdict = await decide(tool, tool_input)
        return PermissionResultAllow() if verdict.allowed else PermissionResultDeny(message=verdict.message)

    return can_use_tool


ProcessKey = tuple[int, int]
"""A process as (pid, start time in clock ticks): a pid alone may be reused."""


class ProcInfo(NamedTuple):
    """One process as `/proc/<pid>/stat` shows it."""

    ppid: int
    pgrp: int
    sid: int
    start: int
    """Clock ticks after boot (field 22)."""
    zombie: bool


ProcessTable = dict[int, ProcInfo]


def _parse_stat(stat: str) -> ProcInfo | None:
    fields = stat[stat.rfind(")") + 2 :].split()
    if len(fields) <= 19:
        return None
    return ProcInfo(int(fields[1]), int(fields[2]), int(fields[3]), int(fields[19]), fields[0] in ("Z", "X"))


def _read_stat(pid: int | str) -> ProcInfo | None:
    """A process's `/proc/<pid>/stat` (None when it cannot be read or parsed), with plain os calls."""
    try:
        fd = os.open(f"/proc/{pid}/stat", os.O_RDONLY)
        try:
            stat = os.read(fd, 4096)
        finally:
            os.close(fd)
    except OSError:
        return None
    return _parse_stat(stat.decode(errors="replace"))


def process_table() -> ProcessTable:
    """Every process on the machine, from /proc."""
    table: ProcessTable = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return table
    for name in entries:
        if not name.isdigit():
            continue
        info = _read_stat(name)
        if info is not None:
            table[int(name)] = info
    return table


def start_time(pid: int) -> int | None:
    """A live process's start time in clock ticks after boot (field 22 of `/proc/<pid>/stat`)."""
    info = _read_stat(pid)
    return info.start if info is not None and not info.zombie else None


def environ_token(pid: int) -> str | None:
    """The Iris process token in a live process's environment, if it has one and may be read."""
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return None
    for item in raw.split(b"\0"):
        if item.startswith(_TOKEN_PREFIX):
            return item[len(_TOKEN_PREFIX) :].decode("ascii", "replace")
    return None


def become_subreaper() -> bool:
    """Make this process the one its orphaned descendants are re-parented to (Linux `PR_SET_CHILD_SUBREAPER`).

    A tool whose parent exits then stays below the server, where the next check finds it, instead of
    moving to init.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def descendants(root: int, table: ProcessTable | None = None) -> set[ProcessKey]:
    """Every process below `root`, or in its process session: tools may start sessions of their own."""
    table = process_table() if table is None else table
    children: dict[int, list[int]] = {}
    for pid, info in table.items():
        children.setdefault(info.ppid, []).append(pid)
    found: set[int] = {pid for pid, info in table.items() if info.sid == root and pid != root}
    stack = [root, *found]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    found.discard(os.getpid())
    return {(pid, table[pid].start) for pid in found}


def _carrying(token: str, table: ProcessTable) -> set[ProcessKey]:
    """This server's children (re-parented tools) whose environment carries `token`, with everything below them."""
    me = os.getpid()
    found: set[ProcessKey] = set()
    for pid, info in table.items():
        if info.ppid == me and not info.zombie and environ_token(pid) == token:
            found |= {(pid, info.start)} | descendants(pid, table)
    return found


def leftovers(recorded: Iterable[tuple[int | None, int | None, str]]) -> tuple[set[ProcessKey], set[ProcessKey]]:
    """What a previous run left, from its records (pid, start time, token): its Claude Code processes still alive
    (same pid and start time, and the token where the environment can be read), and every process below them, in
    their sessions or groups, or carrying one of their tokens (tools re-parented after the crash)."""
    records = list(recorded)
    tokens = {token for _pid, _start, token in records}
    table = process_table()
    me = os.getpid()
    live = {pid: info for pid, info in table.items() if not info.zombie and pid != me}
    claude = {
        (pid, start)
        for pid, start, token in records
        if pid is not None and pid in live and live[pid].start == start and environ_token(pid) in (token, None)
    }
    roots = {pid for pid, _start in claude}
    roots |= {pid for pid in live if pid not in roots and environ_token(pid) in tokens}
    found: set[ProcessKey] = set()
    for root in roots:
        found.add((root, live[root].start))
        found |= descendants(root, table)
        found |= {(pid, info.start) for pid, info in live.items() if info.pgrp == root}
    return claude, {key for key in found - claude if key[0] in live}


def _alive(keys: set[ProcessKey], table: ProcessTable | None = None) -> set[ProcessKey]:
    """Those of `keys` still running (same pid and start time, not a zombie); reads /proc only when there are any."""
    if not keys:
        return set()
    table = process_table() if table is None else table
    return {(pid, start) for pid, start in keys if pid in table and table[pid].start == start and not table[pid].zombie}


def _signal_all(keys: set[ProcessKey], sig: signal.Signals) -> None:
    for pid, _start in keys:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


def reap(keys: set[ProcessKey], table: ProcessTable | None = None) -> None:
    """Collect the exit status of those of `keys` that ended as children of this server (re-parented tools).

    The Claude Code processes themselves are left to the event loop's child watcher, which waits for them.
    """
    table = process_table() if table is None else table
    me = os.getpid()
    watched = {process.transport.pid for process in _LIVE.values()}
    for pid, start in keys:
        info = table.get(pid)
        if info is None or not info.zombie or info.ppid != me or info.start != start or pid in watched:
            continue
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, os.WNOHANG)


async def kill_processes(keys: set[ProcessKey], grace: float = 1.0) -> int:
    """Stop processes that are still the ones recorded: SIGTERM, then SIGKILL after `grace`; reap those that were
    re-parented here."""
    remaining = _alive(keys)
    count = len(remaining)
    if remaining:
        _signal_all(remaining, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while remaining and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            remaining = _alive(remaining)
        _signal_all(remaining, signal.SIGKILL)
        deadline = time.monotonic() + 1.0
        while remaining and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
            remaining = _alive(remaining)
    reap(keys)
    return count


_LIVE: dict[str, ClaudeProcess] = {}
"""This server's Claude Code processes by token, from just before each starts until it has stopped."""


def watching() -> bool:
    """Whether this server has Claude Code processes, or orphans of theirs, to look after."""
    return bool(_LIVE) or ORPHANS.pending


class Orphans:
    """Tools re-parented to this server (a child subreaper) because their parent ended: kept with their Claude Code
    while it runs, stopped once it has ended, and reaped when they exit."""

    def __init__(self) -> None:
        self.seen: set[ProcessKey] = set()
        """Iris tool processes found among this server's children at the last check."""
        self._zombies: dict[ProcessKey, float] = {}
        """Ended children no one has collected yet, and when each was first seen."""
        self._stopping: set[ProcessKey] = set()

    @property
    def pending(self) -> bool:
        """Whether an orphan is known, being stopped, or waiting to be reaped."""
        return bool(self.seen or self._zombies or self._stopping)

    def check(self, table: ProcessTable) -> set[ProcessKey]:
        """Look at this server's children: adopt the tools of a running Claude Code (stopped with it), reap ended
        ones, and return those whose Claude Code has ended, to be stopped."""
        me = os.getpid()
        now = time.monotonic()
        watched = {process.transport.pid for process in _LIVE.values()}
        seen: set[ProcessKey] = set()
        zombies: dict[ProcessKey, float] = {}
        stray: set[ProcessKey] = set()
        for pid, info in table.items():
            if info.ppid != me or pid in watched:
                continue
            key = (pid, info.start)
            if info.zombie:
                first = self._zombies.get(key, now)
                if key in self.seen or now - first >= ZOMBIE_GRACE_S:  # a waiter would have collected it by now
                    with contextlib.suppress(ChildProcessError, OSError):
                        os.waitpid(pid, os.WNOHANG)
                else:
                    zombies[key] = first
                continue
            token = environ_token(pid)
            if token is None or token == _INHERITED_TOKEN:
                continue  # not started by one of this server's Claude Code processes
            seen.add(key)
            owner = _LIVE.get(token)
            family = {key} | descendants(pid, table)
            if owner is not None and owner.exited is None and not owner.stopping:
                owner.known_descendants |= family
            else:
                stray |= family
        self.seen = seen
        self._zombies = zombies
        return stray - self._stopping

    async def stop(self, keys: set[ProcessKey]) -> int:
        """Stop tools whose Claude Code has ended; returns how many were still running."""
        self._stopping |= keys
        try:
            return await kill_processes(keys)
        finally:
            self._stopping -= keys


ORPHANS = Orphans()


class ClaudeProcess:
    """A Claude Code process: start it, send it messages, read what it says, interrupt and stop it."""

    def __init__(self, options: ClaudeAgentOptions, launch: Launch | None = None) -> None:
        self.options = options
        self.launch = launch or Launch()
        """What it was started with beyond its team's options (see `build_options`)."""
        self.spent_usd = 0.0
        """What its tells have cost since it started (against `launch.max_budget_usd`)."""
        self.model = options.model
        """The model it uses now (None: Claude Code's default)."""
        self.token = uuid.uuid4()
        """Put in the process's environment; it finds the tools it started once they are re-parented."""
        transport_options = replace(
            options, permission_prompt_tool_name="stdio", env={**options.env, PROCESS_TOKEN_ENV: str(self.token)}
        )
        self.transport = SessionTransport(prompt=_no_prompt(), options=transport_options)
        self.client = ClaudeSDKClient(options=options, transport=self.transport)
        self.messages: asyncio.Queue[Chunk | Said | Exited] = asyncio.Queue()
        """What Claude Code says, in Iris's terms, then `Exited` once it has ended."""
        self.stderr_tail: deque[str] = deque(maxlen=STDERR_LINES)
        self.pid: int | None = None
        self.start_time: int | None = None
        """The process's start time in clock ticks after boot (with the pid, names it even once the pid is reused)."""
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
        _LIVE[str(self.token)] = self
        try:
            async with asyncio.timeout(timeout):
                await self.client.connect()
        except BaseException:
            await self._abandon()
            _LIVE.pop(str(self.token), None)
            raise
        self.pid = self.transport.pid
        self.start_time = start_time(self.pid) if self.pid is not None else None
        self._reader = asyncio.create_task(self._read(), name=f"claude-reader-{self.pid}")

    def note_descendants(self, table: ProcessTable | None = None) -> None:
        """Remember the processes Claude Code's tools started, so they can be stopped even after a crash."""
        if self.pid is not None and self.exited is None:
            table = process_table() if table is None else table
            self.known_descendants = _alive(self.known_descendants, table) | descendants(self.pid, table)

    async def _read(self) -> None:
        error: str | None = None
        try:
            async for message in self.client.receive_messages():
                self.messages.put_nowait(read(message))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            error = str(exc) or type(exc).__name__
        code = await self.transport.wait_exit(2.0)
        self.exited = Exited(code, error)
        self.messages.put_nowait(self.exited)
        if self.on_exit is not None and not self.stopping:
            self.on_exit(self, self.exited)

    async def send(self, text: str, *, command: bool = False) -> None:
        """Send one user message, delivered to the model as written; with `command`, as the Claude Code
        command it names.

        Written text is marked `client_composed`: Claude Code then runs no slash command and expands no
        `@path` mention (which would read a file without asking) in it.
        """
        message: dict[str, Any] = {
            "type": "user",
            "message": {"role": "user", "content": text},
            "parent_tool_use_id": None,
        }
        if not command:
            message["client_composed"] = True
        await self.client.query(_one(message))

    async def set_model(self, model: str | None) -> None:
        """Switch the model for the next turns (None: Claude Code's default), with no restart."""
        await self.client.set_model(model)
        self.model = model

    @property
    def cap_left_usd(self) -> float | None:
        """What it may still spend under its `--max-budget-usd` (None: no cap)."""
        cap = self.launch.max_budget_usd
        return None if cap is None else cap - self.spent_usd

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
            table = process_table()
            await kill_processes(self.known_descendants | descendants(pid, table) | _carrying(str(self.token), table))
        _LIVE.pop(str(self.token), None)
        return code

    async def _abandon(self) -> None:
        """Release the SDK's resources; the process is already gone or going."""
        if self._reader is not None and not self._reader.done():
            self._reader.cancel()
            with contextlib.suppress(BaseException):
                await self._reader
        with contextlib.suppress(Exception):
            await self.client.disconnect()


async def _one(message: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
    """A prompt stream of one message."""
    yield message


async def _no_prompt() -> Any:
    """An empty prompt stream: messages are sent one tell at a time."""
    return
    yield  # pragma: no cover

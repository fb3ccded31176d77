"""The pool: at most `maxProcesses` sessions with work, their processes started, evicted, reaped and put to sleep."""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

import msgspec

from app.clock import utcnow
from app.config import IrisConfig, TeamConfig
from app.db.models import ProcessRecord
from app.db.store import Store
from app.engine.checks import known_team
from app.engine.logs import about
from app.engine.permissions import ALLOW, PermissionBroker, Verdict, screen
from app.engine.process import (
    ORPHANS,
    ClaudeProcess,
    Exited,
    IrisTool,
    Screening,
    ToolAnswer,
    ToolContext,
    ToolProvider,
    build_options,
    mcp_tool_name,
    process_table,
    watching,
)
from app.engine.publish import Publisher
from app.engine.sessions import SessionRuntime, Sessions
from app.engine.tasks import Background
from app.engine.tells import Launch
from app.engine.transcripts import find_transcript
from app.engine.views import ProcessState
from app.engine.worktrees import Worktrees
from app.errors import IrisError, ProcessError, ProcessPoolLimitError, TimeoutError

log = logging.getLogger("iris.engine")

ROOM_POLL_S = 0.05
TICK_S = 0.2
TOOL_SCAN_S = 1.0
TOOL_GRACE_S = 5.0
"""How much longer than `mcpToolTimeout` one of Iris's tools may take to answer before Iris answers for it."""


class Pool:
    """The live Claude Code processes, one per session, and the room for them."""

    def __init__(
        self,
        config: Callable[[], IrisConfig],
        store: Store,
        sessions: Sessions,
        permissions: PermissionBroker,
        publish: Publisher,
        background: Background,
        stopping: asyncio.Event,
        worktrees: Worktrees | None = None,
    ) -> None:
        self._config = config
        self._store = store
        self._sessions = sessions
        self._worktrees = worktrees
        self._permissions = permissions
        self._publish = publish
        self._background = background
        self._stopping = stopping
        self.slots: set[uuid.UUID] = set()
        """Sessions holding a place for a process (spawning or alive)."""
        self.tool_provider: ToolProvider | None = None
        """Iris's own tools for the teams' processes (None: none are given)."""

    def session(self, session_id: uuid.UUID) -> SessionRuntime | None:
        """A session this server has loaded, by id."""
        return self._sessions.runtimes.get(session_id)

    # admission

    def admit(self, runtime: SessionRuntime) -> None:
        """Admit `runtime` to the pool, or fail at once (503) when every process is spoken for.

        A session with work (a running or queued tell, a wake in progress) is counted whether or not it has
        its process yet, so at most `maxProcesses` sessions are ever admitted: each can then have a process,
        putting an idle one to sleep if need be. The caller marks `runtime` as having work (a queued tell, a
        claim) with no await in between.
        """
        if runtime.busy or runtime.claims:
            return
        admitted = sum(1 for other in self._sessions.live() if other is not runtime and (other.busy or other.claims))
        if admitted >= self._config().settings.max_processes:
            raise self.full()

    def full(self) -> ProcessPoolLimitError:
        """The error of a pool with no room (worth retrying in a few seconds)."""
        limit = self._config().settings.max_processes
        return ProcessPoolLimitError(
            f"All {limit} processes are busy; try again shortly", {"maxProcesses": limit}, retry_after_seconds=5
        )

    def _evictable(self, exclude: SessionRuntime) -> SessionRuntime | None:
        """The least recently used idle process, other than `exclude`'s."""
        runtimes = self._sessions.runtimes
        idle = [
            runtimes[session_id]
            for session_id in self.slots
            if session_id in runtimes
            and runtimes[session_id] is not exclude
            and not runtimes[session_id].busy
            and not runtimes[session_id].claims
            and runtimes[session_id].process is not None
            and not runtimes[session_id].process.stopping  # type: ignore[union-attr]
        ]
        return min(idle, key=lambda runtime: runtime.last_used, default=None)

    # waking

    async def wake(self, runtime: SessionRuntime) -> ClaudeProcess:
        """Admit a wake of the session and wait for its process (at most `spawnTimeout` for room)."""
        self.admit(runtime)
        runtime.claims += 1
        try:
            return await self.ensure_process(runtime)
        finally:
            runtime.claims -= 1

    def launch(self, runtime: SessionRuntime) -> None:
        """Admit a wake of the session and start it in the background (readiness comes as `process:spawned`)."""
        self.admit(runtime)
        runtime.claims += 1

        async def wake_in_background() -> None:
            """Start the process; a failure is logged (the caller has had its answer)."""
            try:
                await self.ensure_process(runtime)
            except IrisError as exc:
                log.warning(
                    "launch of %s for %s failed: %s", runtime.team, runtime.from_team, exc.message, extra=about(runtime)
                )
            finally:
                runtime.claims -= 1

        self._background.spawn(wake_in_background())

    async def ensure_process(self, runtime: SessionRuntime, launch: Launch | None = None) -> ClaudeProcess:
        """The session's live process, started (making room in the pool) if needed.

        With no slot free and no idle process to put to sleep, a session's tell waits for one (it was
        admitted, so one comes: a process on its way to sleep, or a session that runs out of work when more
        than `maxProcesses` have some, after a restart or a lowered limit) until it is cancelled; a wake
        waits at most `spawnTimeout`.
        """
        async with runtime.spawn_lock:
            process = runtime.process
            if process is not None and process.alive and not process.stopping:
                return process
            if self._stopping.is_set():
                raise ProcessError("The server is shutting down")
            if runtime.deleting is not None:
                raise ProcessError("The session is being deleted")
            deadline = time.monotonic() + self._config().settings.spawn_timeout / 1000
            while runtime.session_id not in self.slots:
                if self._stopping.is_set():
                    raise ProcessError("The server is shutting down")
                if len(self.slots) < self._config().settings.max_processes:
                    self.slots.add(runtime.session_id)
                    break
                victim = self._evictable(runtime)
                if victim is not None:
                    log.info(
                        "evicting idle session %s of %s to make room",
                        victim.session_id,
                        victim.team,
                        extra=about(victim),
                    )
                    await self.sleep_if_idle(victim, "evicted")
                    continue
                current = runtime.current
                if current is not None and current.cancel_requested:
                    raise ProcessError("The tell was cancelled while it waited for a process")
                if current is None and time.monotonic() >= deadline:
                    raise self.full()
                await asyncio.sleep(ROOM_POLL_S)
            runtime.spawning = True
            try:
                return await self._spawn(runtime, launch)
            except BaseException:
                self.slots.discard(runtime.session_id)
                raise
            finally:
                runtime.spawning = False

    async def _spawn(self, runtime: SessionRuntime, launch: Launch | None = None) -> ClaudeProcess:
        """Start the session's Claude Code (resuming or forking its conversation) and wait until it is ready."""
        config = self._config()
        team = await self._workplace(runtime, known_team(config, runtime.team))
        sid = str(runtime.session_id)
        if find_transcript(runtime.session_id, team) is not None:
            resume, fork = sid, False
        elif runtime.forked_from is not None:
            resume, fork = str(runtime.forked_from), True
        else:
            resume, fork = None, False
        process: ClaudeProcess | None = None

        def grant() -> str:
            """The team's grantPermission now (a reload applies to running processes; a removed team gets no)."""
            current_team = self._config().team(runtime.team)
            return current_team.grant_permission if current_team is not None else "no"

        iris_tools = self._iris_tools(runtime.team)
        own = frozenset(mcp_tool_name(t.name) for t in iris_tools)

        def check_tool(tool: str, tool_input: dict[str, Any]) -> Screening | None:
            """Iris's decision on every tool use, ahead of anything Claude Code's settings say."""
            decision = screen(grant(), tool, tool_input, team.path, own)
            if decision is None:
                return None
            reason = (
                f"Iris denies tool use for team {runtime.team} (grantPermission: no)"
                if decision == "deny"
                else f"Iris holds tool use of team {runtime.team} for a decision (grantPermission: ask)"
            )
            return decision, reason

        async def decide_tool(tool: str, tool_input: dict[str, Any]) -> Verdict:
            """Allow, deny or ask a person about a tool use, as the team's grantPermission says (Iris's own tools
            are governed by irisTools and tellTeams instead)."""
            if tool in own:
                return ALLOW
            current = runtime.current
            return await self._permissions.decide_for(
                grant(),
                session_id=sid,
                team=runtime.team,
                from_team=runtime.from_team,
                tool=tool,
                tool_input=tool_input,
                request_id=str(current.request_id) if current else None,
                timeout_ms=self._config().settings.permission_timeout,
            )

        def stderr(line: str) -> None:
            """Keep a line Claude Code wrote to stderr."""
            if process is not None:
                process.record_stderr(line)

        options = build_options(
            team,
            session_id=sid,
            resume=resume,
            fork=fork,
            check_tool=check_tool,
            decide_tool=decide_tool,
            stderr=stderr,
            iris_tools=iris_tools,
            run_tool=lambda tool, arguments: self._run_tool(runtime, tool, arguments),
            tool_timeout_ms=config.tool_timeout(),
            launch=launch,
        )
        process = ClaudeProcess(options, launch)
        process.on_exit = lambda proc, exited: self._on_exit(runtime, proc, exited)
        timeout_ms = config.settings.spawn_timeout
        try:
            await self._start_recorded(runtime, process, timeout_ms / 1000)
        except builtins.TimeoutError:
            self._publish.process_error(runtime, f"spawn timed out after {timeout_ms} ms")
            raise TimeoutError(
                f"Claude Code for team {runtime.team!r} was not ready within {timeout_ms} ms",
                {"spawnTimeout": timeout_ms},
            ) from None
        except Exception as exc:
            tail = " | ".join(list(process.stderr_tail)[-5:])
            log.error("Claude Code for %s failed to start: %s %s", runtime.team, exc, tail, extra=about(runtime))
            self._publish.process_error(runtime, f"failed to start: {exc}")
            raise ProcessError(
                f"Claude Code for team {runtime.team!r} could not start: {exc}"
                + (f" (stderr: {tail})" if tail else ""),
            ) from None
        runtime.process = process
        runtime.last_used = time.monotonic()
        await self._store.update_session(
            runtime.session_id,
            process_state="idle",
            launch_command=process.command,
            config_snapshot=msgspec.to_builtins(team),
            last_used_at=utcnow(),
        )
        log.info(
            "spawned Claude Code pid %s for %s→%s session %s",
            process.pid,
            runtime.from_team,
            runtime.team,
            sid,
            extra=about(runtime),
        )
        self._publish.process_spawned(runtime, process.pid)
        return process

    async def _workplace(self, runtime: SessionRuntime, team: TeamConfig) -> TeamConfig:
        """The team's config as the session's process runs under it: with `isolation: worktree` (or a worktree the
        session has already) its path is the session's own worktree, made first if need be, so that Claude Code
        works there and the folder-confined checks of `grantPermission` are bounded by it."""
        worktrees = self._worktrees
        if worktrees is None:
            return team
        if team.isolation != "worktree" and not worktrees.exists(runtime.team, runtime.session_id):
            return team
        try:
            folder = await worktrees.ensure(runtime.team, team, runtime.session_id, parent=runtime.forked_from)
        except ProcessError as exc:
            log.error("no worktree for %s: %s", runtime.team, exc.message, extra=about(runtime))
            self._publish.process_error(runtime, f"no worktree: {exc.message}")
            raise
        return msgspec.structs.replace(team, path=str(folder))

    def _iris_tools(self, team: str) -> list[IrisTool]:
        """Iris's tools for a process of the team (none without a provider, or with `irisTools: false`)."""
        entry = self._config().team(team)
        if self.tool_provider is None or entry is None or not entry.iris_tools:
            return []
        return list(self.tool_provider(team))

    async def _run_tool(self, runtime: SessionRuntime, tool: IrisTool, arguments: dict[str, Any]) -> ToolAnswer:
        """One call of one of Iris's tools by the session's process, as the team, under the tell it answers.

        Meanwhile the tell's stall watchdog pauses; the wait is bounded by `mcpToolTimeout` (the tool answers a
        waiting tell by then) and a grace after it, when Iris answers with an error for it.
        """
        current = runtime.current
        timeout_ms = self._config().tool_timeout()
        context = ToolContext(
            team=runtime.team,
            from_team=runtime.from_team,
            session_id=runtime.session_id,
            request_id=current.request_id if current is not None and not current.status.finished else None,
            timeout_ms=timeout_ms,
        )
        with self._permissions.waiting_outside(str(runtime.session_id)):
            try:
                async with asyncio.timeout(timeout_ms / 1000 + TOOL_GRACE_S):
                    return await tool.handler(context, arguments)
            except builtins.TimeoutError:
                return ToolAnswer(f"TimeoutError: {tool.name} did not answer within {timeout_ms} ms", is_error=True)
            except Exception:
                log.exception("Iris tool %s of %s failed", tool.name, runtime.team, extra=about(runtime))
                return ToolAnswer(f"InternalServerError: {tool.name} failed inside Iris", is_error=True)

    async def _start_recorded(self, runtime: SessionRuntime, process: ClaudeProcess, timeout: float) -> None:
        """Start a Claude Code process recorded in the store (its token first, then its pid and start time), so the
        next server can stop it and its tools if this one dies without stopping them."""
        record = ProcessRecord(id=process.token, session_id=runtime.session_id, team=runtime.team, started_at=utcnow())
        await self._store.add_process(record)
        try:
            await process.start(timeout)
        except BaseException:
            await self._forget_process(process)
            raise
        try:
            await self._store.update_process(process.token, pid=process.pid, start_time=process.start_time)
        except Exception:  # the token recorded already lets the next server find it
            log.exception("could not record the pid of Claude Code pid %s", process.pid, extra=about(runtime))

    async def _forget_process(self, process: ClaudeProcess) -> None:
        """Remove the record of a process that has ended, its tools stopped."""
        try:
            await self._store.remove_process(process.token)
        except Exception:
            log.exception("could not remove the record of Claude Code pid %s", process.pid)

    # ending

    def _on_exit(self, runtime: SessionRuntime, process: ClaudeProcess, exited: Exited) -> None:
        """A process ended on its own (crash, or exit): forget it and say so."""
        if runtime.process is not process:
            return
        log.warning(
            "Claude Code pid %s of %s exited on its own (code %s)",
            process.pid,
            runtime.team,
            exited.exit_code,
            extra=about(runtime),
        )
        self._background.spawn(self.process_gone(runtime, process, "process_exited", exited.exit_code))

    async def process_gone(
        self, runtime: SessionRuntime, process: ClaudeProcess, reason: str, exit_code: int | None
    ) -> None:
        """Let go of a process that ended on its own: its slot, its pending permissions, its record."""
        if runtime.process is not process:
            return
        runtime.process = None
        self.slots.discard(runtime.session_id)
        self._permissions.cancel_session(str(runtime.session_id))
        await process.stop(0)
        await self._forget_process(process)
        self._publish.process_terminated(runtime, reason, exit_code)
        with contextlib.suppress(Exception):
            await self._store.update_session(runtime.session_id, process_state="stopped")

    async def sleep_if_idle(self, runtime: SessionRuntime, reason: str) -> None:
        """Put the session's process to sleep unless it has work by the time its lock is free."""
        async with runtime.spawn_lock:
            if not runtime.busy and runtime.process is not None and not runtime.process.stopping:
                await self.put_to_sleep(runtime, reason)

    async def sleep_now(self, runtime: SessionRuntime, reason: str) -> None:
        """Put the session's process to sleep once a spawn in flight has finished (later ones are refused)."""
        async with runtime.spawn_lock:
            await self.put_to_sleep(runtime, reason)

    async def sleep_if_awake(self, runtime: SessionRuntime, reason: str) -> ClaudeProcess | None:
        """Put the session's process to sleep if it is alive once its lock is free; returns the one it stopped."""
        async with runtime.spawn_lock:
            process = runtime.process
            if process is None or not process.alive:
                return None
            await self.put_to_sleep(runtime, reason)
            return process

    async def put_to_sleep(self, runtime: SessionRuntime, reason: str) -> int | None:
        """Stop the session's process: close stdin, grace, SIGTERM, SIGKILL to its whole group."""
        process = runtime.process
        if process is None:
            self.slots.discard(runtime.session_id)
            return None
        self._permissions.cancel_session(str(runtime.session_id))
        code = await process.stop(self._config().settings.shutdown_grace / 1000)
        await self._forget_process(process)
        if runtime.process is process:
            runtime.process = None
            self.slots.discard(runtime.session_id)
            self._publish.process_terminated(runtime, reason, code)
            with contextlib.suppress(Exception):
                await self._store.update_session(runtime.session_id, process_state="stopped")
        return code

    # watching

    async def tick(self, health: Callable[[], None]) -> None:
        """Forever: reap idle processes, look after running tools, and call `health` every health interval."""
        last_health = last_scan = time.monotonic()
        while True:
            await asyncio.sleep(TICK_S)
            now = time.monotonic()
            if now - last_scan >= TOOL_SCAN_S:
                last_scan = now
                self._note_tool_processes()
            self._reap_idle(now)
            if (now - last_health) * 1000 >= self._config().settings.health_check_interval:
                last_health = now
                health()

    def _reap_idle(self, now: float) -> None:
        """Put to sleep each process idle longer than its team's `idleTimeout`."""
        config = self._config()
        for runtime in list(self._sessions.live()):
            process = runtime.process
            if process is None or not process.alive or process.stopping or runtime.busy:
                continue
            idle_ms = (now - runtime.last_used) * 1000
            if idle_ms >= config.team_idle_timeout(runtime.team) and not runtime.spawn_lock.locked():
                log.info(
                    "session %s of %s idle for %d ms; putting it to sleep",
                    runtime.session_id,
                    runtime.team,
                    idle_ms,
                    extra=about(runtime),
                )
                self._background.spawn(self.sleep_if_idle(runtime, "idle_timeout"))

    def _note_tool_processes(self) -> None:
        """Record what running tools started, so a crash of Claude Code cannot leave them behind; look after the
        tools re-parented to this server (kept with their Claude Code, stopped once it has ended, reaped)."""
        working = [
            r.process
            for r in self._sessions.live()
            if r.process is not None and r.process.alive and r.current is not None
        ]
        if not working and not watching():
            return
        table = process_table()
        for process in working:
            process.note_descendants(table)
        stray = ORPHANS.check(table)
        if stray:
            self._background.spawn(self._stop_strays(stray))

    async def _stop_strays(self, stray: set[tuple[int, int]]) -> None:
        """Stop tools re-parented to this server whose Claude Code has ended."""
        count = await ORPHANS.stop(stray)
        if count:
            pids = ", ".join(str(pid) for pid, _start in sorted(stray))
            log.warning("stopped %d tool processes (pids %s) whose Claude Code had ended", count, pids)

    def states(self) -> dict[str, int]:
        """How many processes are in each live state."""
        counts: dict[str, int] = {"spawning": 0, "idle": 0, "processing": 0, "terminating": 0}
        for runtime in self._sessions.live():
            state: ProcessState = runtime.state
            if state != "stopped":
                counts[state] += 1
        return counts

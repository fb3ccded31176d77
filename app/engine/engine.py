"""The engine: teams, sessions, the process pool and tells, with no transport in sight."""

from __future__ import annotations

import asyncio
import base64
import builtins
import contextlib
import datetime
import email.utils
import logging
import os
import re
import shlex
import shutil
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
from claude_agent_sdk.types import (
    HookContext,
    HookInput,
    HookJSONOutput,
    Message,
    ResultMessage,
    StreamEvent,
    ToolPermissionContext,
)

from app import __version__
from app.config import EXTERNAL, IrisConfig, TeamConfig
from app.db.models import ProcessRecord, SessionRecord, TellRecord
from app.db.store import Store
from app.engine.events import SYSTEM, EventHub, session_channel, team_channel
from app.engine.instance import InstanceLock
from app.engine.logs import LogBuffer, LogEntry
from app.engine.permissions import PendingPermission, PermissionBroker, screen
from app.engine.process import (
    ORPHANS,
    ClaudeProcess,
    Exited,
    become_subreaper,
    build_options,
    kill_processes,
    leftovers,
    process_table,
    watching,
)
from app.engine.tells import Tell, TellStatus, text_delta, utcnow
from app.engine.views import (
    CachePage,
    CancelResult,
    DeleteResult,
    ForkResult,
    ProcessState,
    RebootResult,
    SessionView,
    SleepResult,
    SystemStatus,
    TeamInfo,
    TeamStatus,
    TellView,
    WakeAllResult,
    WakeResult,
)
from app.errors import (
    IrisError,
    ProcessError,
    ProcessPoolLimitError,
    RequestNotFoundError,
    SessionNotFoundError,
    SessionQueueFullError,
    TeamNotFoundError,
    TimeoutError,
    ValidationError,
)

log = logging.getLogger("iris.engine")

MAX_MESSAGE_BYTES = 1024 * 1024
MAX_TIMEOUT_MS = 3_600_000
RECENT_TELLS = 512
ROOM_POLL_S = 0.05
_COMMAND = re.compile(r"/([A-Za-z0-9][A-Za-z0-9_:.-]*)(?=\s|$)")


def slash_command(message: str) -> str | None:
    """The Claude Code command a message names when typed as is (`compact` for "/compact keep the API"), or None."""
    match = _COMMAND.match(message)
    return match.group(1) if match else None


def _about(item: SessionRuntime | Tell) -> dict[str, str]:
    """The log context of a record about one session: its pair and id (what a team-scoped key's logs show)."""
    return {"team": item.team, "fromTeam": item.from_team, "sessionId": str(item.session_id)}


def _team_removed(team: str) -> str:
    """The reason of a tell whose team left the config."""
    return f"team_removed: team {team!r} is no longer in the config"


@dataclass(eq=False)
class SessionRuntime:
    """A session's live side: its process, the running tell and the queue behind it."""

    session_id: uuid.UUID
    from_team: str
    team: str
    forked_from: uuid.UUID | None = None
    process: ClaudeProcess | None = None
    spawning: bool = False
    claims: int = 0
    """Wakes admitted to the pool that have not yet got their process."""
    current: Tell | None = None
    queue: deque[Tell] = field(default_factory=deque)
    worker: asyncio.Task[None] | None = None
    spawn_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_used: float = field(default_factory=time.monotonic)
    last_activity: datetime.datetime | None = None
    deleting: asyncio.Event | None = None
    """Set while the session is being deleted (the event is set once it is gone): it takes no new work."""

    @property
    def state(self) -> ProcessState:
        """The process's real state."""
        process = self.process
        if self.spawning:
            return "spawning"
        if process is None or not process.alive:
            return "stopped"
        if process.stopping:
            return "terminating"
        if self.current is not None and self.current.status is TellStatus.RUNNING:
            return "processing"
        return "idle"

    @property
    def busy(self) -> bool:
        """Running or about to run a tell."""
        return self.spawning or self.current is not None or bool(self.queue)

    @property
    def pid(self) -> int | None:
        """The live process's pid."""
        return self.process.pid if self.process is not None and self.process.alive else None


def _cursor(at: datetime.datetime, request_id: uuid.UUID) -> str:
    raw = f"{at.isoformat()}|{request_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _parse_cursor(cursor: str) -> tuple[datetime.datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, request_id = raw.split("|", 1)
        return datetime.datetime.fromisoformat(at), uuid.UUID(request_id)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("cursor is not one this server gave out", {"field": "cursor"}) from None


class Engine:
    """Iris's engine: every operation on a caller → team pair, over a pool of Claude Code processes."""

    def __init__(self, config: IrisConfig, *, store: Store | None = None) -> None:
        self.config = config
        self.store = store or Store(config.database_url)
        self.events = EventHub(config.settings.events_retained)
        self.permissions = PermissionBroker(self.events)
        self.logs = LogBuffer(config.settings.log_buffer_size)
        self.started_at = utcnow()
        self._started = time.monotonic()
        self._runtimes: dict[uuid.UUID, SessionRuntime] = {}
        self._pairs: dict[tuple[str, str], uuid.UUID] = {}
        self._pair_locks: dict[tuple[str, str], asyncio.Lock] = {}
        self._slots: set[uuid.UUID] = set()
        self._recent: OrderedDict[uuid.UUID, Tell] = OrderedDict()
        self._background: set[asyncio.Task[Any]] = set()
        self._recording: set[asyncio.Task[Any]] = set()
        self._ticker: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._shutdown: asyncio.Task[None] | None = None
        self._lock = InstanceLock.of(self.store.url)

    @property
    def _closing(self) -> bool:
        """Whether shutting down has begun: no queued tell starts from then on."""
        return self._stopping.is_set()

    # life cycle

    async def start(self) -> None:
        """Take the store's lock (ConfigurationError when another server holds it), open the store, stop the
        processes a previous run left, resume its queued tells, and start the idle reaper and health ticks."""
        if self._lock is not None:
            self._lock.acquire()
        iris_log = logging.getLogger("iris")
        iris_log.addHandler(self.logs)
        if iris_log.level == logging.NOTSET:
            iris_log.setLevel(logging.INFO)
        try:
            await self.store.open()
            become_subreaper()
            await self._stop_leftovers()
            await self._resume_queued()
        except BaseException:
            iris_log.removeHandler(self.logs)
            await self.store.close()
            if self._lock is not None:
                self._lock.release()
            raise
        self._ticker = asyncio.create_task(self._tick(), name="iris-ticker")
        log.info("engine started with %d teams", len(self.config.teams))

    async def shutdown(self) -> None:
        """Cancel the running tells (reason `shutdown`), put every process to sleep, close the store, release its
        lock. A second call waits for the first.

        Queued tells stay queued in the store and run, in order, when the server starts again; whoever waits on
        one (or on a tell accepted from now on) gets it back still queued.
        """
        await asyncio.shield(self.begin_shutdown())

    def begin_shutdown(self) -> asyncio.Task[None]:
        """Start shutting down (once) and return at once: no queued tell starts from now on, and its waiters are
        answered. The server calls this as soon as it begins to stop, before it waits for open requests."""
        if self._shutdown is None:
            self._stopping.set()
            self._shutdown = asyncio.create_task(self._stop(), name="iris-shutdown")
        return self._shutdown

    async def _stop(self) -> None:
        """Stop everything, then let the store's lock go (whatever happened)."""
        try:
            await self._stop_everything()
        finally:
            if self._lock is not None:
                self._lock.release()

    async def _stop_everything(self) -> None:
        """The body of `shutdown`."""
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        for runtime in self._runtimes.values():
            current = runtime.current
            if current is not None and current.status is TellStatus.RUNNING:
                current.end(TellStatus.CANCELLED, "shutdown: the server stopped during the tell")

        async def stop(runtime: SessionRuntime) -> None:
            async with runtime.spawn_lock:  # a spawn in flight finishes first; later ones see _closing and refuse
                await self._put_to_sleep(runtime, "shutdown")

        await asyncio.gather(*(stop(runtime) for runtime in list(self._runtimes.values())), return_exceptions=True)
        workers = [runtime.worker for runtime in self._runtimes.values() if runtime.worker is not None]
        await asyncio.gather(*workers, return_exceptions=True)
        kept = [tell for runtime in self._runtimes.values() for tell in runtime.queue]
        await asyncio.gather(*(t.persisted for t in kept if t.persisted is not None), return_exceptions=True)
        await self.settled()
        await self.store.close()
        logging.getLogger("iris").removeHandler(self.logs)
        log.info("engine stopped; %d queued tells kept for the next start", len(kept))

    async def _stop_leftovers(self) -> None:
        """Stop the Claude Code processes a previous run recorded and did not see end, and every tool of theirs."""
        records = await self.store.processes()
        if not records:
            return
        claude, tools = leftovers((r.pid, r.start_time, str(r.id)) for r in records)
        if claude or tools:
            await kill_processes(claude | tools)
            log.warning(
                "stopped what the previous run left: %d Claude Code processes (pids %s), %d tool processes (pids %s)",
                len(claude),
                ", ".join(str(pid) for pid, _start in sorted(claude)) or "none",
                len(tools),
                ", ".join(str(pid) for pid, _start in sorted(tools)) or "none",
            )
        await self.store.clear_processes([r.id for r in records])

    async def _resume_queued(self) -> None:
        """End the tells that were running when the server last stopped, and queue again those that were waiting."""
        now = utcnow()
        crashed, waiting = await self.store.recover_after_restart(now)
        if crashed:
            log.warning("%d tells were running when the server last stopped: failed (server_restart)", crashed)
        resumed: list[SessionRuntime] = []
        for record in waiting:
            tell = self._resumed_tell(record)
            self._remember(tell)
            if self.config.team(record.team) is None:
                self._end(tell, TellStatus.FAILED, _team_removed(record.team))
                continue
            runtime = self._runtimes.get(record.session_id)
            if runtime is None:
                session = await self.store.get_session(record.session_id)
                if session is None:
                    continue
                runtime = self._runtime_for(session)
            runtime.queue.append(tell)
            if runtime not in resumed:
                resumed.append(runtime)
        for runtime in resumed:
            runtime.worker = asyncio.create_task(self._work(runtime), name=f"session-{runtime.session_id}")
        if resumed:
            log.info(
                "resumed %d queued tells on %d sessions",
                sum(len(r.queue) for r in resumed),
                len(resumed),
            )

    def _resumed_tell(self, record: TellRecord) -> Tell:
        """A live tell again from the record of one that was queued when the server stopped."""
        return Tell(
            record.session_id,
            record.from_team,
            record.team,
            record.message,
            request_id=record.id,
            queued_at=record.queued_at,
            message_limit=self.config.settings.cache_messages_per_tell,
            command=record.command,
        )

    def apply_config(self, config: IrisConfig) -> None:
        """Switch to a reloaded config: new limits, timeouts and teams apply from now on."""
        removed = set(self.config.teams) - set(config.teams)
        self.config = config
        self.events.retained_per_session = config.settings.events_retained
        self.logs.resize(config.settings.log_buffer_size)
        for runtime in list(self._runtimes.values()):
            if runtime.team in removed:
                self._drop_queue(runtime, TellStatus.FAILED, _team_removed(runtime.team))
                self._spawn_task(self._retire(runtime))
        log.info("config reloaded: %d teams, maxProcesses %d", len(config.teams), config.settings.max_processes)

    async def _retire(self, runtime: SessionRuntime) -> None:
        """Stop the session of a team that left the config: its running tell ends cancelled, its process sleeps."""
        current = runtime.current
        if current is not None and not current.status.finished:
            current.cancel_requested = True
            current.end(TellStatus.CANCELLED, _team_removed(runtime.team))
        async with runtime.spawn_lock:
            await self._put_to_sleep(runtime, "team_removed")

    # validation

    def _team(self, name: str, field_name: str = "team") -> TeamConfig:
        team = self.config.team(name)
        if team is None:
            raise TeamNotFoundError(f"Team {name!r} is not configured", {field_name: name})
        return team

    def _caller(self, from_team: str | None) -> str:
        caller = from_team or EXTERNAL
        if caller != EXTERNAL and caller not in self.config.teams:
            raise TeamNotFoundError(
                f"fromTeam {caller!r} is not a configured team (omit it, or use {EXTERNAL!r})",
                {"fromTeam": caller},
            )
        return caller

    @staticmethod
    def _check_message(message: str) -> None:
        if not message:
            raise ValidationError("message must not be empty", {"field": "message"})
        if "\x00" in message:
            raise ValidationError("message must not contain NUL characters", {"field": "message"})
        if len(message.encode("utf-8", "surrogatepass")) > MAX_MESSAGE_BYTES:
            raise ValidationError("message is longer than 1 MiB", {"field": "message"})

    @staticmethod
    def _check_timeout(timeout: int) -> None:
        if timeout < -1 or timeout > MAX_TIMEOUT_MS:
            raise ValidationError(f"timeout must be -1, 0 or 1 to {MAX_TIMEOUT_MS} ms", {"field": "timeout"})

    # sessions

    async def _pair_runtime(self, from_team: str, team: str, *, create: bool) -> SessionRuntime | None:
        """The pair's primary session, loaded or (with `create`) made on first use; one being deleted is waited
        out (the pair then has none, or a new one)."""
        while True:
            runtime = await self._load_pair(from_team, team, create=create)
            if runtime is None or runtime.deleting is None:
                return runtime
            await runtime.deleting.wait()

    async def _load_pair(self, from_team: str, team: str, *, create: bool) -> SessionRuntime | None:
        key = (from_team, team)
        session_id = self._pairs.get(key)
        if session_id is not None and session_id in self._runtimes:
            return self._runtimes[session_id]
        lock = self._pair_locks.setdefault(key, asyncio.Lock())
        async with lock:
            session_id = self._pairs.get(key)
            if session_id is not None and session_id in self._runtimes:
                return self._runtimes[session_id]
            record = await self.store.primary_session(from_team, team)
            if record is None:
                if not create:
                    return None
                record = await self._new_session(from_team, team, primary=True)
            runtime = self._runtime_for(record)
            self._pairs[key] = record.id
            return runtime

    async def _new_session(
        self, from_team: str, team: str, *, primary: bool, forked_from: uuid.UUID | None = None
    ) -> SessionRecord:
        now = utcnow()
        record = SessionRecord(
            id=uuid.uuid4(),
            from_team=from_team,
            team=team,
            primary_pair=f"{from_team}→{team}" if primary else None,
            forked_from=forked_from,
            created_at=now,
            last_used_at=now,
            message_count=0,
            process_state="stopped",
            cost_usd=0.0,
            input_tokens=0,
            output_tokens=0,
        )
        return await self.store.add_session(record)

    def _runtime_for(self, record: SessionRecord) -> SessionRuntime:
        runtime = self._runtimes.get(record.id)
        if runtime is None:
            runtime = SessionRuntime(
                record.id, record.from_team, record.team, record.forked_from, last_activity=record.last_used_at
            )
            self._runtimes[record.id] = runtime
        return runtime

    async def _session_runtime(self, session_id: uuid.UUID, team: str) -> SessionRuntime:
        """A session named by id; it must belong to `team`."""
        runtime = self._runtimes.get(session_id)
        if runtime is None:
            record = await self.store.get_session(session_id)
            if record is None:
                raise SessionNotFoundError(f"No session {session_id}", {"sessionId": str(session_id)})
            runtime = self._runtime_for(record)
        if runtime.team != team:
            raise SessionNotFoundError(
                f"Session {session_id} belongs to team {runtime.team!r}, not {team!r}",
                {"sessionId": str(session_id)},
            )
        if runtime.deleting is not None:
            raise SessionNotFoundError(f"Session {session_id} is being deleted", {"sessionId": str(session_id)})
        return runtime

    async def _target(self, caller: str, team: str, session_id: uuid.UUID | None) -> SessionRuntime:
        """The session an operation acts on: the named one (of this team) or the pair's primary one."""
        if session_id is not None:
            return await self._session_runtime(session_id, team)
        runtime = await self._pair_runtime(caller, team, create=False)
        if runtime is None:
            raise SessionNotFoundError(f"No session for {caller} → {team}", {"team": team})
        return runtime

    def _transcript(self, session_id: uuid.UUID, team: TeamConfig | None) -> Path | None:
        """Claude Code's transcript of a session, found by id under `<config dir>/projects/*/`."""
        env = team.env if team is not None else {}
        config_dir = env.get("CLAUDE_CONFIG_DIR") or os.environ.get("CLAUDE_CONFIG_DIR")
        if config_dir:
            root = Path(config_dir).expanduser()
        else:
            home = env.get("HOME") or os.environ.get("HOME") or str(Path.home())
            root = Path(home).expanduser() / ".claude"
        for match in (root / "projects").glob(f"*/{session_id}.jsonl"):
            return match
        return None

    # the pool

    def _evictable(self, exclude: SessionRuntime) -> SessionRuntime | None:
        """The least recently used idle process, other than `exclude`'s."""
        idle = [
            self._runtimes[session_id]
            for session_id in self._slots
            if session_id in self._runtimes
            and self._runtimes[session_id] is not exclude
            and not self._runtimes[session_id].busy
            and not self._runtimes[session_id].claims
            and self._runtimes[session_id].process is not None
            and not self._runtimes[session_id].process.stopping  # type: ignore[union-attr]
        ]
        return min(idle, key=lambda runtime: runtime.last_used, default=None)

    def _check_room(self, runtime: SessionRuntime) -> None:
        """Admit `runtime` to the pool, or fail at once (503) when every process is spoken for.

        A session with work (a running or queued tell, a wake in progress) is counted whether or not it has
        its process yet, so at most `maxProcesses` sessions are ever admitted: each can then have a process,
        putting an idle one to sleep if need be. The caller marks `runtime` as having work (a queued tell, a
        claim) with no await in between.
        """
        if runtime.busy or runtime.claims:
            return
        admitted = sum(1 for other in self._runtimes.values() if other is not runtime and (other.busy or other.claims))
        if admitted >= self.config.settings.max_processes:
            raise self._pool_full()

    def _pool_full(self) -> ProcessPoolLimitError:
        limit = self.config.settings.max_processes
        return ProcessPoolLimitError(
            f"All {limit} processes are busy; try again shortly",
            {"maxProcesses": limit, "retryAfter": 5},
        )

    async def _ensure_process(self, runtime: SessionRuntime) -> ClaudeProcess:
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
            if self._closing:
                raise ProcessError("The server is shutting down")
            if runtime.deleting is not None:
                raise ProcessError("The session is being deleted")
            deadline = time.monotonic() + self.config.settings.spawn_timeout / 1000
            while runtime.session_id not in self._slots:
                if self._closing:
                    raise ProcessError("The server is shutting down")
                if len(self._slots) < self.config.settings.max_processes:
                    self._slots.add(runtime.session_id)
                    break
                victim = self._evictable(runtime)
                if victim is not None:
                    log.info(
                        "evicting idle session %s of %s to make room",
                        victim.session_id,
                        victim.team,
                        extra=_about(victim),
                    )
                    await self._sleep_if_idle(victim, "evicted")
                    continue
                current = runtime.current
                if current is not None and current.cancel_requested:
                    raise ProcessError("The tell was cancelled while it waited for a process")
                if current is None and time.monotonic() >= deadline:
                    raise self._pool_full()
                await asyncio.sleep(ROOM_POLL_S)
            runtime.spawning = True
            try:
                return await self._spawn(runtime)
            except BaseException:
                self._slots.discard(runtime.session_id)
                raise
            finally:
                runtime.spawning = False

    async def _spawn(self, runtime: SessionRuntime) -> ClaudeProcess:
        team = self._team(runtime.team)
        sid = str(runtime.session_id)
        if self._transcript(runtime.session_id, team) is not None:
            resume, fork = sid, False
        elif runtime.forked_from is not None:
            resume, fork = str(runtime.forked_from), True
        else:
            resume, fork = None, False
        process: ClaudeProcess | None = None

        def grant() -> str:
            """The team's grantPermission now (a reload applies to running processes; a removed team gets no)."""
            current_team = self.config.team(runtime.team)
            return current_team.grant_permission if current_team is not None else "no"

        async def pre_tool_use(
            hook_input: HookInput, _tool_use_id: str | None, _context: HookContext
        ) -> HookJSONOutput:
            """Iris's decision on every tool use, ahead of anything Claude Code's settings say."""
            mode = grant()
            raw: dict[str, Any] = dict(hook_input)
            tool_input = raw.get("tool_input")
            decision = screen(
                mode, str(raw.get("tool_name", "")), tool_input if isinstance(tool_input, dict) else {}, team.path
            )
            if decision is None:
                return {}
            reason = (
                f"Iris denies tool use for team {runtime.team} (grantPermission: no)"
                if decision == "deny"
                else f"Iris holds tool use of team {runtime.team} for a decision (grantPermission: ask)"
            )
            return {
                "hookSpecificOutput": {
                    "hookEventName": "PreToolUse",
                    "permissionDecision": decision,
                    "permissionDecisionReason": reason,
                }
            }

        async def can_use_tool(tool: str, tool_input: dict[str, Any], _context: ToolPermissionContext) -> Any:
            current = runtime.current
            return await self.permissions.decide_for(
                grant(),
                session_id=sid,
                team=runtime.team,
                from_team=runtime.from_team,
                tool=tool,
                tool_input=tool_input,
                request_id=str(current.request_id) if current else None,
                timeout_ms=self.config.settings.permission_timeout,
            )

        def stderr(line: str) -> None:
            if process is not None:
                process.record_stderr(line)

        options = build_options(
            team,
            session_id=sid,
            resume=resume,
            fork=fork,
            can_use_tool=can_use_tool,
            pre_tool_use=pre_tool_use,
            stderr=stderr,
        )
        process = ClaudeProcess(options)
        process.on_exit = lambda proc, exited: self._on_exit(runtime, proc, exited)
        timeout_ms = self.config.settings.spawn_timeout
        try:
            await self._start_recorded(runtime, process, timeout_ms / 1000)
        except builtins.TimeoutError:
            self._publish_team(runtime, "process:error", {"error": f"spawn timed out after {timeout_ms} ms"})
            raise TimeoutError(
                f"Claude Code for team {runtime.team!r} was not ready within {timeout_ms} ms",
                {"spawnTimeout": timeout_ms},
            ) from None
        except Exception as exc:
            tail = " | ".join(list(process.stderr_tail)[-5:])
            log.error("Claude Code for %s failed to start: %s %s", runtime.team, exc, tail, extra=_about(runtime))
            self._publish_team(runtime, "process:error", {"error": f"failed to start: {exc}"})
            raise ProcessError(
                f"Claude Code for team {runtime.team!r} could not start: {exc}"
                + (f" (stderr: {tail})" if tail else ""),
            ) from None
        runtime.process = process
        runtime.last_used = time.monotonic()
        await self.store.update_session(
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
            extra=_about(runtime),
        )
        self._publish_team(runtime, "process:spawned", {"pid": process.pid})
        return process

    def _on_exit(self, runtime: SessionRuntime, process: ClaudeProcess, exited: Exited) -> None:
        """A process ended on its own (crash, or exit): forget it and say so."""
        if runtime.process is not process:
            return
        log.warning(
            "Claude Code pid %s of %s exited on its own (code %s)",
            process.pid,
            runtime.team,
            exited.exit_code,
            extra=_about(runtime),
        )
        self._spawn_task(self._process_gone(runtime, process, "process_exited", exited.exit_code))

    async def _process_gone(
        self, runtime: SessionRuntime, process: ClaudeProcess, reason: str, exit_code: int | None
    ) -> None:
        if runtime.process is not process:
            return
        runtime.process = None
        self._slots.discard(runtime.session_id)
        self.permissions.cancel_session(str(runtime.session_id))
        await process.stop(0)
        await self._forget_process(process)
        self._publish_team(runtime, "process:terminated", {"reason": reason, "exitCode": exit_code})
        with contextlib.suppress(Exception):
            await self.store.update_session(runtime.session_id, process_state="stopped")

    async def _sleep_if_idle(self, runtime: SessionRuntime, reason: str) -> None:
        """Put the session's process to sleep unless it has work by the time its lock is free."""
        async with runtime.spawn_lock:
            if not runtime.busy and runtime.process is not None and not runtime.process.stopping:
                await self._put_to_sleep(runtime, reason)

    async def _put_to_sleep(self, runtime: SessionRuntime, reason: str) -> int | None:
        """Stop the session's process: close stdin, grace, SIGTERM, SIGKILL to its whole group."""
        process = runtime.process
        if process is None:
            self._slots.discard(runtime.session_id)
            return None
        self.permissions.cancel_session(str(runtime.session_id))
        code = await process.stop(self.config.settings.shutdown_grace / 1000)
        await self._forget_process(process)
        if runtime.process is process:
            runtime.process = None
            self._slots.discard(runtime.session_id)
            self._publish_team(runtime, "process:terminated", {"reason": reason, "exitCode": code})
            with contextlib.suppress(Exception):
                await self.store.update_session(runtime.session_id, process_state="stopped")
        return code

    async def _start_recorded(self, runtime: SessionRuntime, process: ClaudeProcess, timeout: float) -> None:
        """Start a Claude Code process recorded in the store (its token first, then its pid and start time), so the
        next server can stop it and its tools if this one dies without stopping them."""
        record = ProcessRecord(id=process.token, session_id=runtime.session_id, team=runtime.team, started_at=utcnow())
        await self.store.add_process(record)
        try:
            await process.start(timeout)
        except BaseException:
            await self._forget_process(process)
            raise
        try:
            await self.store.update_process(process.token, pid=process.pid, start_time=process.start_time)
        except Exception:  # the token recorded already lets the next server find it
            log.exception("could not record the pid of Claude Code pid %s", process.pid, extra=_about(runtime))

    async def _forget_process(self, process: ClaudeProcess) -> None:
        """Remove the record of a process that has ended, its tools stopped."""
        try:
            await self.store.remove_process(process.token)
        except Exception:
            log.exception("could not remove the record of Claude Code pid %s", process.pid)

    def _publish_team(self, runtime: SessionRuntime, name: str, data: dict[str, Any]) -> None:
        payload = {"team": runtime.team, "fromTeam": runtime.from_team, "sessionId": str(runtime.session_id), **data}
        self.events.publish(team_channel(runtime.team), name, payload)

    def _spawn_task(self, coroutine: Any) -> asyncio.Task[Any]:
        task = asyncio.create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def _tick(self) -> None:
        """Reap idle processes and publish health ticks."""
        last_health = last_scan = time.monotonic()
        while True:
            await asyncio.sleep(0.2)
            now = time.monotonic()
            if now - last_scan >= 1.0:
                last_scan = now
                self._note_tool_processes()
            for runtime in list(self._runtimes.values()):
                process = runtime.process
                if process is None or not process.alive or process.stopping or runtime.busy:
                    continue
                idle_ms = (now - runtime.last_used) * 1000
                if idle_ms >= self.config.team_idle_timeout(runtime.team) and not runtime.spawn_lock.locked():
                    log.info(
                        "session %s of %s idle for %d ms; putting it to sleep",
                        runtime.session_id,
                        runtime.team,
                        idle_ms,
                        extra=_about(runtime),
                    )
                    self._spawn_task(self._sleep_if_idle(runtime, "idle_timeout"))
            if (now - last_health) * 1000 >= self.config.settings.health_check_interval:
                last_health = now
                self.events.publish(SYSTEM, "health:check", self._health())

    def _note_tool_processes(self) -> None:
        """Record what running tools started, so a crash of Claude Code cannot leave them behind; look after the
        tools re-parented to this server (kept with their Claude Code, stopped once it has ended, reaped)."""
        working = [
            r.process
            for r in self._runtimes.values()
            if r.process is not None and r.process.alive and r.current is not None
        ]
        if not working and not watching():
            return
        table = process_table()
        for process in working:
            process.note_descendants(table)
        stray = ORPHANS.check(table)
        if stray:
            self._spawn_task(self._stop_strays(stray))

    async def _stop_strays(self, stray: set[tuple[int, int]]) -> None:
        """Stop tools re-parented to this server whose Claude Code has ended."""
        count = await ORPHANS.stop(stray)
        if count:
            pids = ", ".join(str(pid) for pid, _start in sorted(stray))
            log.warning("stopped %d tool processes (pids %s) whose Claude Code had ended", count, pids)

    def _health(self) -> dict[str, Any]:
        states = self._process_states()
        return {
            "totalProcesses": sum(states.values()),
            "maxProcesses": self.config.settings.max_processes,
            "uptime": int((time.monotonic() - self._started) * 1000),
            "processes": states,
            "pendingPermissions": len(self.permissions.pending),
            "timestamp": utcnow().isoformat(),
        }

    def _process_states(self) -> dict[str, int]:
        counts: dict[str, int] = {"spawning": 0, "idle": 0, "processing": 0, "terminating": 0}
        for runtime in self._runtimes.values():
            state = runtime.state
            if state != "stopped":
                counts[state] += 1
        return counts

    # tells

    async def tell(
        self,
        to_team: str,
        message: str,
        *,
        from_team: str | None = None,
        timeout: int = 0,
        session_id: uuid.UUID | None = None,
        command: bool = False,
    ) -> TellView:
        """Deliver a message to the pair's session (or a fork of it) and wait per `timeout`.

        The text reaches the model as written. With `command` it is run as the Claude Code command it names,
        which must be on `settings.allowedSlashCommands` (the caller has checked that its key may).
        """
        if command and self.allowed_command(message) is None:
            name = slash_command(message)
            raise ValidationError(
                f"/{name} is not on settings.allowedSlashCommands" if name else "message does not name a command",
                {"field": "message"},
            )
        return await self._tell(
            to_team, message, from_team=from_team, timeout=timeout, session_id=session_id, command=command
        )

    def allowed_command(self, message: str) -> str | None:
        """The command on `settings.allowedSlashCommands` that `message` names, or None (it is only text)."""
        name = slash_command(message)
        return name if name is not None and name in self.config.settings.allowed_slash_commands else None

    async def _tell(
        self,
        to_team: str,
        message: str,
        *,
        from_team: str | None,
        timeout: int,
        session_id: uuid.UUID | None,
        command: bool,
    ) -> TellView:
        self._team(to_team, "toTeam")
        caller = self._caller(from_team)
        self._check_message(message)
        self._check_timeout(timeout)
        if session_id is not None:
            runtime: SessionRuntime | None = await self._session_runtime(session_id, to_team)
        else:
            runtime = await self._pair_runtime(caller, to_team, create=True)
        assert runtime is not None
        limit = self.config.settings.max_queued_tells
        if runtime.busy and len(runtime.queue) >= limit:
            raise SessionQueueFullError(
                f"Session {runtime.session_id} already has {len(runtime.queue)} tells waiting (limit {limit})",
                {"sessionId": str(runtime.session_id), "maxQueuedTells": limit},
            )
        self._check_room(runtime)  # from here to the queue's append: no await (the tell holds its admission)
        tell = Tell(
            runtime.session_id,
            runtime.from_team,
            to_team,
            message,
            message_limit=self.config.settings.cache_messages_per_tell,
            command=command,
        )
        tell.persisted = asyncio.create_task(self.store.add_tell(tell.record()))
        self._remember(tell)
        runtime.queue.append(tell)
        self._publish_session(
            runtime, "tell:queued", {"requestId": str(tell.request_id), "position": len(runtime.queue)}
        )
        if runtime.worker is None:
            runtime.worker = asyncio.create_task(self._work(runtime), name=f"session-{runtime.session_id}")
        await asyncio.shield(tell.persisted)
        return await self._wait(tell, timeout)

    async def _wait(self, tell: Tell, timeout: int) -> TellView:
        if timeout == 0:
            await self._until_ended(tell)
        elif timeout > 0:
            with contextlib.suppress(builtins.TimeoutError):
                async with asyncio.timeout(timeout / 1000):
                    await self._until_ended(tell)
        return TellView.of(tell)

    async def _until_ended(self, tell: Tell) -> None:
        """Wait until a tell has ended, or until the server stops with it still queued (it runs after the
        restart): nobody waits on a stopped server."""
        if tell.done.is_set():
            return
        if not self._closing:
            ended = asyncio.ensure_future(tell.done.wait())
            stopping = asyncio.ensure_future(self._stopping.wait())
            try:
                await asyncio.wait({ended, stopping}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                ended.cancel()
                stopping.cancel()
        if tell.status is not TellStatus.QUEUED:  # running: the shutdown ends it
            await tell.done.wait()

    async def wait_for(self, request_id: uuid.UUID, timeout: float | None = None) -> TellView:
        """Wait for a tell to end (at most `timeout` seconds; a queued one only until the server stops), then
        return it."""
        tell = self._recent.get(request_id)
        if tell is not None:
            async with asyncio.timeout(timeout):
                await self._until_ended(tell)
        return await self.get_request(request_id)

    def _remember(self, tell: Tell) -> None:
        self._recent[tell.request_id] = tell
        while len(self._recent) > RECENT_TELLS:
            oldest_id, oldest = next(iter(self._recent.items()))
            if not oldest.done.is_set():
                self._recent.move_to_end(oldest_id)
                break
            self._recent.popitem(last=False)

    async def _work(self, runtime: SessionRuntime) -> None:
        """Run the session's queued tells one at a time, in order."""
        try:
            while runtime.queue and not self._closing:
                tell = runtime.queue.popleft()
                runtime.current = tell
                try:
                    if not tell.status.finished:
                        await self._run(runtime, tell)
                except Exception as exc:
                    log.exception("tell %s failed inside Iris", tell.request_id, extra=_about(tell))
                    tell.end(TellStatus.FAILED, f"internal_error: {type(exc).__name__}")
                finally:
                    runtime.current = None
                    runtime.last_used = time.monotonic()
                    if self._closing and tell.status is TellStatus.QUEUED:
                        runtime.queue.appendleft(tell)  # it never started: it runs after the restart
                    else:
                        self._finish(tell, runtime)
        finally:
            runtime.worker = None

    async def _run(self, runtime: SessionRuntime, tell: Tell) -> None:
        try:
            process = await self._ensure_process(runtime)
        except IrisError as exc:
            if tell.cancel_requested:
                tell.end(TellStatus.CANCELLED, "cancelled: before it started")
            elif self._closing:
                return  # the server is stopping: the tell stays queued
            elif self.config.team(runtime.team) is None:
                tell.end(TellStatus.FAILED, _team_removed(runtime.team))
            else:
                tell.end(TellStatus.FAILED, f"{exc.name}: {exc.message}")
            return
        if tell.cancel_requested:
            tell.end(TellStatus.CANCELLED, "cancelled: before it started")
            return
        while not process.messages.empty():  # anything left over from an interrupted turn
            leftover = process.messages.get_nowait()
            if isinstance(leftover, Exited):
                process.messages.put_nowait(leftover)
                break
        if self._closing:
            return  # the server is stopping: the tell stays queued
        tell.status = TellStatus.RUNNING
        tell.started_at = utcnow()
        if not await self._record_start(tell):
            return
        runtime.last_activity = tell.started_at
        self._publish_session(runtime, "tell:started", {"requestId": str(tell.request_id)})
        try:
            await process.send(tell.message, command=tell.command)
        except Exception as exc:
            tell.end(TellStatus.FAILED, f"process_error: could not write to Claude Code: {exc}")
            await self._put_to_sleep(runtime, "write_failed")
            return
        stall_ms = self.config.settings.response_timeout
        channel = session_channel(str(runtime.session_id))
        request_id = str(tell.request_id)
        sid = str(runtime.session_id)
        while True:
            try:
                item = await self._next_message(process, sid, stall_ms)
            except builtins.TimeoutError:
                tell.end(TellStatus.STALLED, f"stalled: no message from Claude Code for {stall_ms} ms")
                log.warning("tell %s stalled; putting session %s to sleep", request_id, sid, extra=_about(runtime))
                await self._put_to_sleep(runtime, "stalled")
                return
            if isinstance(item, Exited):
                tell.exit_code = item.exit_code
                if tell.cancel_requested:
                    tell.end(TellStatus.CANCELLED, "cancelled: the process was stopped")
                else:
                    tail = " | ".join(list(process.stderr_tail)[-8:])
                    tell.end(
                        TellStatus.FAILED,
                        f"process_exited: Claude Code exited with code {item.exit_code}"
                        + (f"; stderr: {tail}" if tail else ""),
                    )
                await self._process_gone(runtime, process, "process_exited", item.exit_code)
                return
            runtime.last_used = time.monotonic()
            if isinstance(item, StreamEvent):
                chunk = text_delta(item)
                if chunk:
                    tell.partial.append(chunk)
                    self.events.publish(
                        channel, "tell:chunk", {"requestId": request_id, "sessionId": sid, "chunk": chunk}
                    )
                continue
            data = tell.keep(item)
            self.events.publish(channel, "cache:message", {"sessionId": sid, "requestId": request_id, "message": data})
            if isinstance(item, ResultMessage):
                tell.finish_from_result(item)
                return

    async def _next_message(self, process: ClaudeProcess, sid: str, stall_ms: int) -> Message | Exited:
        """The process's next message, or `TimeoutError` after `stall_ms` of silence (the stall watchdog).

        The watch pauses while a tool use of the session waits on a permission decision (a person is not a
        stall) and its full window starts again once the decision is made.
        """
        messages = process.messages
        if not messages.empty():
            return messages.get_nowait()
        window = stall_ms / 1000
        quiet_since = time.monotonic()
        while True:
            if self.permissions.waiting(sid):
                item = await self._message_or_decision(messages, sid)
                if item is not None:
                    return item
                continue
            settled = self.permissions.settled_at(sid)
            remaining = max(quiet_since, settled or 0.0) + window - time.monotonic()
            if remaining <= 0:
                raise builtins.TimeoutError
            try:
                async with asyncio.timeout(remaining):
                    return await messages.get()
            except builtins.TimeoutError:
                continue  # look again: a decision may be pending, or have been made inside the window

    async def _message_or_decision(
        self, messages: asyncio.Queue[Message | Exited], sid: str
    ) -> Message | Exited | None:
        """The next message, or None once the session no longer waits on a permission decision."""
        get = asyncio.ensure_future(messages.get())
        settled = asyncio.ensure_future(self.permissions.until_settled(sid))
        try:
            await asyncio.wait({get, settled}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            settled.cancel()
            if not get.done():
                get.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await get
        return get.result() if not get.cancelled() else None

    def _finish(self, tell: Tell, runtime: SessionRuntime | None = None) -> None:
        """The one way a tell ends, once: its waiters are let go, `tell:complete` is published, and the outcome is
        recorded in the background (off the caller's path)."""
        if tell.done.is_set():
            return
        if not tell.status.finished:
            tell.end(TellStatus.FAILED, "internal_error: the tell ended without an outcome")
        if runtime is not None:
            runtime.last_activity = utcnow()
        sid = str(tell.session_id)
        self.events.publish(session_channel(sid), "tell:complete", {"sessionId": sid, **_tell_event(TellView.of(tell))})
        tell.done.set()
        task = self._spawn_task(self._record_end(tell))
        self._recording.add(task)
        task.add_done_callback(self._recording.discard)

    def _end(self, tell: Tell, status: TellStatus, reason: str, runtime: SessionRuntime | None = None) -> None:
        """End a tell that is not running (see `_finish`)."""
        tell.end(status, reason)
        self._finish(tell, runtime)

    def _drop_queue(self, runtime: SessionRuntime, status: TellStatus, reason: str) -> int:
        """End every queued tell of a session (see `_finish`); returns how many."""
        dropped = 0
        while runtime.queue:
            self._end(runtime.queue.popleft(), status, reason, runtime)
            dropped += 1
        return dropped

    async def _record_start(self, tell: Tell) -> bool:
        """Write `running` to the store before Claude Code sees the message, so no restart can run it twice.

        Returns whether the tell may go on (it was not cancelled meanwhile, and the write succeeded).
        """
        try:
            if tell.persisted is not None:
                await tell.persisted
            await self.store.update_tell(tell.request_id, status=str(TellStatus.RUNNING), started_at=tell.started_at)
        except Exception:
            log.exception("could not record the start of tell %s", tell.request_id, extra=_about(tell))
            tell.end(TellStatus.FAILED, "internal_error: the start of the tell could not be recorded")
            return False
        if tell.status.finished:
            return False
        if tell.cancel_requested:
            tell.end(TellStatus.CANCELLED, "cancelled: before it started")
            return False
        return True

    async def _record_end(self, tell: Tell) -> None:
        """Persist a tell's outcome and add it to the session's totals."""
        usage = tell.usage
        try:
            if tell.persisted is not None:
                await tell.persisted
            await self.store.finish_tell(
                tell.request_id,
                tell.columns(),
                tell.session_id,
                messages=1 if tell.started_at is not None else 0,
                cost_usd=tell.cost_usd or 0.0,
                input_tokens=usage.input_tokens if usage else 0,
                output_tokens=usage.output_tokens if usage else 0,
                last_used_at=tell.finished_at or utcnow(),
                last_response_at=tell.finished_at if tell.status is TellStatus.COMPLETED else None,
            )
        except Exception:
            log.exception("could not record the end of tell %s", tell.request_id, extra=_about(tell))

    async def recorded(self) -> None:
        """Wait until every ended tell is in the store (reads of the store call this first)."""
        if self._recording:
            await asyncio.gather(*list(self._recording), return_exceptions=True)

    async def settled(self) -> None:
        """Wait until everything in the background (records, launches, sleeps) has finished."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)

    def _publish_session(self, runtime: SessionRuntime, name: str, data: dict[str, Any]) -> None:
        self.events.publish(
            session_channel(str(runtime.session_id)), name, {"sessionId": str(runtime.session_id), **data}
        )

    async def get_request(self, request_id: uuid.UUID) -> TellView:
        """One tell by request id: live while it runs, from the store after."""
        tell = self._recent.get(request_id)
        if tell is not None:
            return TellView.of(tell, with_messages=True)
        record = await self.store.get_tell(request_id)
        if record is None:
            raise RequestNotFoundError(f"No tell with request id {request_id}", {"requestId": str(request_id)})
        return TellView.from_record(record)

    async def compact(
        self, team: str, *, from_team: str | None = None, timeout: int = 0, session_id: uuid.UUID | None = None
    ) -> TellView:
        """Send Claude Code's `/compact` to the pair's session (or the named one) as a tell."""
        return await self._tell(
            team, "/compact", from_team=from_team, timeout=timeout, session_id=session_id, command=True
        )

    async def cancel(
        self,
        team: str,
        *,
        from_team: str | None = None,
        drop_queued: bool = False,
        session_id: uuid.UUID | None = None,
    ) -> CancelResult:
        """Interrupt the running tell of the pair's session (or the named one); optionally drop its queue."""
        self._team(team)
        caller = self._caller(from_team)
        runtime = await self._target(caller, team, session_id)
        dropped = 0
        if drop_queued:
            dropped = self._drop_queue(runtime, TellStatus.CANCELLED, "cancelled: dropped from the queue")
        tell = runtime.current
        if tell is None or tell.status.finished:
            return CancelResult(team, caller, runtime.session_id, False, None, None, dropped, "nothing was running")
        tell.cancel_requested = True
        grace = self.config.settings.cancel_grace / 1000
        process = runtime.process
        if tell.status is TellStatus.RUNNING and process is not None and process.alive:
            try:
                async with asyncio.timeout(grace):
                    await process.interrupt()
                    await self._until_ended(tell)
            except builtins.TimeoutError:
                log.warning(
                    "interrupt of %s not confirmed within %.1fs; stopping the process",
                    tell.request_id,
                    grace,
                    extra=_about(runtime),
                )
                await self._put_to_sleep(runtime, "cancelled")
            except Exception as exc:
                log.warning(
                    "interrupt of %s failed (%s); stopping the process", tell.request_id, exc, extra=_about(runtime)
                )
                await self._put_to_sleep(runtime, "cancelled")
        await self._until_ended(tell)
        cancelled = tell.status is TellStatus.CANCELLED
        message = "the running tell was cancelled" if cancelled else f"the tell had already ended ({tell.status})"
        return CancelResult(
            team, caller, runtime.session_id, cancelled, tell.request_id, str(tell.status), dropped, message
        )

    # process operations

    async def wake(self, team: str, *, from_team: str | None = None) -> WakeResult:
        """Make sure the pair's process is ready, starting it if needed (no model turn)."""
        self._team(team)
        caller = self._caller(from_team)
        runtime = await self._pair_runtime(caller, team, create=True)
        assert runtime is not None
        if runtime.process is not None and runtime.process.alive and not runtime.process.stopping:
            runtime.last_used = time.monotonic()
            return WakeResult(team, caller, runtime.session_id, "already_awake", runtime.pid)
        self._check_room(runtime)
        runtime.claims += 1
        try:
            process = await self._ensure_process(runtime)
        finally:
            runtime.claims -= 1
        return WakeResult(team, caller, runtime.session_id, "awake", process.pid)

    async def launch(self, team: str, *, from_team: str | None = None) -> WakeResult:
        """Start waking the pair's process and return at once; readiness arrives as `process:spawned`."""
        self._team(team)
        caller = self._caller(from_team)
        runtime = await self._pair_runtime(caller, team, create=True)
        assert runtime is not None
        if runtime.process is not None and runtime.process.alive and not runtime.process.stopping:
            return WakeResult(team, caller, runtime.session_id, "already_awake", runtime.pid)
        self._check_room(runtime)
        runtime.claims += 1

        async def wake_in_background() -> None:
            try:
                await self._ensure_process(runtime)
            except IrisError as exc:
                log.warning("launch of %s for %s failed: %s", team, caller, exc.message, extra=_about(runtime))
            finally:
                runtime.claims -= 1

        self._spawn_task(wake_in_background())
        return WakeResult(team, caller, runtime.session_id, "waking", None)

    async def sleep(self, team: str, *, from_team: str | None = None, force: bool = False) -> SleepResult:
        """Put the pair's process to sleep; with `force`, cancel its running tell first."""
        self._team(team)
        caller = self._caller(from_team)
        runtime = await self._pair_runtime(caller, team, create=False)
        if runtime is None or runtime.process is None or not runtime.process.alive:
            return SleepResult(team, caller, runtime.session_id if runtime else None, "already_asleep")
        cancelled: uuid.UUID | None = None
        current = runtime.current
        if current is not None and not current.status.finished:
            if force:
                result = await self.cancel(team, from_team=caller)
                cancelled = result.request_id if result.cancelled else None
            else:
                await self._until_ended(current)
        async with runtime.spawn_lock:
            if runtime.process is None or not runtime.process.alive:
                return SleepResult(team, caller, runtime.session_id, "already_asleep", cancelled)
            await self._put_to_sleep(runtime, "sleep")
        return SleepResult(team, caller, runtime.session_id, "asleep", cancelled)

    async def wake_all(self, *, from_team: str | None = None, parallel: bool = False) -> WakeAllResult:
        """Wake every configured team for one caller, one after another or all at once."""
        caller = self._caller(from_team)

        async def one(team: str) -> WakeResult:
            try:
                return await self.wake(team, from_team=caller)
            except IrisError as exc:
                runtime = await self._pair_runtime(caller, team, create=True)
                assert runtime is not None
                return WakeResult(team, caller, runtime.session_id, "failed", None, exc.message, exc.name)

        teams = list(self.config.teams)
        if parallel:
            results = list(await asyncio.gather(*(one(team) for team in teams)))
        else:
            results = [await one(team) for team in teams]
        return WakeAllResult(
            caller,
            parallel,
            results,
            len(results),
            sum(r.status == "awake" for r in results),
            sum(r.status == "already_awake" for r in results),
            sum(r.status == "failed" for r in results),
        )

    # session operations

    async def reboot(self, team: str, *, from_team: str | None = None) -> RebootResult:
        """Delete the pair's session (process, records, transcript) and start a fresh one."""
        self._team(team)
        caller = self._caller(from_team)
        old: uuid.UUID | None = None
        runtime = await self._pair_runtime(caller, team, create=False)
        if runtime is not None:
            old = runtime.session_id
            await self._delete_runtime(runtime)
        fresh = await self._pair_runtime(caller, team, create=True)
        assert fresh is not None
        return RebootResult(team, caller, old, fresh.session_id)

    async def delete(
        self, team: str, *, from_team: str | None = None, session_id: uuid.UUID | None = None
    ) -> DeleteResult:
        """Put the process to sleep and delete the pair's session (or the named one), records and transcript."""
        self._team(team)
        caller = self._caller(from_team)
        runtime = await self._target(caller, team, session_id)
        transcript, tells = await self._delete_runtime(runtime)
        return DeleteResult(team, caller, runtime.session_id, transcript, tells)

    async def _delete_runtime(self, runtime: SessionRuntime) -> tuple[bool, int]:
        """Delete a session: its tells end (cancelled), its process sleeps, then its records and transcript go.
        Meanwhile it takes no new work (see `_pair_runtime`)."""
        deleting = runtime.deleting = asyncio.Event()
        try:
            result = await self._delete_session(runtime)
        except BaseException:
            runtime.deleting = None  # still there: usable again
            raise
        finally:
            deleting.set()
        return result

    async def _delete_session(self, runtime: SessionRuntime) -> tuple[bool, int]:
        """The body of `_delete_runtime`: whether a transcript was deleted, and how many tell records."""
        reason = "cancelled: the session was deleted"
        self._drop_queue(runtime, TellStatus.CANCELLED, reason)
        current = runtime.current
        if current is not None and not current.status.finished:
            current.cancel_requested = True
            current.end(TellStatus.CANCELLED, reason)
        async with runtime.spawn_lock:
            await self._put_to_sleep(runtime, "deleted")
        if runtime.worker is not None:
            with contextlib.suppress(Exception):
                await runtime.worker
        await self.recorded()
        records = await self.store.tells(runtime.session_id, limit=1_000_000)
        await self.store.delete_session(runtime.session_id)
        transcript = self._transcript(runtime.session_id, self.config.team(runtime.team))
        if transcript is not None:
            transcript.unlink(missing_ok=True)
            companion = transcript.with_suffix("")
            if companion.is_dir():
                shutil.rmtree(companion, ignore_errors=True)
        self._runtimes.pop(runtime.session_id, None)
        key = (runtime.from_team, runtime.team)
        if self._pairs.get(key) == runtime.session_id:
            del self._pairs[key]
        for request_id in [r for r, t in self._recent.items() if t.session_id == runtime.session_id]:
            del self._recent[request_id]
        self.events.forget(str(runtime.session_id))
        return transcript is not None, len(records)

    async def fork(self, team: str, *, from_team: str | None = None, session_id: uuid.UUID | None = None) -> ForkResult:
        """Branch a new session from the pair's session (or the named one); tell it by its `sessionId`."""
        team_config = self._team(team)
        caller = self._caller(from_team)
        runtime = await self._target(caller, team, session_id)
        if self._transcript(runtime.session_id, team_config) is None:
            raise SessionNotFoundError(
                f"Session {runtime.session_id} has no conversation yet to fork (tell it something first)",
                {"sessionId": str(runtime.session_id)},
            )
        record = await self._new_session(caller, team, primary=False, forked_from=runtime.session_id)
        self._runtime_for(record)
        command = (
            f"cd {shlex.quote(team_config.path)} && claude --resume {runtime.session_id} "
            f"--fork-session --session-id {record.id}"
        )
        return ForkResult(team, caller, record.id, runtime.session_id, command)

    # reading

    def _session_view(self, record: SessionRecord) -> SessionView:
        runtime = self._runtimes.get(record.id)
        if runtime is None:
            return SessionView.of(record, "stopped", None, 0)
        return SessionView.of(record, runtime.state, runtime.pid, len(runtime.queue))

    async def team_status(self, *, from_team: str | None = None, team: str | None = None) -> list[TeamStatus]:
        """Every team (or one) as seen by one caller."""
        caller = self._caller(from_team)
        names = [team] if team is not None else list(self.config.teams)
        if team is not None:
            self._team(team)
        statuses = []
        for name in names:
            runtime = await self._pair_runtime(caller, name, create=False)
            if runtime is None:
                statuses.append(TeamStatus(name, caller, False, "stopped", None, None, 0, 0, None, None, None))
                continue
            await self.recorded()
            record = await self.store.get_session(runtime.session_id)
            remaining = None
            awake = runtime.process is not None and runtime.process.alive
            if awake and not runtime.busy:
                idle_ms = (time.monotonic() - runtime.last_used) * 1000
                remaining = max(0, int(self.config.team_idle_timeout(name) - idle_ms))
            current = runtime.current
            statuses.append(
                TeamStatus(
                    name,
                    caller,
                    awake,
                    runtime.state,
                    runtime.pid,
                    runtime.session_id,
                    record.message_count if record else 0,
                    len(runtime.queue),
                    runtime.last_activity,
                    remaining,
                    current.request_id if current else None,
                )
            )
        return statuses

    async def list_teams(self, *, include_processes: bool = False) -> list[TeamInfo]:
        """The configured teams, optionally with their sessions' processes."""
        infos = []
        for name, team in self.config.teams.items():
            processes = None
            if include_processes:
                processes = [self._session_view(record) for record in await self.store.sessions(name)]
            infos.append(
                TeamInfo(name, team.path, team.description, team.color, team.grant_permission, team.model, processes)
            )
        return infos

    async def report(
        self, team: str, *, from_team: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> CachePage:
        """The pair's session cache: its tells, newest first, with their messages while kept."""
        self._team(team)
        caller = self._caller(from_team)
        runtime = await self._pair_runtime(caller, team, create=False)
        if runtime is None:
            raise SessionNotFoundError(f"No session for {caller} → {team}", {"team": team})
        return await self.read_cache(runtime.session_id, limit=limit, cursor=cursor)

    async def read_cache(self, session_id: uuid.UUID, *, limit: int = 50, cursor: str | None = None) -> CachePage:
        """A page of a session's tells, newest first."""
        if not 1 <= limit <= 500:
            raise ValidationError("limit must be 1 to 500", {"field": "limit"})
        await self.recorded()
        record = await self.store.get_session(session_id)
        if record is None:
            raise SessionNotFoundError(f"No session {session_id}", {"sessionId": str(session_id)})
        before = _parse_cursor(cursor) if cursor else None
        rows = await self.store.tells(session_id, limit=limit + 1, before=before)
        more = len(rows) > limit
        rows = rows[:limit]
        views = []
        for row in rows:
            live = self._recent.get(row.id)
            views.append(TellView.of(live, with_messages=True) if live else TellView.from_record(row))
        next_cursor = _cursor(rows[-1].queued_at, rows[-1].id) if more and rows else None
        return CachePage(self._session_view(record), views, next_cursor)

    async def clear_cache(self, session_id: uuid.UUID) -> int:
        """Delete a session's finished tell records (not the conversation); returns how many."""
        await self.recorded()
        record = await self.store.get_session(session_id)
        if record is None:
            raise SessionNotFoundError(f"No session {session_id}", {"sessionId": str(session_id)})
        count = await self.store.clear_tells(session_id)
        for request_id in [r for r, t in self._recent.items() if t.session_id == session_id and t.done.is_set()]:
            del self._recent[request_id]
        return count

    def query_logs(
        self, *, since: datetime.datetime | None = None, level: str | None = None, limit: int = 100
    ) -> list[LogEntry]:
        """Recent log records, newest first."""
        if level is not None and level.upper() not in logging.getLevelNamesMapping():
            raise ValidationError("level must be debug, info, warning, error or critical", {"field": "level"})
        if not 1 <= limit <= 1000:
            raise ValidationError("limit must be 1 to 1000", {"field": "limit"})
        return self.logs.query(since=since, level=level, limit=limit)

    @staticmethod
    def date() -> dict[str, Any]:
        """The current time in several formats (UTC)."""
        now = utcnow()
        return {
            "iso": now.isoformat().replace("+00:00", "Z"),
            "unixMs": int(now.timestamp() * 1000),
            "unix": int(now.timestamp()),
            "rfc2822": email.utils.format_datetime(now),
            "date": now.date().isoformat(),
            "time": now.time().replace(microsecond=0).isoformat(),
            "weekday": now.strftime("%A"),
            "timezone": "UTC",
        }

    async def system_status(self) -> SystemStatus:
        """The engine as a whole."""
        states = self._process_states()
        return SystemStatus(
            version=__version__,
            started_at=self.started_at,
            uptime_ms=int((time.monotonic() - self._started) * 1000),
            teams=len(self.config.teams),
            sessions=len(await self.store.sessions()),
            processes=states,
            total_processes=sum(states.values()),
            max_processes=self.config.settings.max_processes,
            running_tells=sum(1 for r in self._runtimes.values() if r.current is not None),
            queued_tells=sum(len(r.queue) for r in self._runtimes.values()),
            pending_permissions=len(self.permissions.pending),
            config_path=self.config.source,
        )

    def pending_permissions(self, team: str | None = None) -> list[PendingPermission]:
        """Tool uses waiting for a decision."""
        return [p for p in self.permissions.pending.values() if team is None or p.team == team]

    def decide_permission(self, permission_id: str, approve: bool, reason: str | None = None) -> PendingPermission:
        """Approve or deny a pending tool use."""
        return self.permissions.decide(permission_id, approve, reason)

    def live_sessions(self) -> Iterable[SessionRuntime]:
        """Sessions known to this server since it started."""
        return self._runtimes.values()


def _tell_event(view: TellView) -> dict[str, Any]:
    return {
        "requestId": str(view.request_id),
        "status": view.status,
        "response": view.response,
        "reason": view.reason,
        "isError": view.is_error,
        "durationMs": view.duration_ms,
        "costUsd": view.cost_usd,
    }

"""The engine's public operations on teams, sessions, processes and tells, with no transport in sight."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import logging
import time
import uuid
from collections.abc import Callable, Iterable

from app.clock import utcnow
from app.config import IrisConfig, iris_home
from app.db.outbox import Outbox
from app.db.store import Store
from app.engine import budgets, restart
from app.engine.budgets import Budget, team_budget
from app.engine.checks import (
    allowed_command,
    check_command,
    check_message,
    check_options,
    check_timeout,
    known_caller,
    known_team,
)
from app.engine.credentials import teams_without_credentials
from app.engine.events import EventHub
from app.engine.instance import InstanceLock
from app.engine.logs import LogBuffer, LogEntry
from app.engine.permissions import PendingPermission, PermissionBroker
from app.engine.pool import Pool
from app.engine.process import ToolProvider, become_subreaper
from app.engine.publish import Publisher
from app.engine.reads import Reads
from app.engine.runner import Runner
from app.engine.sessions import SessionRuntime, Sessions
from app.engine.tasks import Background
from app.engine.tells import Failure, FailureKind, TellOptions, TellStatus, check_chain, team_removed
from app.engine.transcripts import delete_transcript, find_transcript
from app.engine.views import (
    CachePage,
    CancelResult,
    DeleteResult,
    ForkResult,
    RebootResult,
    SleepResult,
    SystemStatus,
    TeamInfo,
    TeamSessions,
    TeamStatus,
    TellView,
    WakeAllResult,
    WakeResult,
)
from app.engine.webhooks import TellFacts, Webhooks
from app.engine.worktrees import WorktreeCleanup, Worktrees
from app.errors import IrisError, RequestNotFoundError, SessionNotFoundError

__all__ = ["Engine"]

log = logging.getLogger("iris.engine")

DROPPED = Failure.of(FailureKind.CANCELLED, "dropped from the queue")
DELETED = Failure.of(FailureKind.CANCELLED, "the session was deleted")


class Engine:
    """Iris's engine: every operation on a caller → team pair, over a pool of Claude Code processes."""

    def __init__(self, config: IrisConfig, *, store: Store | None = None) -> None:
        self.config = config
        self.store = store or Store(config.database_url)
        self.events = EventHub(config.settings.events_retained)
        self.permissions = PermissionBroker(self.events)
        self.logs = LogBuffer(config.settings.log_buffer_size)
        self.started_at = utcnow()
        self._ticker: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._shutdown: asyncio.Task[None] | None = None
        self._lock = InstanceLock.of(self.store.url)
        self._background = Background()
        self._sessions = Sessions(self.store)
        self._publish = Publisher(self.events)
        self.worktrees = Worktrees(iris_home().absolute())
        parts = (self.permissions, self._publish, self._background, self._stopping)
        self._pool = Pool(lambda: self.config, self.store, self._sessions, *parts, worktrees=self.worktrees)
        self._runner = Runner(lambda: self.config, self.store, self._pool, *parts)
        self._recent = self._runner.recent
        self.webhooks = Webhooks(lambda: self.config, Outbox(self.store), self._tell_facts)
        self.events.sinks.append(self.webhooks.sink)
        self._reads = Reads(
            lambda: self.config,
            self.store,
            self._sessions,
            self._pool,
            self._runner,
            self.permissions,
            self.logs,
            self.started_at,
            worktrees=self.worktrees,
        )

    @property
    def tool_provider(self) -> ToolProvider | None:
        """Iris's own tools for every team's Claude Code (MCP server `iris`), set at startup by whoever serves them;
        processes started from then on get them (teams with `irisTools: false` none)."""
        return self._pool.tool_provider

    @tool_provider.setter
    def tool_provider(self, provider: ToolProvider | None) -> None:
        self._pool.tool_provider = provider

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
            await restart.stop_leftovers(self.store)
            await self.webhooks.start()
            await restart.resume_queued(self.config, self.store, self._sessions, self._runner)
        except BaseException:
            iris_log.removeHandler(self.logs)
            await self.webhooks.stop(grace=0)
            await self.store.close()
            if self._lock is not None:
                self._lock.release()
            raise
        health = self._pool.tick(lambda: self._publish.health(self._reads.health()))
        self._ticker = asyncio.create_task(health, name="iris-ticker")
        log.info("engine started with %d teams", len(self.config.teams))
        missing = teams_without_credentials(self.config)
        if missing:
            log.warning(
                "no model credentials for %s %s: their tells will fail until ANTHROPIC_API_KEY is set (in the "
                "server's environment or a team's env) or Claude Code is logged in; ./dev demo runs the example "
                "teams on a local model stand-in",
                "team" if len(missing) == 1 else "teams",
                ", ".join(missing),
            )

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
            if self._ticker is not None:
                self._ticker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._ticker
            kept = await restart.stop_sessions(self._sessions, self._pool)
            await self.settled()
            await self.webhooks.stop()
            await self.store.close()
            logging.getLogger("iris").removeHandler(self.logs)
            log.info("engine stopped; %d queued tells kept for the next start", len(kept))
        finally:
            if self._lock is not None:
                self._lock.release()

    def apply_config(self, config: IrisConfig) -> None:
        """Switch to a reloaded config: new limits, timeouts and teams apply from now on."""
        removed = set(self.config.teams) - set(config.teams)
        self.config = config
        self.events.retained_per_session = config.settings.events_retained
        self.logs.resize(config.settings.log_buffer_size)
        for runtime in list(self._sessions.live()):
            if runtime.team in removed:
                self._runner.retire(runtime, team_removed(runtime.team))
        log.info("config reloaded: %d teams, maxProcesses %d", len(config.teams), config.settings.max_processes)

    async def recorded(self) -> None:
        """Wait until every ended tell is in the store (reads of the store call this first)."""
        await self._runner.recorded()

    async def settled(self) -> None:
        """Wait until everything in the background (records, launches, sleeps) has finished."""
        await self._background.settled()

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
        parent_request_id: uuid.UUID | None = None,
        callback: uuid.UUID | None = None,
        options: TellOptions | None = None,
        key_budget: Budget | None = None,
        key_id: str | None = None,
    ) -> TellView:
        """Deliver a message to the pair's session (or a fork of it) and wait per `timeout`.

        The text reaches the model as written. With `command` it is run as the Claude Code command it names,
        which must be on `settings.allowedSlashCommands` (the caller has checked that its key may).

        `parent_request_id` names the tell whose Claude Code makes this one (through Iris's tools): the tell joins
        that tell's chain, is refused with TellCycleError when its session already waits in the chain or the chain
        would be deeper than `settings.maxTellDepth`, and is cancelled when its parent is.

        `callback` names a webhook endpoint (`Webhooks.callback`) that gets the tell's events it subscribed to.

        `options` are the tell's own (model, start-only options: a process started with others is restarted with
        `--resume` first). The tell counts against its team's budget and `key_budget` (the calling key's, whose
        public id is `key_id`): one already spent refuses it (BudgetExceededError), and Claude Code is stopped at
        what is left of them.
        """
        if command:
            check_command(self.config, message)
        return await self._tell(
            to_team,
            message,
            from_team=from_team,
            timeout=timeout,
            session_id=session_id,
            command=command,
            parent_request_id=parent_request_id,
            callback=callback,
            options=options,
            key_budget=key_budget,
            key_id=key_id,
        )

    def allowed_command(self, message: str) -> str | None:
        """The command on `settings.allowedSlashCommands` that `message` names, or None (it is only text)."""
        return allowed_command(self.config, message)

    async def _tell(
        self,
        to_team: str,
        message: str,
        *,
        from_team: str | None,
        timeout: int,
        session_id: uuid.UUID | None,
        command: bool,
        parent_request_id: uuid.UUID | None = None,
        callback: uuid.UUID | None = None,
        options: TellOptions | None = None,
        key_budget: Budget | None = None,
        key_id: str | None = None,
    ) -> TellView:
        """Check a tell, queue it on its session and wait for it per `timeout`."""
        known_team(self.config, to_team, "toTeam")
        caller = known_caller(self.config, from_team)
        check_message(message)
        check_timeout(timeout)
        if options is not None:
            check_options(options)
        team_limit = team_budget(self.config, to_team)
        charged = tuple(budget for budget in (key_budget, team_limit) if budget is not None)
        if charged:
            await self._runner.recorded()  # what the tells that have ended cost counts
            await budgets.check(self.store, charged)
        chain = await self._runner.chain_under(parent_request_id)
        if session_id is not None:
            runtime: SessionRuntime | None = await self._sessions.by_id(session_id, to_team)
        else:  # a tell of a chain is checked before its session is made
            runtime = await self._sessions.of_pair(caller, to_team, create=not chain)
        check_chain(
            chain, runtime.session_id if runtime else None, caller, to_team, self.config.settings.max_tell_depth
        )
        if runtime is None:
            runtime = await self._sessions.of_pair(caller, to_team, create=True)
        assert runtime is not None
        tell = self._runner.accept(
            runtime,
            message,
            command=command,
            parent_request_id=parent_request_id,
            chain=chain,
            callback=callback,
            options=options,
            charged=charged,
            key_id=key_id,
        )
        if tell.persisted is not None:
            await asyncio.shield(tell.persisted)
        return await self._runner.wait(tell, timeout)

    async def compact(
        self,
        team: str,
        *,
        from_team: str | None = None,
        timeout: int = 0,
        session_id: uuid.UUID | None = None,
        key_budget: Budget | None = None,
        key_id: str | None = None,
    ) -> TellView:
        """Send Claude Code's `/compact` to the pair's session (or the named one) as a tell (counted against the
        budgets as any tell)."""
        return await self._tell(
            team,
            "/compact",
            from_team=from_team,
            timeout=timeout,
            session_id=session_id,
            command=True,
            key_budget=key_budget,
            key_id=key_id,
        )

    async def _tell_facts(self, request_id: uuid.UUID) -> TellFacts | None:
        """A tell's pair and callback endpoint, for its webhook events (live, else from the store)."""
        tell = self._runner.recent.get(request_id)
        if tell is not None:
            return TellFacts(tell.team, tell.from_team, tell.callback)
        record = await self.store.get_tell(request_id)
        if record is None:
            return None
        return TellFacts(record.team, record.from_team, record.callback_webhook_id)

    async def wait_for(self, request_id: uuid.UUID, timeout: float | None = None) -> TellView:
        """Wait for a tell to end (at most `timeout` seconds; a queued one only until the server stops), then
        return it."""
        tell = self._runner.recent.get(request_id)
        if tell is not None:
            async with asyncio.timeout(timeout):
                await self._runner.until_ended(tell)
        return await self.get_request(request_id)

    async def get_request(self, request_id: uuid.UUID) -> TellView:
        """One tell by request id: live while it runs, from the store after."""
        tell = self._runner.recent.get(request_id)
        if tell is not None:
            return TellView.of(tell, with_messages=True)
        record = await self.store.get_tell(request_id)
        if record is None:
            raise RequestNotFoundError(f"No tell with request id {request_id}", {"requestId": str(request_id)})
        return TellView.from_record(record)

    async def cancel(
        self,
        team: str,
        *,
        from_team: str | None = None,
        drop_queued: bool = False,
        session_id: uuid.UUID | None = None,
    ) -> CancelResult:
        """Interrupt the running tell of the pair's session (or the named one); optionally drop its queue."""
        known_team(self.config, team)
        caller = known_caller(self.config, from_team)
        runtime = await self._sessions.target(caller, team, session_id)
        dropped = 0
        if drop_queued:
            dropped = self._runner.drop_queue(runtime, TellStatus.CANCELLED, DROPPED)
        tell = await self._runner.cancel(runtime)
        if tell is None:
            return CancelResult(team, caller, runtime.session_id, False, None, None, dropped, "nothing was running")
        cancelled = tell.status is TellStatus.CANCELLED
        message = "the running tell was cancelled" if cancelled else f"the tell had already ended ({tell.status})"
        return CancelResult(
            team, caller, runtime.session_id, cancelled, tell.request_id, str(tell.status), dropped, message
        )

    # process operations

    async def wake(self, team: str, *, from_team: str | None = None) -> WakeResult:
        """Make sure the pair's process is ready, starting it if needed (no model turn)."""
        known_team(self.config, team)
        caller = known_caller(self.config, from_team)
        runtime = await self._sessions.of_pair(caller, team, create=True)
        assert runtime is not None
        if runtime.awake:
            runtime.last_used = time.monotonic()
            return WakeResult(team, caller, runtime.session_id, "already_awake", runtime.pid, state=runtime.state)
        process = await self._pool.wake(runtime)
        return WakeResult(team, caller, runtime.session_id, "awake", process.pid, state=runtime.state)

    async def launch(self, team: str, *, from_team: str | None = None) -> WakeResult:
        """Start waking the pair's process and return at once; readiness arrives as `process:spawned`."""
        known_team(self.config, team)
        caller = known_caller(self.config, from_team)
        runtime = await self._sessions.of_pair(caller, team, create=True)
        assert runtime is not None
        if runtime.awake:
            return WakeResult(team, caller, runtime.session_id, "already_awake", runtime.pid)
        self._pool.launch(runtime)
        return WakeResult(team, caller, runtime.session_id, "waking", None)

    async def sleep(self, team: str, *, from_team: str | None = None, force: bool = False) -> SleepResult:
        """Put the pair's process to sleep (its pid is in the result); with `force`, cancel its running tell first."""
        known_team(self.config, team)
        caller = known_caller(self.config, from_team)
        runtime = await self._sessions.of_pair(caller, team, create=False)
        if runtime is None or runtime.process is None or not runtime.process.alive:
            return SleepResult(team, caller, runtime.session_id if runtime else None, "already_asleep")
        cancelled: uuid.UUID | None = None
        current = runtime.current
        if current is not None and not current.status.finished:
            if force:
                result = await self.cancel(team, from_team=caller)
                cancelled = result.request_id if result.cancelled else None
            else:
                await self._runner.until_ended(current)
        stopped = await self._pool.sleep_if_awake(runtime, "sleep")
        if stopped is None:
            return SleepResult(team, caller, runtime.session_id, "already_asleep", cancelled)
        return SleepResult(team, caller, runtime.session_id, "asleep", cancelled, stopped.pid)

    async def wake_all(self, *, from_team: str | None = None, parallel: bool = False) -> WakeAllResult:
        """Wake every configured team for one caller, one after another or all at once."""
        caller = known_caller(self.config, from_team)

        async def one(team: str) -> WakeResult:
            """Wake one team; a failure is a result, not an error."""
            try:
                return await self.wake(team, from_team=caller)
            except IrisError as exc:
                runtime = await self._sessions.of_pair(caller, team, create=True)
                assert runtime is not None
                return WakeResult(team, caller, runtime.session_id, "failed", None, exc.message, exc.name)

        teams = list(self.config.teams)
        if parallel:
            results = list(await asyncio.gather(*(one(team) for team in teams)))
        else:
            results = [await one(team) for team in teams]
        return WakeAllResult.of(caller, parallel, results)

    # session operations

    async def reboot(self, team: str, *, from_team: str | None = None) -> RebootResult:
        """Delete the pair's session (process, records, transcript) and start a fresh one."""
        known_team(self.config, team)
        caller = known_caller(self.config, from_team)
        old: uuid.UUID | None = None
        worktree: WorktreeCleanup | None = None
        runtime = await self._sessions.of_pair(caller, team, create=False)
        if runtime is not None:
            old = runtime.session_id
            _transcript, _tells, worktree = await self._delete(runtime)
        fresh = await self._sessions.of_pair(caller, team, create=True)
        assert fresh is not None
        return RebootResult(team, caller, old, fresh.session_id, worktree)

    async def delete(
        self, team: str, *, from_team: str | None = None, session_id: uuid.UUID | None = None
    ) -> DeleteResult:
        """Put the process to sleep and delete the pair's session (or the named one), records and transcript."""
        known_team(self.config, team)
        caller = known_caller(self.config, from_team)
        runtime = await self._sessions.target(caller, team, session_id)
        transcript, tells, worktree = await self._delete(runtime)
        return DeleteResult(team, caller, runtime.session_id, transcript, tells, worktree)

    async def _delete(self, runtime: SessionRuntime) -> tuple[bool, int, WorktreeCleanup | None]:
        """Delete a session: its tells end (cancelled), its process sleeps, then its records, transcript and worktree
        go (a worktree only when nothing in it would be lost). Meanwhile it takes no new work (see
        `Sessions.of_pair`). Returns whether a transcript was deleted, how many tell records, and what became of its
        worktree."""
        deleting = runtime.deleting = asyncio.Event()
        try:
            await self._runner.end_session(runtime, DELETED)
            records = await self.store.tells(runtime.session_id, limit=1_000_000)
            await self.store.delete_session(runtime.session_id)
            transcript = delete_transcript(runtime.session_id, self.config.team(runtime.team))
            worktree = await self.worktrees.remove(runtime.team, self.config.team(runtime.team), runtime.session_id)
            self._sessions.forget(runtime)
            self._runner.forget(runtime.session_id)
            self.events.forget(str(runtime.session_id))
        except BaseException:
            runtime.deleting = None  # still there: usable again
            raise
        finally:
            deleting.set()
        return transcript, len(records), worktree

    async def fork(self, team: str, *, from_team: str | None = None, session_id: uuid.UUID | None = None) -> ForkResult:
        """Branch a new session from the pair's session (or the named one); tell it by its `sessionId`."""
        team_config = known_team(self.config, team)
        caller = known_caller(self.config, from_team)
        runtime = await self._sessions.target(caller, team, session_id)
        if find_transcript(runtime.session_id, team_config) is None:
            raise SessionNotFoundError(
                f"Session {runtime.session_id} has no conversation yet to fork (tell it something first)",
                {"sessionId": str(runtime.session_id)},
            )
        record = await self._sessions.create(caller, team, primary=False, forked_from=runtime.session_id)
        folder = team_config.path
        if team_config.isolation == "worktree":
            try:  # the fork's branch starts where its parent's branch is now
                folder = str(await self.worktrees.ensure(team, team_config, record.id, parent=runtime.session_id))
            except BaseException:
                await self.store.delete_session(record.id)
                raise
        self._sessions.runtime_for(record)
        return ForkResult(team, caller, record.id, runtime.session_id, folder)

    # reading

    async def team_status(self, *, from_team: str | None = None, team: str | None = None) -> list[TeamStatus]:
        """Every team (or one) as seen by one caller."""
        caller = known_caller(self.config, from_team)
        names = [team] if team is not None else list(self.config.teams)
        if team is not None:
            known_team(self.config, team)
        return await self._reads.team_status(caller, names)

    async def list_teams(self, *, include_processes: bool = False) -> list[TeamInfo]:
        """The configured teams, optionally with their sessions' processes (and each one's idle time left), read
        from the store at once."""
        return await self._reads.list_teams(include_processes)

    async def team_sessions(
        self, teams: list[str], *, admits: Callable[[str], bool], limit: int = 100
    ) -> dict[str, TeamSessions]:
        """These teams' stored sessions, asleep ones too, of the callers `admits` passes (at most `limit` a team),
        with their tell counts, costs and event positions, read from the store at once."""
        return await self._reads.team_sessions(teams, admits, limit, self.events.last_seq)

    async def report(
        self, team: str, *, from_team: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> CachePage:
        """The pair's session cache: its tells, newest first, with their messages while kept."""
        known_team(self.config, team)
        caller = known_caller(self.config, from_team)
        runtime = await self._sessions.target(caller, team, None)
        return await self.read_cache(runtime.session_id, limit=limit, cursor=cursor)

    async def read_cache(self, session_id: uuid.UUID, *, limit: int = 50, cursor: str | None = None) -> CachePage:
        """A page of a session's tells, newest first."""
        return await self._reads.read_cache(session_id, limit, cursor)

    async def clear_cache(self, session_id: uuid.UUID) -> int:
        """Delete a session's finished tell records (not the conversation); returns how many."""
        return await self._reads.clear_cache(session_id)

    def query_logs(
        self, *, since: datetime.datetime | None = None, level: str | None = None, limit: int = 100
    ) -> list[LogEntry]:
        """Recent log records, newest first."""
        return self._reads.query_logs(since, level, limit)

    async def system_status(self, *, pairs: Callable[[str, str | None], bool] | None = None) -> SystemStatus:
        """The engine as a whole; with `pairs`, its counts cover only the caller → team pairs it admits (called
        with no caller for a team), its pool's fullness still the whole pool's."""
        return await self._reads.system_status(pairs)

    def pending_permissions(self, team: str | None = None) -> list[PendingPermission]:
        """Tool uses waiting for a decision."""
        return [p for p in self.permissions.pending.values() if team is None or p.team == team]

    def decide_permission(self, permission_id: str, approve: bool, reason: str | None = None) -> PendingPermission:
        """Approve or deny a pending tool use."""
        return self.permissions.decide(permission_id, approve, reason)

    def live_sessions(self) -> Iterable[SessionRuntime]:
        """Sessions known to this server since it started."""
        return self._sessions.live()

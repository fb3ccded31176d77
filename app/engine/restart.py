"""Across a restart: stop what the last run left and resume its queued tells; at shutdown, keep the queued ones."""

from __future__ import annotations

import asyncio
import logging

from app.clock import utcnow
from app.config import IrisConfig
from app.db.models import TellRecord
from app.db.store import Store
from app.engine.budgets import Budget, team_budget
from app.engine.pool import Pool
from app.engine.process import kill_processes, leftovers
from app.engine.runner import Runner
from app.engine.sessions import SessionRuntime, Sessions
from app.engine.tells import Failure, FailureKind, Tell, TellOptions, TellStatus, stored_chain, team_removed

log = logging.getLogger("iris.engine")

SERVER_RESTART = Failure.of(FailureKind.SERVER_RESTART, "the server stopped during the tell")
"""The failure of a tell found running at the start (its server stopped during it)."""
SHUTDOWN = Failure.of(FailureKind.SHUTDOWN, "the server stopped during the tell")
ORPHANED = Failure.of(FailureKind.CANCELLED, "its parent tell ended when the server stopped")
"""The failure of a queued tell made from inside a tell, found at the start: nothing waits on it any more."""


async def stop_leftovers(store: Store) -> None:
    """Stop the Claude Code processes a previous run recorded and did not see end, and every tool of theirs."""
    records = await store.processes()
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
    await store.clear_processes([r.id for r in records])


async def resume_queued(config: IrisConfig, store: Store, sessions: Sessions, runner: Runner) -> None:
    """End the tells that were running when the server last stopped, and queue again those that were waiting."""
    now = utcnow()
    crashed, waiting = await store.recover_after_restart(
        now, reason=SERVER_RESTART.detail, failure_kind=str(SERVER_RESTART.kind)
    )
    if crashed:
        log.warning("%d tells were running when the server last stopped: failed (server_restart)", crashed)
    resumed: list[SessionRuntime] = []
    for record in waiting:
        tell = _resumed_tell(record, config.settings.cache_messages_per_tell, team_budget(config, record.team))
        runner.remember(tell)
        if config.team(record.team) is None:
            runner.end(tell, TellStatus.FAILED, team_removed(record.team))
            continue
        if tell.parent_request_id is not None:
            runner.end(tell, TellStatus.CANCELLED, ORPHANED)
            continue
        runtime = sessions.runtimes.get(record.session_id)
        if runtime is None:
            session = await store.get_session(record.session_id)
            if session is None:
                continue
            runtime = sessions.runtime_for(session)
        runtime.queue.append(tell)
        if runtime not in resumed:
            resumed.append(runtime)
    for runtime in resumed:
        runner.start_worker(runtime)
    if resumed:
        log.info(
            "resumed %d queued tells on %d sessions",
            sum(len(r.queue) for r in resumed),
            len(resumed),
        )


def _resumed_tell(record: TellRecord, message_limit: int, budget: Budget | None = None) -> Tell:
    """A live tell again from the record of one that was queued when the server stopped, with its own options,
    counted against its team's `budget` (its key's budget is not known here: its spend is still the key's)."""
    return Tell(
        record.session_id,
        record.from_team,
        record.team,
        record.message,
        request_id=record.id,
        queued_at=record.queued_at,
        message_limit=message_limit,
        command=record.command,
        parent_request_id=record.parent_request_id,
        chain=stored_chain(record.chain),
        callback=record.callback_webhook_id,
        options=TellOptions.from_stored(record.options),
        budgets=(budget,) if budget is not None else (),
        key_id=record.key_id,
    )


async def stop_sessions(sessions: Sessions, pool: Pool) -> list[Tell]:
    """End the running tells (`shutdown`), put every process to sleep and let the workers finish; returns the
    queued tells, kept (in the store) for the next start."""
    for runtime in sessions.live():
        current = runtime.current
        if current is not None and current.status is TellStatus.RUNNING:
            current.end(TellStatus.CANCELLED, SHUTDOWN)
    await asyncio.gather(
        *(pool.sleep_now(runtime, "shutdown") for runtime in list(sessions.live())),
        return_exceptions=True,
    )
    workers = [runtime.worker for runtime in sessions.live() if runtime.worker is not None]
    await asyncio.gather(*workers, return_exceptions=True)
    kept = [tell for runtime in sessions.live() for tell in runtime.queue]
    await asyncio.gather(*(t.persisted for t in kept if t.persisted is not None), return_exceptions=True)
    return kept

"""Running tells: each session's worker, the stall watchdog, cancel, and the one way a tell ends and is recorded."""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from app.clock import utcnow
from app.config import IrisConfig
from app.db.models import SpendRecord
from app.db.store import Store
from app.engine import budgets
from app.engine.logs import about
from app.engine.messages import Chunk, Said
from app.engine.permissions import PermissionBroker
from app.engine.pool import Pool
from app.engine.process import ClaudeProcess, Exited
from app.engine.publish import Publisher
from app.engine.sessions import SessionRuntime
from app.engine.tasks import Background
from app.engine.tells import (
    Chain,
    Failure,
    FailureKind,
    Launch,
    Link,
    Tell,
    TellOptions,
    TellStatus,
    stored_chain,
    team_removed,
)
from app.engine.views import TellView
from app.errors import IrisError, SessionQueueFullError

log = logging.getLogger("iris.engine")

RECENT_TELLS = 512
"""Ended tells kept live (with their messages) for reads, besides every tell not yet ended."""
NOT_STARTED = Failure.of(FailureKind.CANCELLED, "before it started")
"""A tell cancelled before Claude Code saw it."""


class Runner:
    """The tells of this server: accepted, run one at a time per session, cancelled, ended and recorded."""

    def __init__(
        self,
        config: Callable[[], IrisConfig],
        store: Store,
        pool: Pool,
        permissions: PermissionBroker,
        publish: Publisher,
        background: Background,
        stopping: asyncio.Event,
    ) -> None:
        self._config = config
        self._store = store
        self._pool = pool
        self._permissions = permissions
        self._publish = publish
        self._background = background
        self._stopping = stopping
        self.recent: OrderedDict[uuid.UUID, Tell] = OrderedDict()
        """Live tells by request id: every one not yet ended, and the latest ended ones."""
        self._recording: set[asyncio.Task[Any]] = set()
        self.ended = 0
        """How many tells have ended on this server (a read that saw it unchanged saw every end recorded)."""
        self._children: dict[uuid.UUID, list[Tell]] = {}
        """The unfinished tells made from inside each tell (through Iris's tools), by the parent's request id."""
        self._reached: set[tuple[str, str, Any]] = set()
        """The budgets (kind, name, period start) whose `budget:reached` this server has published."""

    # accepting and waiting

    async def chain_under(self, parent_request_id: uuid.UUID | None) -> Chain:
        """The chain a tell made from inside the tell `parent_request_id` waits under: the parent's own chain, then
        the parent (read from the store when it is no longer live; empty when it is unknown)."""
        if parent_request_id is None:
            return ()
        parent = self.recent.get(parent_request_id)
        if parent is not None:
            return (*parent.chain, parent.link)
        record = await self._store.get_tell(parent_request_id)
        if record is None:
            return ()
        return (*stored_chain(record.chain), Link(record.id, record.session_id, record.from_team, record.team))

    def accept(
        self,
        runtime: SessionRuntime,
        message: str,
        *,
        command: bool,
        parent_request_id: uuid.UUID | None = None,
        chain: Chain = (),
        callback: uuid.UUID | None = None,
        options: TellOptions | None = None,
        charged: tuple[budgets.Budget, ...] = (),
        key_id: str | None = None,
    ) -> Tell:
        """Queue a tell on the session (SessionQueueFullError, or the pool's 503, before it is accepted), store it
        in the background and make sure the session's worker runs. A tell made from inside a tell names its
        parent and chain (checked by the caller): it is cancelled when its parent is."""
        limit = self._config().settings.max_queued_tells
        if runtime.busy and len(runtime.queue) >= limit:
            raise SessionQueueFullError(
                f"Session {runtime.session_id} already has {len(runtime.queue)} tells waiting (limit {limit})",
                {"sessionId": str(runtime.session_id), "maxQueuedTells": limit},
            )
        self._pool.admit(runtime)  # from here to the queue's append: no await (the tell holds its admission)
        tell = Tell(
            runtime.session_id,
            runtime.from_team,
            runtime.team,
            message,
            message_limit=self._config().settings.cache_messages_per_tell,
            command=command,
            parent_request_id=parent_request_id,
            chain=chain,
            callback=callback,
            options=options or TellOptions(),
            budgets=charged,
            key_id=key_id,
        )
        tell.persisted = asyncio.create_task(self._store.add_tell(tell.row()))
        self.remember(tell)
        parent = self.recent.get(parent_request_id) if parent_request_id is not None else None
        if parent is not None and not parent.done.is_set():  # an ended parent waits on nothing
            self._children.setdefault(parent.request_id, []).append(tell)
        runtime.queue.append(tell)
        self._publish.tell_queued(tell, len(runtime.queue))
        self.start_worker(runtime)
        return tell

    def start_worker(self, runtime: SessionRuntime) -> None:
        """Start the session's worker unless it runs already."""
        if runtime.worker is None:
            runtime.worker = asyncio.create_task(self._work(runtime), name=f"session-{runtime.session_id}")

    def remember(self, tell: Tell) -> None:
        """Keep a tell live for reads (the oldest ended ones beyond `RECENT_TELLS` are let go)."""
        self.recent[tell.request_id] = tell
        while len(self.recent) > RECENT_TELLS:
            oldest_id, oldest = next(iter(self.recent.items()))
            if not oldest.done.is_set():
                self.recent.move_to_end(oldest_id)
                break
            self.recent.popitem(last=False)

    def forget(self, session_id: uuid.UUID, *, ended_only: bool = False) -> None:
        """Let go of a session's live tells (with `ended_only`, only those that have ended)."""
        for request_id in [
            r for r, t in self.recent.items() if t.session_id == session_id and (not ended_only or t.done.is_set())
        ]:
            del self.recent[request_id]

    async def wait(self, tell: Tell, timeout: int) -> TellView:
        """The tell after the caller's wait: `0` to its end, `N` ms at most, `-1` not at all."""
        if timeout == 0:
            await self.until_ended(tell)
        elif timeout > 0:
            with contextlib.suppress(builtins.TimeoutError):
                async with asyncio.timeout(timeout / 1000):
                    await self.until_ended(tell)
        return TellView.of(tell)

    async def until_ended(self, tell: Tell) -> None:
        """Wait until a tell has ended, or until the server stops with it still queued (it runs after the
        restart): nobody waits on a stopped server."""
        if tell.done.is_set():
            return
        if not self._stopping.is_set():
            ended = asyncio.ensure_future(tell.done.wait())
            stopping = asyncio.ensure_future(self._stopping.wait())
            try:
                await asyncio.wait({ended, stopping}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                ended.cancel()
                stopping.cancel()
        if tell.status is not TellStatus.QUEUED:  # running: the shutdown ends it
            await tell.done.wait()

    # running

    async def _work(self, runtime: SessionRuntime) -> None:
        """Run the session's queued tells one at a time, in order."""
        try:
            while runtime.queue and not self._stopping.is_set():
                tell = runtime.queue.popleft()
                runtime.current = tell
                try:
                    if not tell.status.finished:
                        await self._run(runtime, tell)
                except Exception as exc:
                    log.exception("tell %s failed inside Iris", tell.request_id, extra=about(tell))
                    tell.end(TellStatus.FAILED, Failure.of(FailureKind.INTERNAL_ERROR, type(exc).__name__))
                finally:
                    runtime.current = None
                    runtime.last_used = time.monotonic()
                    if self._stopping.is_set() and tell.status is TellStatus.QUEUED:
                        runtime.queue.appendleft(tell)  # it never started: it runs after the restart
                    else:
                        self.finish(tell, runtime)
        finally:
            runtime.worker = None

    async def _run(self, runtime: SessionRuntime, tell: Tell) -> None:
        """Run one tell: get the session's process, send the message, read until its result (or its end)."""
        launch = await self._launch_for(tell)
        if launch is None:
            return
        try:
            await self._restart_for(runtime, tell, launch)
            process = await self._pool.ensure_process(runtime, launch)
        except IrisError as exc:
            if tell.cancel_requested:
                tell.end(TellStatus.CANCELLED, NOT_STARTED)
            elif self._stopping.is_set():
                return  # the server is stopping: the tell stays queued
            elif self._config().team(runtime.team) is None:
                tell.end(TellStatus.FAILED, team_removed(runtime.team))
            else:
                tell.end(TellStatus.FAILED, Failure.not_started(exc))
            return
        if tell.cancel_requested:
            tell.end(TellStatus.CANCELLED, NOT_STARTED)
            return
        while not process.messages.empty():  # anything left over from an interrupted turn
            leftover = process.messages.get_nowait()
            if isinstance(leftover, Exited):
                process.messages.put_nowait(leftover)
                break
        if self._stopping.is_set():
            return  # the server is stopping: the tell stays queued
        tell.status = TellStatus.RUNNING
        tell.started_at = utcnow()
        if not await self._record_start(tell):
            return
        runtime.last_activity = tell.started_at
        self._publish.tell_started(tell)
        try:
            team = self._config().team(runtime.team)
            model = tell.options.model or (team.model if team is not None else None)
            if process.model != model:
                await process.set_model(model)
            await process.send(tell.message, command=tell.command)
        except Exception as exc:
            tell.end(TellStatus.FAILED, Failure.of(FailureKind.PROCESS_ERROR, f"could not write to Claude Code: {exc}"))
            await self._pool.put_to_sleep(runtime, "write_failed")
            return
        await self._read(runtime, process, tell)

    async def _read(self, runtime: SessionRuntime, process: ClaudeProcess, tell: Tell) -> None:
        """Read what Claude Code says for a running tell until its result, a stall or the process's end."""
        stall_ms = self._config().settings.response_timeout
        sid = str(runtime.session_id)
        while True:
            try:
                item = await self._next_message(process, sid, stall_ms)
            except builtins.TimeoutError:
                silent = f"no message from Claude Code for {stall_ms} ms"
                tell.end(TellStatus.STALLED, Failure.of(FailureKind.STALLED, silent))
                log.warning(
                    "tell %s stalled; putting session %s to sleep", str(tell.request_id), sid, extra=about(runtime)
                )
                await self._pool.put_to_sleep(runtime, "stalled")
                return
            if isinstance(item, Exited):
                tell.exit_code = item.exit_code
                if tell.cancel_requested:
                    stopped = Failure.of(FailureKind.CANCELLED, "the process was stopped")
                    tell.end(TellStatus.CANCELLED, tell.cancel_failure or stopped)
                else:
                    tail = " | ".join(list(process.stderr_tail)[-8:])
                    exited = f"Claude Code exited with code {item.exit_code}" + (f"; stderr: {tail}" if tail else "")
                    tell.end(TellStatus.FAILED, Failure.of(FailureKind.PROCESS_EXITED, exited))
                await self._pool.process_gone(runtime, process, "process_exited", item.exit_code)
                return
            runtime.last_used = time.monotonic()
            if isinstance(item, Chunk):
                if item.text:
                    tell.partial.append(item.text)
                    self._publish.tell_chunk(tell, item.text)
                continue
            tell.keep(item, self._publish.cache_message(tell, item))
            if item.result is not None:
                tell.finish_from_result(item.result, await self._spent_before(runtime))
                if item.result.cost_usd is not None:
                    runtime.spent_usd = item.result.cost_usd
                process.spent_usd += tell.cost_usd or 0.0
                return

    async def _launch_for(self, tell: Tell) -> Launch | None:
        """The start-only options the tell's process needs: the tell's own, and a cap on what it may spend (the
        least of its `maxBudgetUsd` and what is left of its budgets). None when a budget is already spent: the tell
        then ends failed without running."""
        cap = tell.options.max_budget_usd
        tell.cap_reason = None
        if tell.budgets:
            try:
                await self.recorded()  # the spend of the tells that ended before this one counts
                states = [await budgets.state_of(self._store, budget) for budget in tell.budgets]
            except Exception:
                log.exception("could not read the budgets of tell %s", tell.request_id, extra=about(tell))
                tell.end(TellStatus.FAILED, Failure.of(FailureKind.INTERNAL_ERROR, "its budgets could not be read"))
                return None
            reached = next((state for state in states if state.reached), None)
            if reached is not None:
                tell.end(TellStatus.FAILED, Failure.of(FailureKind.BUDGET_EXCEEDED, reached.reason()))
                return None
            tightest = min(states, key=lambda state: state.remaining_usd)
            if cap is None or tightest.remaining_usd < cap:
                cap = tightest.remaining_usd
                tell.cap_reason = tightest.reason()
        return Launch.of(tell.options, cap, tell.cap_reason is not None)

    async def _restart_for(self, runtime: SessionRuntime, tell: Tell, launch: Launch) -> None:
        """Put the session's live process to sleep when it was started with other start-only options than the tell
        needs (the next one resumes the conversation with `--resume`); the tell records what they were."""
        process = runtime.process
        if process is None or not process.alive or process.stopping:
            return
        changed = process.launch.differences(launch, process.cap_left_usd)
        if not changed:
            return
        tell.restarted_for = tuple(changed)
        log.info(
            "restarting Claude Code of session %s for %s",
            runtime.session_id,
            ", ".join(changed),
            extra=about(runtime),
        )
        await self._pool.put_to_sleep(runtime, "restart")

    async def _spent_before(self, runtime: SessionRuntime) -> float:
        """The session's running cost before this turn: as Claude Code last reported it in this run, else the
        session's stored total (a resumed Claude Code carries its session's cost on)."""
        if runtime.spent_usd is None:
            record = await self._store.get_session(runtime.session_id)
            runtime.spent_usd = record.cost_usd if record is not None else 0.0
        return runtime.spent_usd

    async def _next_message(self, process: ClaudeProcess, sid: str, stall_ms: int) -> Chunk | Said | Exited:
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
            if self._permissions.waiting(sid):
                item = await self._message_or_decision(messages, sid)
                if item is not None:
                    return item
                continue
            settled = self._permissions.settled_at(sid)
            remaining = max(quiet_since, settled or 0.0) + window - time.monotonic()
            if remaining <= 0:
                raise builtins.TimeoutError
            try:
                async with asyncio.timeout(remaining):
                    return await messages.get()
            except builtins.TimeoutError:
                continue  # look again: a decision may be pending, or have been made inside the window

    async def _message_or_decision(
        self, messages: asyncio.Queue[Chunk | Said | Exited], sid: str
    ) -> Chunk | Said | Exited | None:
        """The next message, or None once the session no longer waits on a permission decision."""
        get = asyncio.ensure_future(messages.get())
        settled = asyncio.ensure_future(self._permissions.until_settled(sid))
        try:
            await asyncio.wait({get, settled}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            settled.cancel()
            if not get.done():
                get.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await get
        return get.result() if not get.cancelled() else None

    # cancelling

    async def cancel(self, runtime: SessionRuntime) -> Tell | None:
        """Interrupt the session's running tell and wait for its end: Claude Code's confirmation, or after
        `cancelGrace` the process put to sleep. Returns the tell, or None when nothing was running."""
        tell = runtime.current
        if tell is None or tell.status.finished:
            return None
        tell.cancel_requested = True
        self._cancel_children(tell, "was cancelled")  # first: the tool calls it waits on then answer at once
        grace = self._config().settings.cancel_grace / 1000
        process = runtime.process
        if tell.status is TellStatus.RUNNING and process is not None and process.alive:
            try:
                async with asyncio.timeout(grace):
                    await process.interrupt()
                    await self.until_ended(tell)
            except builtins.TimeoutError:
                log.warning(
                    "interrupt of %s not confirmed within %.1fs; stopping the process",
                    tell.request_id,
                    grace,
                    extra=about(runtime),
                )
                await self._pool.put_to_sleep(runtime, "cancelled")
            except Exception as exc:
                log.warning(
                    "interrupt of %s failed (%s); stopping the process", tell.request_id, exc, extra=about(runtime)
                )
                await self._pool.put_to_sleep(runtime, "cancelled")
        await self.until_ended(tell)
        return tell

    def retire(self, runtime: SessionRuntime, failure: Failure) -> None:
        """End the tells of a session whose team left the config: the queued ones fail at once, the running one ends
        cancelled and the process sleeps in the background."""
        self.drop_queue(runtime, TellStatus.FAILED, failure)

        async def stop() -> None:
            """End the running tell and put the process to sleep."""
            self.cancel_current(runtime, failure)
            await self._pool.sleep_now(runtime, "team_removed")

        self._background.spawn(stop())

    async def end_session(self, runtime: SessionRuntime, failure: Failure) -> None:
        """End every tell of a session going away (cancelled, with `failure`), put its process to sleep and wait for
        its worker and the records of its tells."""
        self.drop_queue(runtime, TellStatus.CANCELLED, failure)
        self.cancel_current(runtime, failure)
        await self._pool.sleep_now(runtime, "deleted")
        if runtime.worker is not None:
            with contextlib.suppress(Exception):
                await runtime.worker
        await self.recorded()

    def _cancel_children(self, parent: Tell, what: str) -> None:
        """Cancel the unfinished tells made from inside `parent` (each in turn cancels its own): a queued one at
        once, a running one as a cancel does (in the background). During shutdown a running one is left to the
        shutdown, which ends it."""
        children = [child for child in self._children.pop(parent.request_id, []) if not child.done.is_set()]
        if not children:
            return
        failure = Failure.of(FailureKind.CANCELLED, f"its parent tell {parent.request_id} {what}")
        for child in children:
            runtime = self._pool.session(child.session_id)
            child.cancel_failure = failure
            if runtime is not None and child in runtime.queue:
                runtime.queue.remove(child)
                self.end(child, TellStatus.CANCELLED, failure, runtime)
            elif runtime is not None and runtime.current is child:
                if not self._stopping.is_set():
                    self._background.spawn(self._cancel_running(runtime, child))
            else:
                self.end(child, TellStatus.CANCELLED, failure, runtime)

    async def _cancel_running(self, runtime: SessionRuntime, tell: Tell) -> None:
        """Cancel `tell` if it is still the session's running one."""
        if runtime.current is tell and not tell.status.finished:
            await self.cancel(runtime)

    def cancel_current(self, runtime: SessionRuntime, failure: Failure) -> None:
        """End the session's tell in hand cancelled at once (its process is put to sleep next)."""
        current = runtime.current
        if current is not None and not current.status.finished:
            current.cancel_requested = True
            current.end(TellStatus.CANCELLED, failure)

    # ending

    def finish(self, tell: Tell, runtime: SessionRuntime | None = None) -> None:
        """The one way a tell ends, once: its waiters are let go, `tell:complete` is published, and the outcome is
        recorded in the background (off the caller's path)."""
        if tell.done.is_set():
            return
        if not tell.status.finished:
            tell.end(TellStatus.FAILED, Failure.of(FailureKind.INTERNAL_ERROR, "the tell ended without an outcome"))
        if runtime is not None:
            runtime.last_activity = utcnow()
        if tell.status is TellStatus.COMPLETED:
            self._children.pop(tell.request_id, None)  # any still running go on: their answers are kept
        else:
            self._cancel_children(tell, f"ended {tell.status}")
        if tell.parent_request_id is not None:
            siblings = self._children.get(tell.parent_request_id)
            if siblings is not None and tell in siblings:
                siblings.remove(tell)
        self._publish.tell_complete(tell)
        self.ended += 1
        tell.done.set()
        tell.pack()
        task = self._background.spawn(self._record_end(tell))
        self._recording.add(task)
        task.add_done_callback(self._recording.discard)

    def end(self, tell: Tell, status: TellStatus, failure: Failure, runtime: SessionRuntime | None = None) -> None:
        """End a tell that is not running (see `finish`)."""
        tell.end(status, failure)
        self.finish(tell, runtime)

    def drop_queue(self, runtime: SessionRuntime, status: TellStatus, failure: Failure) -> int:
        """End every queued tell of a session (see `finish`); returns how many."""
        dropped = 0
        while runtime.queue:
            self.end(runtime.queue.popleft(), status, failure, runtime)
            dropped += 1
        return dropped

    async def _record_start(self, tell: Tell) -> bool:
        """Write `running` to the store before Claude Code sees the message, so no restart can run it twice.

        Returns whether the tell may go on (it was not cancelled meanwhile, and the write succeeded).
        """
        try:
            if tell.persisted is not None:
                await tell.persisted
            await self._store.update_tell(tell.request_id, status=str(TellStatus.RUNNING), started_at=tell.started_at)
        except Exception:
            log.exception("could not record the start of tell %s", tell.request_id, extra=about(tell))
            unrecorded = "the start of the tell could not be recorded"
            tell.end(TellStatus.FAILED, Failure.of(FailureKind.INTERNAL_ERROR, unrecorded))
            return False
        if tell.status.finished:
            return False
        if tell.cancel_requested:
            tell.end(TellStatus.CANCELLED, NOT_STARTED)
            return False
        return True

    async def _record_end(self, tell: Tell) -> None:
        """Persist a tell's outcome and add it to the session's totals."""
        usage = tell.usage
        try:
            if tell.persisted is not None:
                await tell.persisted
            await self._store.finish_tell(
                tell.request_id,
                tell.columns(),
                tell.session_id,
                messages=1 if tell.started_at is not None else 0,
                cost_usd=tell.cost_usd or 0.0,
                input_tokens=usage.input_tokens if usage else 0,
                output_tokens=usage.output_tokens if usage else 0,
                last_used_at=tell.finished_at or utcnow(),
                last_response_at=tell.finished_at if tell.status is TellStatus.COMPLETED else None,
                spend=self._spend(tell),
            )
        except Exception:
            log.exception("could not record the end of tell %s", tell.request_id, extra=about(tell))
            return
        if tell.budgets and tell.cost_usd:
            await self._note_reached(tell, tell.cost_usd)

    @staticmethod
    def _spend(tell: Tell) -> SpendRecord | None:
        """The tell's row of the spend ledger (None when it cost nothing)."""
        if not tell.cost_usd:
            return None
        at = tell.finished_at or utcnow()
        return SpendRecord(id=tell.request_id, at=at, team=tell.team, key_id=tell.key_id, cost_usd=tell.cost_usd)

    async def _note_reached(self, tell: Tell, cost: float) -> None:
        """Publish `budget:reached` for each of the tell's budgets that its cost took to its limit (once per period
        per budget: the spend crossed the limit with this tell, and this server has not said so yet)."""
        for budget in tell.budgets:
            try:
                state = await budgets.state_of(self._store, budget, tell.finished_at)
            except Exception:
                log.exception("could not read budget %s", budget.describe(), extra=about(tell))
                continue
            mark = (budget.kind, budget.name, state.period_start)
            if not state.reached or state.spent_usd - cost >= budget.limit_usd - budgets.EPSILON_USD:
                continue
            if mark in self._reached:
                continue
            self._reached.add(mark)
            log.warning("%s", state.reason(), extra=about(tell))
            self._publish.budget_reached(state, tell)

    async def recorded(self) -> None:
        """Wait until every ended tell is in the store (reads of the store call this first)."""
        if self._recording:
            await asyncio.gather(*list(self._recording), return_exceptions=True)

"""One subscriber (an SSE response or a WebSocket): its rooms, its place in each session, its bounded queue.

Delivery rules, all applied synchronously as events arrive (so nothing can slip in between):

- A client receives only the channels it joined: a session (`session:<id>`), a team (`team:<name>`) or
  `system`, plus the tell stream (`tell:chunk`..., one `tell:complete` / `tell:error`) of tells it started.
  A client whose key has a team scope gets a team's events only for pairs within that scope, and health
  ticks counted over those pairs (`visibility.py`), checked against its key as each event arrives.
- Each joined session has a cursor: the last sequence number the client has passed. Live events at or below
  it are duplicates and are skipped; a jump past `cursor + 1` is filled from the engine's retained events or,
  when they are gone, answered with `reset` (`reason: gap`). Joining with `afterSeq` (or SSE `Last-Event-ID`)
  first sends the retained events after it, then continues live from where the replay ended: the live
  subscription is made before the replay is read, so the seam has neither a gap nor a duplicate.
- A client given a direct writer (`direct`: an SSE response on Iris's HTTP protocol) whose writer is idle, with
  nothing queued, writes an event of the bus's to its connection there and then; when the connection is paused
  for flow control (or gone), the event is queued as any other, and later ones queue behind it.
- The queue is bounded. When a live event finds it full, the client is dropped: its queue is replaced by one
  `reset` (`reason: slow_subscriber`), it leaves every channel, and its writer ends the stream after sending
  the reset. Publishing never waits for a client.
- A client whose key is revoked or expires is ended (`end`): what is queued is discarded, one final event
  (an `error`) replaces it, and the writer ends the stream after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.api.auth.access import Identity
from app.api.streams.channels import Bus
from app.api.streams.delivery import DeliveryTimes
from app.api.streams.schemas import (
    SESSION_PREFIX,
    TELL_STREAM_EVENTS,
    TERMINAL_EVENTS,
    WireEvent,
    control_event,
    terminal_from_view,
)
from app.api.streams.visibility import visible

if TYPE_CHECKING:
    from app.engine import Engine

__all__ = ["StreamClient", "TellWatch"]

log = logging.getLogger("iris.streams")


@dataclass(eq=False)
class TellWatch:
    """A streamed tell this client started: its events are delivered until its terminal event."""

    session_id: str
    request_id: str
    finished: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(eq=False)
class _Cursor:
    """The client's place in one session."""

    position: int | None = None
    ready: bool = False
    subscribed: bool = False
    watches: dict[str, TellWatch] = field(default_factory=dict)
    watched: set[str] = field(default_factory=set)


class StreamClient:
    """A subscriber with a bounded queue of wire events."""

    def __init__(
        self,
        bus: Bus,
        *,
        maxsize: int = 1000,
        terminal_grace: float = 2.0,
        on_drop: Callable[[StreamClient], None] | None = None,
    ) -> None:
        self.bus = bus
        self.maxsize = maxsize
        self.terminal_grace = terminal_grace
        self.on_drop = on_drop
        self.dropped = False
        self.closed = False
        self.terminal_after_reset = False
        """Still deliver the terminal event of a watched tell after an overflow (the SSE tell stream)."""
        self.identity: Identity | None = None
        """Who opened the stream (its key is checked again while the stream is open)."""
        self.holder = ""
        """Whose stream allowance this stream uses (`key:<id>`, or `addr:<address>` without a key)."""
        self.kind = ""
        """`websocket`, `sse` or `tell_stream` (`layer.STREAM_KINDS`)."""
        self.ended: str | None = None
        """Why the stream was ended by the server (`revoked`, `expired`), if it was."""
        self._queue: deque[WireEvent] = deque()
        self._ready = asyncio.Event()
        self._beat_due = False
        self.heartbeats = False
        """Whether the layer's ticker sends this client keep-alive ticks."""
        self._sessions: dict[str, _Cursor] = {}
        self._channels: set[str] = set()
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self.delivery: DeliveryTimes | None = None
        """Where the writer's socket writes of live events are timed (`written`)."""
        self._writing: list[WireEvent] | None = None
        self._settled = False
        self.direct: Callable[[bytes], bool] | None = None
        """Writes one event's bytes to the subscriber's connection at once, or says it cannot (False): the
        server's body writer (`app.api.server.BODY_WRITER`), set only for a stream whose writer writes each
        batch `batches` gives it before asking for the next (so an idle writer has nothing in flight)."""
        self._idle = False

    # delivery

    def offer(self, wire: WireEvent) -> None:
        """A live event from the bus (never waits)."""
        if self.dropped or self.closed:
            return
        session_id = wire.session_id
        if session_id is None:
            if wire.channel in self._channels:
                shown = visible(wire, self.identity)
                if shown is not None:
                    self._push(shown)
            return
        cursor = self._sessions.get(session_id)
        if cursor is None or not cursor.ready:
            return
        seq = wire.seq
        if seq is None:
            if cursor.subscribed:
                self._push(wire)
            return
        position = cursor.position
        if position is not None:
            if seq <= position:
                return
            if seq > position + 1:
                self._fill(cursor, session_id, position, seq)
        cursor.position = seq
        self._route(cursor, session_id, wire)

    def _route(self, cursor: _Cursor, session_id: str, wire: WireEvent) -> None:
        watch = cursor.watches.get(wire.request_id) if wire.request_id is not None else None
        if cursor.subscribed or (watch is not None and wire.name in TELL_STREAM_EVENTS):
            self._push(wire)
        if watch is not None and wire.name in TERMINAL_EVENTS:
            self._finish(cursor, session_id, watch)

    def _fill(self, cursor: _Cursor, session_id: str, position: int, seq: int) -> None:
        """Live events jumped from `position` to `seq`: send the missing ones from the engine, or a reset."""
        events = self.bus.replay(session_id, position)
        missing = [event for event in events or () if event.seq is not None and event.seq < seq]
        if missing and missing[0].seq == position + 1 and missing[-1].seq == seq - 1:
            for event in missing:
                cursor.position = event.seq
                self._route(cursor, session_id, event)
            return
        self._gap(cursor, session_id, seq - 1)

    def _gap(self, cursor: _Cursor, session_id: str, upto: int) -> None:
        """Events up to `upto` are lost for this client: say so, and still end any watched tell that ended."""
        self._push(control_event("reset", {"sessionId": session_id, "reason": "gap"}))
        cursor.position = upto if upto > 0 else None
        for watch in list(cursor.watches.values()):
            terminal = self.bus.terminal(watch.request_id)
            if terminal is not None and terminal.seq is not None and terminal.seq <= upto:
                self._push(terminal)
                self._finish(cursor, session_id, watch)

    def _finish(self, cursor: _Cursor, session_id: str, watch: TellWatch) -> None:
        cursor.watches.pop(watch.request_id, None)
        watch.finished.set()
        if not cursor.subscribed and not cursor.watches and cursor.ready:
            self._sessions.pop(session_id, None)
            self.bus.detach(self, [SESSION_PREFIX + session_id])

    def push(self, wire: WireEvent) -> None:
        """Queue an event made by the stream layer (`tell:accepted`, `error`, ...), within the same bound."""
        if self.dropped or self.closed:
            return
        self._enqueue(wire)

    def _push(self, wire: WireEvent) -> None:
        """Deliver an event of the bus's: written at once when the writer is idle with nothing queued and the
        connection takes it (`direct`), else queued for the writer."""
        if self.dropped or self.closed:
            return
        direct = self.direct
        if direct is not None and self._idle and not self._queue and not self._beat_due and direct(wire.sse):
            if wire.born is not None and self.delivery is not None:
                self.delivery.wrote(wire)
            return
        self._enqueue(wire)

    def _enqueue(self, wire: WireEvent) -> None:
        if len(self._queue) >= self.maxsize:
            self._overflow()
            return
        if wire.born is not None:
            wire.waiting += 1
        self._queue.append(wire)
        self._ready.set()

    def written(self, batch: list[WireEvent]) -> None:
        """The writer has just written `batch`, the last one `batches` gave it, to the socket (for the delivery
        histograms; a batch given up on by `_settle` is not counted again)."""
        if self._writing is batch:
            self._writing = None
            if self.delivery is not None:
                self.delivery.written(batch)

    def _settle(self) -> None:
        """This client will write no more live events: what it has queued or is writing counts for nobody's
        delivery time (a stalled writer holds back no event's last write)."""
        if self.delivery is not None and not self._settled:
            self.delivery.discarded(self._queue)
            if self._writing is not None:
                self.delivery.discarded(self._writing)
        self._settled = True
        self._writing = None

    def _overflow(self) -> None:
        self.dropped = True
        self._settle()
        self._queue.clear()
        self._queue.append(control_event("reset", {"reason": "slow_subscriber"}))
        self._ready.set()
        self._leave_all()
        log.warning("a stream subscriber fell %d events behind; sent reset and dropped it", self.maxsize)
        if self.on_drop is not None:
            self.on_drop(self)

    def _leave_all(self) -> None:
        channels = list(self._channels) + [SESSION_PREFIX + session_id for session_id in self._sessions]
        self._channels.clear()
        for cursor in self._sessions.values():
            cursor.subscribed = False
        self.bus.detach(self, channels)

    @property
    def idle(self) -> bool:
        """Whether the writer waits with everything it was given written (a live event may go straight out)."""
        return self._idle

    @property
    def pending(self) -> int:
        """Events queued and not yet taken by the writer."""
        return len(self._queue)

    def beat(self) -> None:
        """A keep-alive tick is due: `batches` yields `[]` (the layer's ticker calls this for SSE clients)."""
        self._beat_due = True
        self._ready.set()

    async def batches(self) -> AsyncIterator[list[WireEvent]]:
        """Everything queued, in order, as it arrives; and `[]` for each keep-alive tick (`beat`).

        Ends once the client is closed, or dropped and its `reset` (and any final terminal event) is out.
        """
        while True:
            if self._beat_due:
                self._beat_due = False
                yield []
                continue
            if self._queue:
                items = self._writing = list(self._queue)
                self._queue.clear()
                yield items
                continue
            if self.closed:
                return
            if self.dropped:
                guards = [task for task in self._tasks if not task.done()] if self.terminal_after_reset else []
                if not guards:
                    return
                await asyncio.wait(guards)  # a guard still sends its tell's terminal event
                continue
            self._ready.clear()
            self._idle = True  # everything yielded so far has been written: `_push` may write on its own
            try:
                await self._ready.wait()
            finally:
                self._idle = False

    # rooms

    async def join(self, channel: str) -> None:
        """Receive a team's or the system channel's events."""
        async with self._lock:
            if self.dropped or self.closed or channel in self._channels:
                return
            self._channels.add(channel)
            await self.bus.attach(self, channel)

    def leave(self, channel: str) -> None:
        """Stop receiving a team's or the system channel's events."""
        if channel in self._channels:
            self._channels.discard(channel)
            self.bus.detach(self, [channel])

    async def join_session(self, session_id: str, after_seq: int | None = None) -> None:
        """Receive a session's events: with `after_seq`, first the retained ones after it (or `reset`)."""
        async with self._lock:
            if self.dropped or self.closed:
                return
            cursor = self._sessions.get(session_id)
            if cursor is not None:
                self._upgrade(cursor, session_id, after_seq)
                return
            cursor = self._sessions[session_id] = _Cursor()
            await self.bus.attach(self, SESSION_PREFIX + session_id)
            # From here on nothing awaits: the replay and the live position are taken at one instant.
            last = self.bus.last_seq(session_id)
            cursor.subscribed = True
            cursor.ready = True
            if after_seq is None:
                cursor.position = last if last > 0 else None
                return
            events = self.bus.replay(session_id, after_seq) if after_seq <= last else None
            if events is None:
                self._push(control_event("reset", {"sessionId": session_id, "reason": "gap"}))
                cursor.position = last if last > 0 else None
                return
            for event in events:
                self._push(event)
            cursor.position = max(after_seq, events[-1].seq or 0) if events else after_seq

    def _upgrade(self, cursor: _Cursor, session_id: str, after_seq: int | None) -> None:
        """A session this client already follows for a tell of its own now becomes a full subscription."""
        already = cursor.subscribed
        cursor.subscribed = True
        if already or after_seq is None or cursor.position is None or after_seq >= cursor.position:
            return
        events = self.bus.replay(session_id, after_seq)
        if events is None:
            self._push(control_event("reset", {"sessionId": session_id, "reason": "gap"}))
            return
        for event in events:
            if event.seq is None or event.seq > cursor.position:
                break
            if event.request_id in cursor.watched and event.name in TELL_STREAM_EVENTS:
                continue  # sent already, as part of that tell's stream
            self._push(event)

    def leave_session(self, session_id: str) -> None:
        """Stop receiving a session's events (a streamed tell of this client there still ends normally)."""
        cursor = self._sessions.get(session_id)
        if cursor is None:
            return
        cursor.subscribed = False
        if not cursor.watches:
            self._sessions.pop(session_id, None)
            self.bus.detach(self, [SESSION_PREFIX + session_id])

    async def watch_tell(self, engine: Engine, session_id: str, request_id: str) -> TellWatch:
        """Deliver a tell's stream (`tell:chunk`..., then its terminal event) from its `tell:queued` on.

        A guard waits for the tell to end; should its terminal event not arrive (lost by the backend, or
        skipped by a reset), it is sent from the record, so the stream always ends with exactly one.
        """
        watch = TellWatch(session_id, request_id)
        queued = self.bus.queued_seq(request_id)
        async with self._lock:
            if self.closed:
                return watch
            cursor = self._sessions.get(session_id)
            fresh = cursor is None
            if cursor is None:
                cursor = self._sessions[session_id] = _Cursor()
                await self.bus.attach(self, SESSION_PREFIX + session_id)
            cursor.watches[request_id] = watch
            cursor.watched.add(request_id)
            last = self.bus.last_seq(session_id)
            upto = last if fresh else (cursor.position or 0)
            if not cursor.subscribed or fresh:
                start = queued - 1 if queued else None
                events = self.bus.replay(session_id, start) if start is not None else None
                if events is None:
                    self._gap(cursor, session_id, upto)
                else:
                    for event in events:
                        if event.seq is not None and event.seq > upto:
                            break
                        if event.request_id == request_id and event.name in TELL_STREAM_EVENTS:
                            self._push(event)
                            if event.name in TERMINAL_EVENTS:
                                cursor.watches.pop(request_id, None)
                                watch.finished.set()
            else:
                terminal = self.bus.terminal(request_id)
                if terminal is not None and terminal.seq is not None and terminal.seq <= upto:
                    cursor.watches.pop(request_id, None)
                    watch.finished.set()
            if fresh:
                cursor.position = last if last > 0 else None
                cursor.ready = True
            if watch.finished.is_set() and not cursor.subscribed and not cursor.watches:
                self._sessions.pop(session_id, None)
                self.bus.detach(self, [SESSION_PREFIX + session_id])
        if not watch.finished.is_set():
            task = asyncio.get_running_loop().create_task(self._guard(engine, watch))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return watch

    async def _guard(self, engine: Engine, watch: TellWatch) -> None:
        try:
            view = await engine.wait_for(uuid.UUID(watch.request_id))
            if not self.dropped:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.terminal_grace):
                        await watch.finished.wait()
            if watch.finished.is_set() or self.closed:
                return
            if self.dropped and not self.terminal_after_reset:
                return
            terminal = self.bus.terminal(watch.request_id) or terminal_from_view(view, None)
            if not self.dropped:
                log.warning("tell %s: its terminal event did not arrive; sent it from the record", watch.request_id)
            self._queue.append(terminal)  # after a reset too: the stream still ends with its outcome
            self._ready.set()
            cursor = self._sessions.get(watch.session_id)
            if cursor is not None:
                self._finish(cursor, watch.session_id, watch)
            else:
                watch.finished.set()
        except Exception:
            log.exception("the guard of tell %s failed", watch.request_id)
            watch.finished.set()

    def end(self, reason: str, final: WireEvent | None = None) -> None:
        """End the stream now: discard what is queued, send only `final` (if given), then stop."""
        if self.closed:
            return
        self.ended = reason
        self._settle()
        self._queue.clear()
        self._beat_due = False
        if final is not None:
            self._queue.append(final)
        self.close()

    def close(self) -> None:
        """Leave every channel and stop (the writer's `batches` ends)."""
        if self.closed:
            return
        self.closed = True
        self._settle()
        if not self.dropped:
            self._leave_all()
        self._sessions.clear()
        for task in list(self._tasks):
            task.cancel()
        self._ready.set()

"""Events: per-session sequences, a replay buffer, and bounded subscriber queues of the engine's records."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import msgspec

from app.engine.records import SYSTEM, Record, SubscriberReset, session_channel, team_channel

__all__ = ["SYSTEM", "Event", "EventHub", "Sink", "Subscription", "session_channel", "team_channel"]

log = logging.getLogger("iris.events")


@dataclass(frozen=True, slots=True)
class Event:
    """One record as published on one channel. `seq` is set on session events, counting from 1 per session."""

    channel: str
    record: Record
    seq: int | None = None

    @property
    def name(self) -> str:
        """The event's name (`tell:chunk`, `process:spawned`, ...)."""
        return self.record.name

    @property
    def data(self) -> dict[str, Any]:
        """The record's facts as JSON-ready data, by their camelCase names (with `seq` on a session event)."""
        data: dict[str, Any] = msgspec.to_builtins(self.record)
        if self.seq is not None:
            data["seq"] = self.seq
        return data


Sink = Callable[[Event], None]


class Subscription:
    """A subscriber's bounded queue of events from some channels."""

    def __init__(self, hub: EventHub, channels: Iterable[str], maxsize: int) -> None:
        self.hub = hub
        self.channels = set(channels)
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize)
        self.dropped = False

    def offer(self, event: Event) -> None:
        """Queue an event without waiting; on overflow, end with a `reset` and drop this subscriber."""
        if self.dropped:
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.dropped = True
            self.hub.unsubscribe(self)
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(Event(event.channel, SubscriberReset(reason="slow_subscriber")))

    async def get(self) -> Event:
        """The next event."""
        return await self.queue.get()

    def add(self, channel: str) -> None:
        """Also receive `channel`."""
        self.channels.add(channel)
        self.hub._index(self, channel)

    def remove(self, channel: str) -> None:
        """Stop receiving `channel`."""
        self.channels.discard(channel)
        subscribers = self.hub._by_channel.get(channel)
        if subscribers is not None:
            subscribers.discard(self)

    def close(self) -> None:
        """Stop receiving anything."""
        self.hub.unsubscribe(self)


@dataclass
class _SessionLog:
    seq: int = 0
    retained: deque[Event] = field(default_factory=deque)


class EventHub:
    """Publishes events to in-process subscribers and to sinks (e.g. Litestar channels)."""

    def __init__(self, retained_per_session: int = 1000, subscriber_queue: int = 1000) -> None:
        self.retained_per_session = retained_per_session
        self.subscriber_queue = subscriber_queue
        self._sessions: dict[str, _SessionLog] = {}
        self._by_channel: dict[str, set[Subscription]] = {}
        self.sinks: list[Sink] = []

    def publish(self, record: Record) -> tuple[Event, ...]:
        """Publish a record on each of its channels; on a session's, it gets the session's next sequence number."""
        return tuple(self._publish(channel, record) for channel in record.channels())

    def _publish(self, channel: str, record: Record) -> Event:
        seq = None
        if channel.startswith("session:"):
            session_log = self._sessions.setdefault(channel, _SessionLog())
            session_log.seq += 1
            seq = session_log.seq
            event = Event(channel, record, seq)
            if self.retained_per_session:
                session_log.retained.append(event)
                if len(session_log.retained) > self.retained_per_session:
                    session_log.retained.popleft()
        else:
            event = Event(channel, record)
        for subscriber in tuple(self._by_channel.get(channel, ())):
            subscriber.offer(event)
        for sink in self.sinks:
            try:
                sink(event)
            except Exception:
                log.exception("event sink failed for %s", record.name)
        return event

    def last_seq(self, session_id: str) -> int:
        """The newest sequence number of a session (0 before any event)."""
        session_log = self._sessions.get(session_channel(session_id))
        return session_log.seq if session_log else 0

    def replay(self, session_id: str, after_seq: int) -> list[Event] | None:
        """Events of a session after `after_seq`, or None when some of them are no longer retained."""
        session_log = self._sessions.get(session_channel(session_id))
        if session_log is None:
            return [] if after_seq == 0 else None
        if after_seq >= session_log.seq:
            return []
        retained = session_log.retained
        if not retained or retained[0].seq is None or retained[0].seq > after_seq + 1:
            return None
        return [event for event in retained if event.seq is not None and event.seq > after_seq]

    def forget(self, session_id: str) -> None:
        """Drop a deleted session's retained events (its sequence restarts if it is ever reused)."""
        self._sessions.pop(session_channel(session_id), None)

    def subscribe(self, channels: Iterable[str], maxsize: int | None = None) -> Subscription:
        """A new subscription to some channels."""
        subscription = Subscription(self, channels, maxsize or self.subscriber_queue)
        for channel in subscription.channels:
            self._index(subscription, channel)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        """Remove a subscription from every channel."""
        for channel in subscription.channels:
            subscribers = self._by_channel.get(channel)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._by_channel[channel]

    def _index(self, subscription: Subscription, channel: str) -> None:
        self._by_channel.setdefault(channel, set()).add(subscription)

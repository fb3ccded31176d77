"""Litestar channels carry every event; a bus on each instance fans them out to its subscribers.

- `channels_plugin(config)` builds Litestar's `ChannelsPlugin` on the memory backend, or on Redis pub/sub when
  `channels.backend` is `redis` (`channels.url`), so that separate server instances share their events; the
  Redis backend reconnects by itself after an outage (`redis_backend.py`), and `channels_status` says how it is.
- `Bus.bind(engine)` adds a sink to the engine's `EventHub`: every event is mapped to its wire form once and
  published to the channel `iris:<channel>` (`iris:session:<id>`, `iris:team:<name>`, `iris:system`); a
  health tick also carries the engine's counts per pair, for subscribers with a team scope (`visibility.py`).
- The bus holds one channels subscription per channel that some local client wants (made on the first
  client, dropped after the last) and hands every event it receives to those clients, without waiting:
  each client has its own bounded queue, or writes the event to its connection at once when its writer is
  idle (see `clients.py`).
- On the memory backend (one instance, nobody else to tell) the bus hands each event to its local clients as
  the engine publishes it, instead of through the backend's queue and delivery task: publication to every
  subscriber's queue is one synchronous step, however many subscribers there are.
- Each live event handed to the clients carries its publication instant, for the delivery histograms
  (`delivery.py`): taken as the engine published it, or as it arrived when another instance did.
- Replay never comes from the channels backend (the memory backend keeps no history once the last subscriber
  leaves): it comes from the engine's retained events (`EventHub.replay`), in the same wire form.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from litestar.channels import ChannelsPlugin
from litestar.channels.backends.base import ChannelsBackend
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.channels.subscriber import Subscriber as ChannelSubscription

from app.api import models as m
from app.api.streams.delivery import DeliveryTimes, clock
from app.api.streams.redis_backend import ChannelsHealth, ReconnectingRedisBackend
from app.api.streams.schemas import TERMINAL_EVENTS, WireEvent, decode_frame, map_event
from app.api.streams.visibility import HEALTH_EVENT, pair_loads
from app.config import ChannelsConfig
from app.engine.events import SYSTEM, Event

if TYPE_CHECKING:
    from app.engine import Engine

__all__ = [
    "BUS_PREFIX",
    "Bus",
    "Subscriber",
    "channels_backend",
    "channels_plugin",
    "channels_status",
    "close_backend",
]

log = logging.getLogger("iris.streams")

BUS_PREFIX = "iris:"
"""Prefix of every channel name on the backend (a Redis server may be shared with other programs)."""


def channels_backend(config: ChannelsConfig) -> ChannelsBackend:
    """The backend named in the config: in-memory (one instance), or Redis pub/sub (several instances)."""
    if config.backend == "redis":
        if not config.url:
            raise ValueError("channels.url is required when channels.backend is redis")
        return ReconnectingRedisBackend(config.url, key_prefix="IRIS_CHANNELS")
    return MemoryChannelsBackend()


async def close_backend(plugin: ChannelsPlugin) -> None:
    """Release what the backend holds beyond its own shutdown (the Redis clients' connection pools)."""
    backend = plugin._backend
    if isinstance(backend, ReconnectingRedisBackend):
        try:
            await backend.aclose()
        except Exception:
            log.exception("could not close the Redis clients of the channels backend")


def channels_status(plugin: ChannelsPlugin) -> m.ChannelsStatus:
    """The contract's `ChannelsStatus` of the plugin's backend."""
    backend = plugin._backend
    health = backend.health if isinstance(backend, ReconnectingRedisBackend) else ChannelsHealth("memory")
    return m.ChannelsStatus(
        backend=m.ChannelsBackend(health.backend),
        connected=health.connected,
        disconnected_since=health.disconnected_since,
        last_error=health.last_error,
        last_error_at=health.last_error_at,
        reconnects=health.reconnects,
        dropped_events=health.dropped,
    )


def channels_plugin(config: ChannelsConfig, bus: Bus) -> ChannelsPlugin:
    """Litestar's channels plugin on the configured backend, delivering straight into `bus`."""

    class _Relay(ChannelSubscription):
        """The bus's subscription to one channel: each event goes straight to the bus, never queued here."""

        def put_nowait(self, item: bytes | None) -> bool:
            if item is not None:
                bus.dispatch(item)
            return True

    plugin = ChannelsPlugin(
        backend=channels_backend(config),
        arbitrary_channels_allowed=True,
        subscriber_class=_Relay,
    )
    bus.plugin = plugin
    bus.direct = isinstance(plugin._backend, MemoryChannelsBackend)
    return plugin


class Subscriber(Protocol):
    """What the bus hands events to (a `StreamClient`): one call per live event of a channel it attached."""

    def offer(self, wire: WireEvent) -> None:
        """Take one live event, without waiting."""
        ...


class _Lru(OrderedDict[Any, Any]):
    """A dict that forgets its oldest entries beyond `limit`."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def put(self, key: Any, value: Any) -> None:
        self[key] = value
        if len(self) > self.limit:
            self.popitem(last=False)


class Bus:
    """This instance's end of the channels: publishes the engine's events, fans received ones out."""

    def __init__(self, memo_size: int = 1024) -> None:
        self.plugin: ChannelsPlugin | None = None
        self.direct = False
        """Whether this instance is the only one (the memory backend): its events go straight to its clients
        as they are published, without a round trip through the backend's queue and delivery task."""
        self.engine: Engine | None = None
        self._live = False
        self._clients: dict[str, set[Subscriber]] = {}
        self._relays: dict[str, ChannelSubscription] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._releases: set[asyncio.Task[None]] = set()
        # Wire forms of recent session events (a replay that starts soon after them is not encoded again; an
        # older one is, to the same bytes), and the `tell:queued` seq and the terminal event of recent tells
        # (where a streamed tell starts and ends).
        self._memo = _Lru(memo_size)
        self._queued = _Lru(memo_size // 4)
        self._terminals = _Lru(memo_size // 4)
        # When each frame bound for a channel with local clients was published, until it comes back from the
        # backend (`WireEvent.born`, for the delivery histograms).
        self._born = _Lru(memo_size // 4)
        self.published = 0
        self.received = 0
        self.delivery: DeliveryTimes | None = None
        """The delivery histograms the subscribers' writes are timed in (`delivery.py`)."""

    # the engine's side

    def bind(self, engine: Engine) -> None:
        """Start publishing `engine`'s events (the channels plugin must be running)."""
        self.engine = engine
        self._live = True
        engine.events.sinks.append(self._sink)

    def unbind(self) -> None:
        """Stop publishing (before the channels plugin stops)."""
        self._live = False
        if self.engine is not None and self._sink in self.engine.events.sinks:
            self.engine.events.sinks.remove(self._sink)

    def _sink(self, event: Event) -> None:
        born = clock()
        wire = map_event(event)
        if event.channel == SYSTEM and event.name == HEALTH_EVENT and self.engine is not None:
            wire.loads = pair_loads(self.engine)
        if event.seq is not None:
            self._memo.put((event.channel, event.seq), wire)
            if wire.request_id is not None:
                if event.name == "tell:queued":
                    self._queued.put(wire.request_id, event.seq)
                elif wire.name in TERMINAL_EVENTS:
                    self._terminals.put(wire.request_id, wire)
        if not self._live or self.plugin is None:
            return
        self.published += 1
        if self.direct:
            if event.channel in self._clients:
                # the live copy carries the delivery bookkeeping; the remembered one stays for replays
                live = WireEvent(wire.channel, wire.name, wire.seq, wire.request_id, wire.body, wire.caller, wire.loads)
                self._deliver(live, born)
            return
        frame = wire.frame()
        if event.channel in self._relays:
            self._born.put(frame, born)
        self.plugin.publish(frame, BUS_PREFIX + event.channel)

    def wire(self, event: Event) -> WireEvent:
        """The wire form of a retained engine event (the one published, while remembered)."""
        if event.seq is not None:
            known = self._memo.get((event.channel, event.seq))
            if known is not None:
                return known  # type: ignore[no-any-return]
        return map_event(event)

    def replay(self, session_id: str, after_seq: int) -> list[WireEvent] | None:
        """The engine's retained events of a session after `after_seq` (None: some are gone)."""
        if self.engine is None:
            return None
        events = self.engine.events.replay(session_id, after_seq)
        return None if events is None else [self.wire(event) for event in events]

    def last_seq(self, session_id: str) -> int:
        """The newest sequence number of a session on this instance (0: none)."""
        return self.engine.events.last_seq(session_id) if self.engine is not None else 0

    def queued_seq(self, request_id: str) -> int | None:
        """The seq of a recent tell's `tell:queued` event."""
        value = self._queued.get(request_id)
        return value if isinstance(value, int) else None

    def terminal(self, request_id: str) -> WireEvent | None:
        """The `tell:complete` / `tell:error` a recent tell ended with."""
        value = self._terminals.get(request_id)
        return value if isinstance(value, WireEvent) else None

    # the subscribers' side

    def dispatch(self, frame: bytes) -> None:
        """Hand one event received from the channels backend to every local client of its channel."""
        try:
            wire = decode_frame(frame)
        except ValueError:
            wire = None
        if wire is None:
            return
        born = self._born.pop(frame, None)
        self._deliver(wire, born if isinstance(born, float) else clock())

    def _deliver(self, wire: WireEvent, born: float) -> None:
        """Hand one live event (published at `born`) to every local client of its channel, without waiting (a
        client may write it to its connection there and then: `StreamClient.direct`)."""
        self.received += 1
        wire.born = born
        delivery = self.delivery
        if delivery is not None:
            wire.waiting += 1  # this pass's own hold on the event's last-write figure
        for client in tuple(self._clients.get(wire.channel, ())):
            try:
                client.offer(wire)
            except Exception:  # never let one subscriber stop the channels plugin's delivery loop
                log.exception("delivering %s to a subscriber failed", wire.name)
        if delivery is not None:
            delivery.passed(wire)

    async def attach(self, client: Subscriber, channel: str) -> None:
        """Route `channel` to `client`; returns once this instance is subscribed to it on the backend."""
        self._clients.setdefault(channel, set()).add(client)
        if channel in self._relays:
            return
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            if channel not in self._relays and self._clients.get(channel) and self.plugin is not None:
                self._relays[channel] = await self.plugin.subscribe(BUS_PREFIX + channel)

    def detach(self, client: Subscriber, channels: Iterable[str]) -> None:
        """Stop routing `channels` to `client` (the backend subscription goes when nobody wants it)."""
        for channel in channels:
            clients = self._clients.get(channel)
            if clients is None:
                continue
            clients.discard(client)
            if not clients:
                del self._clients[channel]
                if channel in self._relays:
                    task = asyncio.get_running_loop().create_task(self._release(channel))
                    self._releases.add(task)
                    task.add_done_callback(self._releases.discard)

    async def _release(self, channel: str) -> None:
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            if self._clients.get(channel):
                return
            relay = self._relays.pop(channel, None)
            if relay is not None and self.plugin is not None:
                try:
                    await self.plugin.unsubscribe(relay, BUS_PREFIX + channel)
                except Exception:
                    log.exception("could not unsubscribe from %s", channel)
        if not self._clients.get(channel) and not lock.locked():
            self._locks.pop(channel, None)

    def subscribers(self, channel: str | None = None) -> int:
        """How many local clients receive `channel` (or any channel)."""
        if channel is not None:
            return len(self._clients.get(channel, ()))
        return len({client for clients in self._clients.values() for client in clients})

    def channel_count(self) -> int:
        """How many channels this instance is subscribed to on the backend."""
        return len(self._relays)

    async def close(self) -> None:
        """Forget every client and wait for pending unsubscriptions."""
        self._clients.clear()
        if self._releases:
            await asyncio.gather(*list(self._releases), return_exceptions=True)

"""Litestar's Redis pub/sub channels backend, made to survive a Redis outage and to say how it is doing.

Litestar's `RedisChannelsPubSubBackend` reads with one loop (`stream_events`) that ends at the first connection
error, which ends the channels plugin's only reader for good; its publisher likewise dies on the first failed
publish (and shutdown then waits forever for its queue). This backend keeps Litestar's publishing (the Lua
script) and its contract, and adds:

- a reader that never ends: on a lost connection it says so once (`WARNING`), drops the broken pub/sub
  connection, and tries again with redis-py's `EqualJitterBackoff` (0.1 s doubling, at most 2 s apart) until a
  fresh connection is subscribed to every wanted channel again (`INFO` once it is back);
- publishing that never raises: while the backend is down, events are dropped at once (and counted) rather
  than queued without bound; a publish that meets a stale pooled connection is retried once (redis-py's
  `Retry`), and a pooled connection idle for `health_check_interval` is pinged before use;
- subscriptions made while the backend is down are remembered and made when it is back;
- `health`: the backend's kind, whether it is connected, since when it is not, the last error, how many
  times it reconnected and how many events were dropped (`GET /api/status` reports it).

Events published while the backend is down are lost for the other instances (a session's subscribers there
see `reset` when its events resume with a gap); each instance's own engine keeps its retained events.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import logging
import time
from collections.abc import AsyncGenerator, Iterable
from dataclasses import dataclass
from typing import Any

from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import AbstractBackoff, EqualJitterBackoff, ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app.api.errors import redact_paths
from app.auth.keys import redact
from app.clock import utcnow

__all__ = ["ChannelsHealth", "ReconnectingRedisBackend"]

log = logging.getLogger("iris.streams")

_LOST = (RedisConnectionError, RedisTimeoutError, OSError, TimeoutError)
"""Errors that mean the connection to Redis is gone (or never came)."""


def _describe(error: BaseException) -> str:
    """A short account of an error, without paths or secrets (it is shown in `/api/status`)."""
    text = " ".join(str(error).split()) or "no detail"
    return f"{type(error).__name__}: {redact(redact_paths(text))[:200]}"


@dataclass
class ChannelsHealth:
    """How a channels backend is doing (the memory backend is always connected)."""

    backend: str
    connected: bool = True
    disconnected_since: datetime.datetime | None = None
    last_error: str | None = None
    last_error_at: datetime.datetime | None = None
    reconnects: int = 0
    """Times the connection was lost and made again, since start."""
    dropped: int = 0
    """Events that could not be published, since start."""
    attempts: int = 0
    """Failed attempts to reconnect during the current outage."""

    def failed(self, error: BaseException) -> bool:
        """Note an error; True when it ends a connected spell (the caller logs the loss once)."""
        self.last_error = _describe(error)
        self.last_error_at = utcnow()
        if not self.connected:
            return False
        self.connected = False
        self.disconnected_since = self.last_error_at
        self.attempts = 0
        return True

    def restored(self) -> float:
        """The connection is back; returns how long it was down, in seconds."""
        since = self.disconnected_since
        self.connected = True
        self.disconnected_since = None
        self.reconnects += 1
        return (utcnow() - since).total_seconds() if since is not None else 0.0


class ReconnectingRedisBackend(RedisChannelsPubSubBackend):
    """Redis pub/sub channels that reconnect by themselves (see the module docstring)."""

    def __init__(
        self,
        url: str,
        *,
        key_prefix: str,
        backoff: AbstractBackoff | None = None,
        connect_timeout: float = 2.0,
        command_timeout: float = 5.0,
        health_check_interval: int = 5,
    ) -> None:
        options: dict[str, Any] = {
            "socket_connect_timeout": connect_timeout,
            "socket_timeout": command_timeout,
            "socket_keepalive": True,
            "health_check_interval": health_check_interval,
        }
        publisher = Redis.from_url(
            url,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 1),
            retry_on_error=[RedisConnectionError, RedisTimeoutError],
            **options,
        )
        super().__init__(redis=publisher, key_prefix=key_prefix)
        # The reader's own client, without retries: every loss must reach `stream_events`, which handles it.
        self._listener: Redis = Redis.from_url(url, **options)
        self._subscriber: PubSub | None = None
        self._wanted: set[str] = set()
        self._backoff = backoff or EqualJitterBackoff(cap=2.0, base=0.1)
        self._idle_check = float(health_check_interval)
        self._wake: asyncio.Event | None = None
        self.health = ChannelsHealth("redis")

    @property
    def _pub_sub(self) -> PubSub:
        if self._subscriber is None:
            self._subscriber = self._listener.pubsub()
        return self._subscriber

    def _changed(self) -> asyncio.Event:
        if self._wake is None:
            self._wake = asyncio.Event()
        return self._wake

    def _lost(self, error: BaseException) -> None:
        """The connection is gone: say so once per outage, and let the reader reconnect."""
        if self.health.failed(error):
            log.warning(
                "the Redis channels backend is unreachable (%s); events between instances stop until it is back, "
                "reconnecting",
                self.health.last_error,
            )
        self._changed().set()

    async def on_startup(self) -> None:
        """Check the server once (a Redis that is down at start is reconnected to like a lost one)."""
        try:
            await self._listener.ping()
        except _LOST as error:
            self._lost(error)

    async def on_shutdown(self) -> None:
        """Drop the subscription connection (the clients' pools are released by `aclose`)."""
        subscriber, self._subscriber = self._subscriber, None
        if subscriber is not None:
            with contextlib.suppress(RedisError, OSError):
                await subscriber.aclose()  # type: ignore[no-untyped-call]

    async def aclose(self) -> None:
        """Release both clients' connection pools."""
        for client in (self._redis, self._listener):
            with contextlib.suppress(RedisError, OSError):
                await client.aclose()

    async def subscribe(self, channels: Iterable[str]) -> None:
        """Listen to `channels`; while Redis is down they are remembered and subscribed to once it is back."""
        names = set(channels)
        self._wanted |= names
        try:
            if self.health.connected and names:
                await self._pub_sub.subscribe(*names)
        except _LOST as error:
            self._lost(error)
        finally:
            self._changed().set()  # the reader has something to read (or to reconnect)

    async def unsubscribe(self, channels: Iterable[str]) -> None:
        """Stop listening to `channels`."""
        names = set(channels)
        self._wanted -= names
        if not self.health.connected or not names:
            return
        try:
            await self._pub_sub.unsubscribe(*names)
        except _LOST as error:
            self._lost(error)

    async def publish(self, data: bytes, channels: Iterable[str]) -> None:
        """Publish, or drop the event when Redis is down (never raises: the plugin's publisher must live on)."""
        if not self.health.connected:
            self.health.dropped += 1
            return
        try:
            await super().publish(data, channels)
        except _LOST as error:
            self.health.dropped += 1
            self._lost(error)
        except RedisError as error:
            self.health.dropped += 1
            log.warning("could not publish an event to Redis: %s", _describe(error))

    async def stream_events(self) -> AsyncGenerator[tuple[str, Any], None]:
        """Every message of a wanted channel, for as long as the plugin runs, across outages."""
        while True:
            if not self.health.connected:
                await self._reconnect()
                continue
            subscriber = self._pub_sub
            if subscriber.connection is None or not (self._wanted or subscriber.subscribed):
                await self._idle()
                continue
            try:
                message = await subscriber.get_message(ignore_subscribe_messages=True, timeout=1.0)
            except (*_LOST, RedisError) as error:
                self._lost(error)
                continue
            if message is None or message.get("type") != "message":
                continue
            channel = message["channel"]
            name = channel.decode() if isinstance(channel, bytes) else str(channel)
            if name in self._wanted:
                yield name, message["data"]

    async def _idle(self) -> None:
        """Nothing to read: wait for a subscription or a loss, and check the server now and then."""
        changed = self._changed()
        try:
            async with asyncio.timeout(self._idle_check):
                await changed.wait()
        except TimeoutError:
            try:
                await self._listener.ping()
            except _LOST as error:
                self._lost(error)
        finally:
            changed.clear()

    async def _reconnect(self) -> None:
        """Try again with backoff until a fresh connection listens to every wanted channel."""
        started = time.monotonic()
        while True:
            self.health.attempts += 1
            await asyncio.sleep(self._backoff.compute(self.health.attempts))
            await self.on_shutdown()  # the old connection is broken: start over on a new one
            try:
                await self._listener.ping()
                wanted = set(self._wanted)
                if wanted:
                    await self._pub_sub.subscribe(*wanted)
            except _LOST as error:
                self.health.failed(error)
                log.debug("the Redis channels backend is still unreachable (attempt %d)", self.health.attempts)
                continue
            break
        attempts = self.health.attempts
        down = self.health.restored()
        log.info(
            "the Redis channels backend is reachable again after %.1f s down (reconnected in %.1f s, attempts: %d)",
            down,
            time.monotonic() - started,
            attempts,
        )
        missing = self._wanted - wanted  # subscribed to while reconnecting
        if missing:
            await self.subscribe(missing)
        stale = wanted - self._wanted  # unsubscribed from while reconnecting
        if stale:
            await self.unsubscribe(stale)

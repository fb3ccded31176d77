"""The stream layer's state: the engine, the bus, the access rules, the settings and every open stream.

The SSE and WebSocket handlers find the `StreamLayer` in `app.state.streams` (put there by `StreamsPlugin`); each
open stream is a `StreamClient` made by `StreamLayer.client`, counted against its key's `api.maxStreamsPerKey`
until `StreamLayer.release`, and ended by the layer when its key is revoked or expires (`revocation.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from litestar.channels import ChannelsPlugin

from app.api import models as m
from app.api.auth.access import Identity, StreamAccess
from app.api.streams.channels import Bus, channels_plugin, channels_status
from app.api.streams.clients import StreamClient
from app.api.streams.delivery import DeliveryTimes
from app.api.streams.logs import LogTap
from app.api.streams.revocation import EndReason, KeyWatch, StoreChanges
from app.api.streams.schemas import control_event
from app.config import IrisConfig
from app.errors import TooManyRequestsError

if TYPE_CHECKING:
    from app.engine import Engine

__all__ = ["STREAM_KINDS", "StreamLayer", "StreamSettings"]

log = logging.getLogger("iris.streams")

STREAM_KINDS = ("websocket", "sse", "tell_stream")
"""The kinds of stream: `/ws`, `GET /api/events`, `POST /api/teams/tell/stream`."""
_ENDED = {
    "revoked": "This API key has been revoked",
    "expired": "This API key has expired",
}


@dataclass(frozen=True)
class StreamSettings:
    """Tunables of the stream layer (the contract fixes the heartbeat at 15 s and the auth wait at 5 s)."""

    subscriber_queue: int | None = None
    """Events a subscriber may fall behind before it gets `reset` and is dropped (None: the engine's
    `EventHub.subscriber_queue`, 1000)."""
    heartbeat_seconds: float = 15.0
    auth_timeout_seconds: float = 5.0
    terminal_grace_seconds: float = 2.0
    """How long after a streamed tell ends its terminal event may take to arrive before it is sent from the record."""
    recheck_seconds: float = 0.5
    """How often open streams' keys are checked for revocation and expiry."""


class StreamLayer:
    """What the stream handlers share: the engine, the bus, the access rules and the settings."""

    def __init__(
        self, config: IrisConfig, access: StreamAccess | None = None, settings: StreamSettings | None = None
    ) -> None:
        self.config = config
        self.access = access or StreamAccess(require_auth=config.api.require_auth)
        self.settings = settings or StreamSettings()
        self.bus = Bus()
        self.channels: ChannelsPlugin = channels_plugin(config.channels, self.bus)
        self._engine: Engine | None = None
        self._clients: set[StreamClient] = set()
        self._holders: dict[str, int] = {}
        self.dropped = 0
        """Subscribers dropped for falling behind, since start."""
        self.ended = 0
        """Streams ended because their key was revoked or expired, since start."""
        self.delivery = self.bus.delivery = DeliveryTimes()
        """How long live events took to reach the subscribers' sockets, since start (`delivery.py`)."""
        self.logs = LogTap()
        """The streams following this server's log records (`logs.py`)."""
        self._ticker: asyncio.Task[None] | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._keys: KeyWatch | None = None

    @property
    def engine(self) -> Engine:
        """The running engine."""
        if self._engine is None:
            raise RuntimeError("the stream layer has not started")
        return self._engine

    def client(
        self,
        *,
        identity: Identity | None = None,
        address: str | None = None,
        kind: str = "sse",
        terminal_after_reset: bool = False,
        heartbeats: bool = False,
    ) -> StreamClient:
        """A new subscriber with the configured bound (`heartbeats`: keep-alive ticks every 15 s).

        It counts against its key's `api.maxStreamsPerKey` (its address's, without a key) until `release`;
        TooManyRequestsError when that is used up.
        """
        holder = self._holder(identity, address)
        self._take(holder)
        maxsize = self.settings.subscriber_queue or self.engine.events.subscriber_queue
        client = StreamClient(
            self.bus, maxsize=maxsize, terminal_grace=self.settings.terminal_grace_seconds, on_drop=self._dropped
        )
        client.terminal_after_reset = terminal_after_reset
        client.heartbeats = heartbeats
        client.identity = identity
        client.holder = holder
        client.kind = kind
        client.delivery = self.delivery
        self._clients.add(client)
        return client

    def rebind(self, client: StreamClient, identity: Identity, address: str | None) -> None:
        """The stream now runs on another key (a WebSocket `auth` message): move it to that key's allowance."""
        holder = self._holder(identity, address)
        if holder != client.holder and client in self._clients:
            self._take(holder)
            self._give(client.holder)
            client.holder = holder
        client.identity = identity

    def release(self, client: StreamClient) -> None:
        """A subscriber's stream ended (however it ended; releasing twice is harmless)."""
        client.close()
        self.logs.remove(client)
        if client in self._clients:
            self._clients.discard(client)
            self._give(client.holder)

    @staticmethod
    def _holder(identity: Identity | None, address: str | None) -> str:
        key_id = identity.key_id if identity is not None else None
        return f"key:{key_id}" if key_id is not None else f"addr:{address or 'unknown'}"

    def _take(self, holder: str) -> None:
        limit = self.config.api.max_streams_per_key
        count = self._holders.get(holder, 0)
        if count >= limit:
            subject = "key" if holder.startswith("key:") else "client address"
            raise TooManyRequestsError(
                f"Too many open streams for this {subject} (api.maxStreamsPerKey is {limit}); close one first",
                {"maxStreamsPerKey": limit},
                retry_after_seconds=5,
            )
        self._holders[holder] = count + 1

    def _give(self, holder: str) -> None:
        count = self._holders.get(holder, 0) - 1
        if count > 0:
            self._holders[holder] = count
        else:
            self._holders.pop(holder, None)

    def streams_of(self, holder: str) -> int:
        """Open streams counted against a holder (`key:<id>` or `addr:<address>`)."""
        return self._holders.get(holder, 0)

    def subscribers_by_kind(self) -> dict[str, int]:
        """Open streams by kind (`STREAM_KINDS`: `websocket`, `sse`, `tell_stream`), for metrics (read-only)."""
        counts = dict.fromkeys(STREAM_KINDS, 0)
        for client in self._clients:
            counts[client.kind] = counts.get(client.kind, 0) + 1
        return counts

    def channels_status(self) -> m.ChannelsStatus:
        """The channels backend: its kind and whether it is connected (see `channels.channels_status`)."""
        return channels_status(self.channels)

    def end_stream(self, client: StreamClient, reason: EndReason) -> None:
        """End a stream whose key is no longer usable: an `error` event (401), then the end of the stream."""
        message = _ENDED[reason]
        final = control_event(
            "error",
            {"error": "UnauthorizedError", "message": message, "statusCode": 401, "details": {"reason": reason}},
        )
        client.end(reason, final)
        self.ended += 1
        log.info("ended a %s stream of key %s: %s", client.kind, client.holder.removeprefix("key:"), reason)

    def _dropped(self, client: StreamClient) -> None:
        self.dropped += 1

    @property
    def subscribers(self) -> int:
        """Open streams."""
        return len(self._clients)

    def start(self, engine: Engine) -> None:
        """Publish the engine's events (the channels plugin is running); start the keep-alive and key tickers."""
        self._engine = engine
        self.bus.bind(engine)
        self.logs.bind(engine.logs)
        loop = asyncio.get_running_loop()
        self._ticker = loop.create_task(self._tick(), name="iris-stream-heartbeat")
        if self.access.require_auth:
            changes = StoreChanges(self.config.api.key_store_path) if self.config.api.key_store_path else None
            self._keys = KeyWatch(self.access, changes)
            self._watcher = loop.create_task(self._watch_keys(), name="iris-stream-keys")

    async def _tick(self) -> None:
        """One timer for every stream: a keep-alive tick each `heartbeat_seconds` (none per wait)."""
        while True:
            await asyncio.sleep(self.settings.heartbeat_seconds)
            for client in list(self._clients):
                if client.heartbeats:
                    client.beat()

    async def _watch_keys(self) -> None:
        """End the streams whose key was revoked or expired (see `revocation.py`), every `recheck_seconds`."""
        assert self._keys is not None
        while True:
            await asyncio.sleep(self.settings.recheck_seconds)
            try:
                for client, reason in await self._keys.check(list(self._clients)):
                    self.end_stream(client, reason)
            except Exception:
                log.exception("checking the keys of open streams failed")

    async def stop(self) -> None:
        """End every stream, stop publishing (before the channels plugin stops)."""
        for task in (self._ticker, self._watcher):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._ticker = self._watcher = None
        if self._keys is not None:
            self._keys.close()
            self._keys = None
        for client in list(self._clients):
            self.release(client)
        self.logs.unbind()
        self.bus.unbind()
        await self.bus.close()

"""The stream layer as Litestar plugins: the channels plugin, then a plugin adding routes and the sink binding."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from litestar import Litestar, Router
from litestar.channels import ChannelsPlugin
from litestar.config.app import AppConfig
from litestar.plugins import InitPlugin
from litestar.types import Guard

from app.api.streams.auth import StreamAccess
from app.api.streams.channels import Bus, channels_plugin, close_backend
from app.api.streams.clients import StreamClient
from app.config import IrisConfig

if TYPE_CHECKING:
    from app.engine import Engine

__all__ = ["StreamLayer", "StreamSettings", "StreamsPlugin", "streams_plugins"]

log = logging.getLogger("iris.streams")


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
        self.dropped = 0
        """Subscribers dropped for falling behind, since start."""
        self._ticker: asyncio.Task[None] | None = None

    @property
    def engine(self) -> Engine:
        """The running engine."""
        if self._engine is None:
            raise RuntimeError("the stream layer has not started")
        return self._engine

    def client(self, *, terminal_after_reset: bool = False, heartbeats: bool = False) -> StreamClient:
        """A new subscriber with the configured bound (`heartbeats`: keep-alive ticks every 15 s)."""
        maxsize = self.settings.subscriber_queue or self.engine.events.subscriber_queue
        client = StreamClient(
            self.bus, maxsize=maxsize, terminal_grace=self.settings.terminal_grace_seconds, on_drop=self._dropped
        )
        client.terminal_after_reset = terminal_after_reset
        client.heartbeats = heartbeats
        self._clients.add(client)
        return client

    def release(self, client: StreamClient) -> None:
        """A subscriber's stream ended."""
        client.close()
        self._clients.discard(client)

    def _dropped(self, client: StreamClient) -> None:
        self.dropped += 1

    @property
    def subscribers(self) -> int:
        """Open streams."""
        return len(self._clients)

    def start(self, engine: Engine) -> None:
        """Publish the engine's events (the channels plugin is running), and start the keep-alive ticker."""
        self._engine = engine
        self.bus.bind(engine)
        self._ticker = asyncio.get_running_loop().create_task(self._tick(), name="iris-stream-heartbeat")

    async def _tick(self) -> None:
        """One timer for every stream: a keep-alive tick each `heartbeat_seconds` (none per wait)."""
        while True:
            await asyncio.sleep(self.settings.heartbeat_seconds)
            for client in list(self._clients):
                if client.heartbeats:
                    client.beat()

    async def stop(self) -> None:
        """End every stream, stop publishing (before the channels plugin stops)."""
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        for client in list(self._clients):
            self.release(client)
        self.bus.unbind()
        await self.bus.close()


class StreamsPlugin(InitPlugin):
    """Adds `GET /api/events`, `POST /api/teams/tell/stream` and `/ws`, and binds the bus to the engine.

    It must come after the channels plugin in `plugins` (its lifespan then runs inside the channels
    plugin's), and the app's own lifespan must have put the engine in `app.state.engine`.
    """

    def __init__(self, layer: StreamLayer, guards: Sequence[Guard] = ()) -> None:
        self.layer = layer
        self.guards = list(guards)

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        from app.api.streams.sse import StreamsController
        from app.api.streams.websocket import websocket_handler

        app_config.route_handlers.append(Router(path="/api", route_handlers=[StreamsController], guards=self.guards))
        app_config.route_handlers.append(websocket_handler)
        app_config.lifespan.append(self._lifespan)
        app_config.on_shutdown.append(self._closed)  # runs after every lifespan, the channels plugin's too
        app_config.state["streams"] = self.layer
        return app_config

    async def _closed(self) -> None:
        await close_backend(self.layer.channels)

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Litestar) -> AsyncIterator[None]:
        engine: Any = app.state.get("engine")
        if engine is None:
            raise RuntimeError("the stream layer needs app.state.engine (set by the app's lifespan) to start")
        self.layer.start(engine)
        try:
            yield
        finally:
            await self.layer.stop()


def streams_plugins(
    config: IrisConfig,
    access: StreamAccess | None = None,
    *,
    guards: Sequence[Guard] = (),
    settings: StreamSettings | None = None,
) -> list[InitPlugin]:
    """The plugins to add to the app, in this order: Litestar's channels plugin, then the stream layer."""
    layer = StreamLayer(config, access, settings)
    return [layer.channels, StreamsPlugin(layer, guards)]

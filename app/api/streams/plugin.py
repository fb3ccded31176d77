"""The stream layer as Litestar plugins: the channels plugin, then a plugin adding routes and the sink binding."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

from litestar import Litestar, Router
from litestar.config.app import AppConfig
from litestar.plugins import InitPlugin
from litestar.types import Guard

from app.api.auth.access import StreamAccess
from app.api.streams.channels import close_backend
from app.api.streams.layer import StreamLayer, StreamSettings
from app.api.streams.sse import StreamsController
from app.api.streams.websocket import websocket_handler
from app.config import IrisConfig

__all__ = ["StreamsPlugin", "streams_plugins"]


class StreamsPlugin(InitPlugin):
    """Adds `GET /api/events`, `POST /api/teams/tell/stream` and `/ws`, and binds the bus to the engine.

    It must come after the channels plugin in `plugins` (its lifespan then runs inside the channels
    plugin's), and the app's own lifespan must have put the engine in `app.state.engine`.
    """

    def __init__(self, layer: StreamLayer, guards: Sequence[Guard] = ()) -> None:
        self.layer = layer
        self.guards = list(guards)

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
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

"""The metrics as a Litestar plugin: a registry for the app, the `/metrics` route, and the binding to the engine."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

from litestar import Litestar
from litestar.config.app import AppConfig
from litestar.plugins import InitPlugin
from litestar.types import Guard

from app.api.metrics.collector import IrisMetrics
from app.api.metrics.controllers import STATE_KEY, metrics_route
from app.config import MetricsConfig

__all__ = ["MetricsPlugin"]

log = logging.getLogger("iris.api")


class MetricsPlugin(InitPlugin):
    """Adds `GET /metrics` (unless `api.metrics.enabled` is false) with a registry of this app's own.

    It must come after the stream layer's plugins in `plugins`: its lifespan then runs inside theirs and the
    app's, with `app.state.engine` (and the stream layer) there to read.
    """

    def __init__(self, config: MetricsConfig, guards: Sequence[Guard] = ()) -> None:
        self.config = config
        self.guards = list(guards)
        self.metrics = IrisMetrics()

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        if not self.config.enabled:
            return app_config
        if self.config.public:
            log.warning("api.metrics.public is true: GET /metrics answers without a key")
        app_config.route_handlers.append(metrics_route(public=self.config.public, guards=self.guards))
        app_config.lifespan.append(self._lifespan)
        app_config.state[STATE_KEY] = self.metrics
        return app_config

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Litestar) -> AsyncIterator[None]:
        engine: Any = app.state.get("engine")
        if engine is None:
            raise RuntimeError("the metrics need app.state.engine (set by the app's lifespan) to start")
        auth: Any = app.state.get("auth")
        self.metrics.bind(engine, app.state.get("streams"), getattr(auth, "audit", None))
        try:
            yield
        finally:
            self.metrics.unbind()

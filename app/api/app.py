"""The Litestar application: one engine per app, the REST controllers under /api, and the contract's docs.

`create_app(config)` builds it; `litestar run` from the repository root finds it through `app/app.py`, and
`python -m app serve` runs it with uvicorn on `api.host:api.port`.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path

from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.types import ControllerRouterHandler, Guard

from app.api.cache.controllers import CacheController
from app.api.deps import provide_engine
from app.api.docs.controllers import DocsController
from app.api.errors import MAX_BODY_BYTES, exception_handlers
from app.api.hardening import cors_config, security_headers
from app.api.permissions.controllers import PermissionsController
from app.api.processes.controllers import ProcessesController
from app.api.sessions.controllers import SessionsController
from app.api.status.controllers import StatusController, TeamStatusController
from app.api.streams import streams_plugins
from app.api.teams.controllers import RequestController, TeamsController
from app.config import IrisConfig, default_config_path, load_config
from app.config_watch import ConfigWatcher
from app.engine import Engine

__all__ = ["API_CONTROLLERS", "api_router", "create_app", "find_config_path"]

log = logging.getLogger("iris.api")

API_CONTROLLERS: tuple[ControllerRouterHandler, ...] = (
    TeamsController,
    RequestController,
    SessionsController,
    ProcessesController,
    CacheController,
    TeamStatusController,
    StatusController,
    PermissionsController,
)
"""Every REST controller, mounted under /api. Each route's `opt` names its operation, permission and statuses."""


def api_router(guards: Sequence[Guard] = ()) -> Router:
    """The /api router; `guards` run for every API route (an auth guard reads `opt["permission"]`)."""
    return Router(path="/api", route_handlers=list(API_CONTROLLERS), guards=list(guards))


def find_config_path() -> Path:
    """`IRIS_CONFIG_PATH`, else `$IRIS_HOME/config.yaml` when it exists, else `config.yaml` or
    `config.example.yaml` in the working directory (so `litestar run` works from the repository root)."""
    if os.environ.get("IRIS_CONFIG_PATH"):
        return default_config_path()
    candidates = [default_config_path(), Path("config.yaml"), Path("config.example.yaml")]
    return next((path for path in candidates if path.is_file()), candidates[0])


def _lifespan(config: IrisConfig) -> Callable[[Litestar], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def run(app: Litestar) -> AsyncIterator[None]:
        engine = Engine(config)
        await engine.start()
        app.state.engine = engine
        watcher: ConfigWatcher | None = None
        if config.settings.hot_reload_config and config.source and Path(config.source).is_file():

            def applied(new: IrisConfig) -> None:
                engine.apply_config(new)
                app.state.config = new
                app.state.config_error = None

            def failed(error: Exception) -> None:
                app.state.config_error = str(getattr(error, "message", error))

            watcher = ConfigWatcher(config.source, applied, on_error=failed)
            watcher.start()
            log.info("watching %s for changes (settings.hotReloadConfig)", config.source)
        try:
            yield
        finally:
            if watcher is not None:
                await watcher.stop()
            await engine.shutdown()

    return run


def create_app(config: IrisConfig | None = None, *, guards: Sequence[Guard] = ()) -> Litestar:
    """The Iris API app on `config` (None: load the file from `IRIS_CONFIG_PATH` or the usual places)."""
    if config is None:
        config = load_config(find_config_path())
    if not config.api.require_auth:
        log.warning("api.requireAuth is false: the API accepts requests without a key (local development only)")
    elif not guards:
        log.warning("no authentication guard is installed yet: requests are served without checking keys")
    return Litestar(
        route_handlers=[api_router(guards), DocsController],
        dependencies={"engine": Provide(provide_engine, sync_to_thread=False)},
        exception_handlers=exception_handlers,
        lifespan=[_lifespan(config)],
        state=State({"config": config, "config_error": None}),
        before_send=[security_headers],
        cors_config=cors_config(config.api.cors),
        request_max_body_size=MAX_BODY_BYTES,
        openapi_config=None,
        plugins=streams_plugins(config, guards=guards),  # issue #5: channels, /api/events, tell/stream, /ws
    )

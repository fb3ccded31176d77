"""The Litestar application: one engine per app, the REST controllers under /api, MCP at /mcp, the docs and the
dashboard (at `dashboard.path`, and on `dashboard.port` when set: `app.api.dashboard`).

`create_app(config)` builds it; `litestar run` from the repository root finds it through `app/app.py`, and
`python -m app serve` runs it with uvicorn on `api.host:api.port`. Both apply the same checks and serve it with
the same HTTP protocol (`app.api.server`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path

from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.types import ControllerRouterHandler, Guard

from app.api.auth.controllers import AuditController, KeysController
from app.api.auth.guards import auth_guard
from app.api.auth.hooks import auth_response_hook
from app.api.auth.state import AuthServices
from app.api.cache.controllers import CacheController
from app.api.dashboard.controllers import dashboard_router
from app.api.dashboard.listener import DashboardListener
from app.api.deps import provide_engine
from app.api.docs.controllers import DocsController
from app.api.errors import MAX_BODY_BYTES, exception_handlers
from app.api.hardening import cors_config, cors_refusals, redact_logs, security_headers
from app.api.mcp.cli import mcp as mcp_commands
from app.api.mcp.server import McpEndpoint
from app.api.mcp.teams import team_tools
from app.api.metrics import MetricsPlugin
from app.api.permissions.controllers import PermissionsController
from app.api.processes.controllers import ProcessesController
from app.api.server import ServePlugin, check_serving
from app.api.sessions.controllers import SessionsController
from app.api.status.controllers import StatusController, TeamStatusController
from app.api.streams import streams_plugins
from app.api.teams.controllers import RequestController, TeamsController
from app.api.webhooks.controllers import WebhooksController
from app.auth.cli import IrisCLIPlugin
from app.config import IrisConfig, default_config_path, find_config_file, load_config
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
    KeysController,
    AuditController,
    WebhooksController,
)
"""Every REST controller, mounted under /api. Each route's `opt` names its operation, permission and statuses."""


def api_router(guards: Sequence[Guard] = ()) -> Router:
    """The /api router; `guards` run for every API route (an auth guard reads `opt["permission"]`)."""
    return Router(path="/api", route_handlers=list(API_CONTROLLERS), guards=list(guards))


def find_config_path() -> Path:
    """The config file `create_app()` loads (see `app.config.find_config_file`); the default path if none exists."""
    return find_config_file() or default_config_path()


def _lifespan(
    config: IrisConfig, auth: AuthServices
) -> Callable[[Litestar], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def run(app: Litestar) -> AsyncIterator[None]:
        check_serving(config, config.api.host, command=False)
        await auth.open()
        engine = Engine(config)
        engine.tool_provider = team_tools(app)  # Iris's tools in every team's Claude Code (irisTools)
        try:
            await engine.start()
        except BaseException:
            await auth.close()
            raise
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
            try:
                await engine.shutdown()
            finally:
                await auth.close()  # after the engine; the audit log last, flushed

    return run


def create_app(config: IrisConfig | None = None, *, guards: Sequence[Guard] | None = None) -> Litestar:
    """The Iris API app on `config` (None: load the file from `IRIS_CONFIG_PATH` or the usual places).

    `guards` replaces the /api guards (default: the auth guard, which enforces keys, permissions, team scopes
    and rate limits and audits; see `app.api.auth.guards`). Its startup refuses `api.requireAuth: false` on a
    non-loopback `api.host` (ConfigurationError), whoever serves it; from then on no log record carries a key.
    """
    redact_logs()
    if config is None:
        config = load_config(find_config_path())
    if not config.api.require_auth:
        log.warning("api.requireAuth is false: the API accepts requests without a key (local development only)")
    if guards is None:
        guards = (auth_guard,)
    auth = AuthServices(config)
    mcp = McpEndpoint()
    dashboard = DashboardListener(config)
    pages = [dashboard_router(config)] if config.dashboard.enabled else []
    return Litestar(
        route_handlers=[api_router(guards), DocsController, mcp.route(), *pages],
        dependencies={"engine": Provide(provide_engine, sync_to_thread=False)},
        exception_handlers=exception_handlers,
        lifespan=[_lifespan(config, auth), mcp.lifespan, dashboard.lifespan],
        state=State({"config": config, "config_error": None, "auth": auth, "dashboard": dashboard}),
        before_send=[security_headers, cors_refusals, auth_response_hook],
        cors_config=cors_config(config.api.cors),
        request_max_body_size=MAX_BODY_BYTES,
        openapi_config=None,
        plugins=[
            *streams_plugins(config, auth.stream_access(), guards=guards),
            MetricsPlugin(config.api.metrics, guards),  # after the streams: it reads their subscriber counts
            IrisCLIPlugin(commands=[mcp_commands]),  # `litestar iris mcp ...`
            ServePlugin(config),  # `litestar run`: the checks, HTTP protocol and address of `python -m app serve`
        ],
    )

"""The dashboard on a port of its own (`dashboard.port`): a second listener in the server's process and loop.

It serves the same app as the API listener through `DashboardPort`, which marks each request as the dashboard
port's (an ASGI scope key no client can set) and maps every path onto `dashboard.path`, so the same files answer
at `/` and at `dashboard.path`, and nothing else does (the API, `/ws` and the docs stay on `api.port`). The page
then calls the API across origins, which `api.cors.origins` must allow (a warning at start says when it does not).
The app's lifespan starts it after the engine and stops it before, whoever serves the app (`python -m app serve`,
`litestar run`, the tests' server); `python -m app serve` binds its socket before anything starts and hands it
over (`DashboardListener.socket`), so a taken port is one line and status 1 like the API's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from litestar import Litestar
from litestar.types import Receive, Scope, Send

from app.api.dashboard.controllers import DASHBOARD_PORT
from app.api.server import IrisHttpProtocol, dashboard_origin, is_loopback, listen_socket
from app.config import IrisConfig

__all__ = ["DashboardListener", "DashboardPort", "listener_of", "loopback_origins"]

log = logging.getLogger("iris.api")


def loopback_origins(config: IrisConfig) -> list[str]:
    """Every origin a browser on this machine may give the dashboard's own port (the host as configured, and
    `localhost`, `127.0.0.1` and `[::1]` for a loopback host)."""
    dashboard = config.dashboard
    if dashboard.port is None:
        return []
    scheme = "https" if config.api.tls else "http"
    hosts = [dashboard.host, *(("localhost", "127.0.0.1", "::1") if is_loopback(dashboard.host) else ())]
    return list(dict.fromkeys(f"{scheme}://{f'[{h}]' if ':' in h else h}:{dashboard.port}" for h in hosts))


class DashboardPort:
    """The ASGI app of the dashboard's port: the Iris app, every path mapped onto `dashboard.path`."""

    def __init__(self, app: Litestar, path: str) -> None:
        self.app = app  # `app.api.server` finds the Iris app (and its limits) through `.app`
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one connection: HTTP to the dashboard's files; WebSockets are refused (they belong to the API)."""
        kind: str = scope["type"]
        if kind == "websocket":
            await receive()
            await send({"type": "websocket.close", "code": 1008, "reason": ""})
            return
        if kind != "http":
            return
        path = scope["path"]
        if not (path == self.path or path.startswith(self.path + "/")):
            raw = scope.get("raw_path") or path.encode()
            scope = {**scope, "path": self.path + path, "raw_path": self.path.encode() + raw}  # type: ignore[assignment]
        scope[DASHBOARD_PORT] = True  # type: ignore[literal-required]
        await self.app(scope, receive, send)


class DashboardListener:
    """The second listener: bound once, started by the app's lifespan, stopped before the engine."""

    def __init__(self, config: IrisConfig) -> None:
        self.config = config
        self.socket: socket.socket | None = None
        self.server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def wanted(self) -> bool:
        """Whether the config asks for a port of the dashboard's own."""
        return self.config.dashboard.enabled and self.config.dashboard.port is not None

    def bind(self) -> socket.socket:
        """Bind `dashboard.host:dashboard.port` unless a socket was given (OSError as `listen_socket`)."""
        if self.socket is None:
            self.socket = listen_socket(self.config.dashboard.host, self.config.dashboard.port or 0)
        return self.socket

    def _warn_about_cors(self) -> None:
        cors = self.config.api.cors
        origin = dashboard_origin(self.config)
        if origin is None:
            return
        allowed = set(cors.origins) if cors.enabled else set()
        if "*" not in allowed and not allowed & set(loopback_origins(self.config)):
            log.warning(
                "the dashboard at %s calls the API across origins, but api.cors.origins does not allow %s: "
                "add it there (or open the dashboard at %s on the API's port)",
                f"{origin}/",
                origin,
                self.config.dashboard.path + "/",
            )

    async def start(self, app: Litestar) -> None:
        """Listen and serve the dashboard in this loop."""
        sock = self.bind()
        tls = self.config.api.tls
        server = self.server = uvicorn.Server(
            uvicorn.Config(
                DashboardPort(app, self.config.dashboard.path),
                http=IrisHttpProtocol,
                lifespan="off",  # the app's lifespan is the API listener's
                ssl_certfile=tls.cert if tls else None,
                ssl_keyfile=tls.key if tls else None,
                proxy_headers=False,
                server_header=False,
                log_config=None,
                timeout_graceful_shutdown=5,
            )
        )
        server.config.load()
        server.lifespan = server.config.lifespan_class(server.config)
        await server.startup(sockets=[sock])
        self._task = asyncio.create_task(server.main_loop(), name="iris-dashboard")
        self._warn_about_cors()
        log.info("dashboard listening on %s/", dashboard_origin(self.config))

    async def stop(self) -> None:
        """Stop listening and close its connections."""
        server, self.server = self.server, None
        if server is not None:
            server.should_exit = True
            if self._task is not None:
                await self._task
            await server.shutdown(sockets=[self.socket] if self.socket is not None else None)
        if self.socket is not None:
            self.socket.close()
            self.socket = None

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Litestar) -> AsyncIterator[None]:
        """The app's lifespan part: serve the dashboard's port while the app runs (nothing when not wanted)."""
        if not self.wanted:
            yield
            return
        await self.start(app)
        try:
            yield
        finally:
            await self.stop()


def listener_of(app: Any) -> DashboardListener | None:
    """The dashboard listener of an Iris app (None for another app)."""
    state = getattr(app, "state", None)
    listener = getattr(state, "dashboard", None) if state is not None else None
    return listener if isinstance(listener, DashboardListener) else None

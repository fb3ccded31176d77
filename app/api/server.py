"""How Iris is served: the checks every entry point applies, and uvicorn's HTTP protocol with header limits.

`IrisHttpProtocol` is uvicorn's httptools protocol with a limit on the size of the request line plus headers
(`api.maxHeaderBytes`) and on the number of headers (`api.maxHeaders`), enforced while the head arrives, so an
oversized head costs neither memory nor event-loop time and is answered 431 before any authentication. It also
answers malformed requests (a bad request line, a bad header, invalid chunked encoding) and refused WebSocket
handshakes (`IrisWebSocketProtocol`) in the contract's error shape instead of uvicorn's plain text, and offers
each HTTP request's app a direct writer of its chunked response body (`BODY_WRITER` in `scope["extensions"]`).
`python -m app serve` runs uvicorn with it (`IrisServer`, on a socket bound before the app starts: `listen_socket`),
and says where things are once it listens (`where_lines`); for `litestar run`, `ServePlugin` applies the same
checks, puts the protocol in place (see `ServePlugin.server_lifespan`) and makes the config's `api.host` and
`api.port` that command's defaults. When the server begins a graceful stop, the protocol
stops the engine at once (`Engine.begin_shutdown`), so a caller waiting on a tell gets its answer instead of
holding the stop until uvicorn gives up on its connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import os
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import httptools
import uvicorn
from litestar import Litestar
from litestar.plugins import CLIPlugin
from uvicorn.config import HTTP_PROTOCOLS
from uvicorn.config import Config as UvicornConfig
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol, RequestResponseCycle
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState
from websockets.datastructures import Headers as WebSocketHeaders
from websockets.http11 import Response as WebSocketResponse

from app.api.errors import error_body, error_name
from app.api.hardening import SECURITY_HEADERS
from app.api.models import ErrorName
from app.config import ApiConfig, IrisConfig, iris_home
from app.engine import Engine
from app.engine.instance import server_running
from app.errors import ConfigurationError

__all__ = [
    "BODY_WRITER",
    "PROTOCOL_PATH",
    "IrisHttpProtocol",
    "IrisServer",
    "IrisWebSocketProtocol",
    "ServePlugin",
    "base_url",
    "check_serving",
    "dashboard_lines",
    "dashboard_origin",
    "dashboard_urls",
    "is_loopback",
    "listen_socket",
    "serving_problem",
    "where_lines",
]

PROTOCOL_PATH = f"{__name__}:IrisHttpProtocol"
"""The protocol as uvicorn's `--http` / `http=` import string."""


def is_loopback(host: str) -> bool:
    """Whether `host` is `localhost` or a loopback address."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serving_problem(
    config: IrisConfig, host: str | None, *, command: bool = True, option: str = "api.host"
) -> str | None:
    """Why `config` must not be served on `host` (None: an address nobody can tell), or None.

    `command`: the check of a command that serves (`python -m app serve`, `litestar run`), which also refuses
    `api.enabled: false`; the app's own startup check leaves that to the commands. `option` names where the
    host comes from.
    """
    api = config.api
    if command and not api.enabled:
        return f"api.enabled is false in {config.source}: set it to true to serve the API"
    if not api.require_auth and (host is None or not is_loopback(host)):
        where = f"{option} {host} is not a loopback address" if host is not None else "the address is not known"
        return f"{where} and api.requireAuth is false: refusing to serve"
    dashboard = config.dashboard
    if dashboard.enabled and dashboard.port is not None and not api.require_auth and not is_loopback(dashboard.host):
        return f"dashboard.host {dashboard.host} is not a loopback address and api.requireAuth is false: refusing"
    return None


def check_serving(config: IrisConfig, host: str | None, *, command: bool = True) -> None:
    """ConfigurationError when `config` must not be served on `host` (see `serving_problem`)."""
    problem = serving_problem(config, host, command=command)
    if problem:
        key = "dashboard.host" if problem.startswith("dashboard.host") else None
        key = key or ("api.requireAuth" if "requireAuth" in problem else "api.enabled")
        raise ConfigurationError(problem, {"key": key})


# ----------------------------------------------------------------------------- where it listens


def listen_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to `host:port` (port 0: a free one), for uvicorn to listen on; OSError with a one-line
    reason when it cannot be bound (the port in use, an address this machine does not have)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as error:
        raise OSError(error.errno, f"cannot listen on {host}: the host is not known ({error.strerror})") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            reason = (
                f"port {port} on {host} is already in use (another server?): stop it, "
                "or choose another port with --port (--port 0 picks a free one)"
            )
        else:
            reason = f"cannot listen on {host} port {port}: {error.strerror or error}"
        raise OSError(error.errno, reason) from None
    return sock  # not inheritable: a Claude Code process outliving a killed server must not hold the port


def base_url(api: ApiConfig) -> str:
    """The server's address as a client writes it (`http://127.0.0.1:1615`)."""
    host = f"[{api.host}]" if ":" in api.host else api.host
    return f"{'https' if api.tls else 'http'}://{host}:{api.port}"


def dashboard_origin(config: IrisConfig) -> str | None:
    """The origin of the dashboard's own port as a browser writes it (`http://localhost:3100` for a loopback
    `dashboard.host`), or None when it has none."""
    dashboard = config.dashboard
    if not dashboard.enabled or dashboard.port is None:
        return None
    host = "localhost" if is_loopback(dashboard.host) else dashboard.host
    return f"{'https' if config.api.tls else 'http'}://{f'[{host}]' if ':' in host else host}:{dashboard.port}"


def dashboard_urls(config: IrisConfig) -> list[str]:
    """The dashboard's addresses: at `dashboard.path` on the API's address, then on its own port when set (none
    when it is disabled)."""
    if not config.dashboard.enabled:
        return []
    own = dashboard_origin(config)
    return [f"{base_url(config.api)}{config.dashboard.path}/", *([f"{own}/"] if own else [])]


def dashboard_lines(config: IrisConfig, fragment: str = "") -> list[str]:
    """Where the dashboard is, as `serve` and `demo` print it, each address + `fragment`."""
    urls = dashboard_urls(config)
    own = "  (its own port: api.cors.origins must allow its origin)"
    return [f"  dashboard:  {url}{fragment}{own if index else ''}" for index, url in enumerate(urls)]


def where_lines(config: IrisConfig) -> list[str]:
    """Where things are, as the server logs them once it listens: its URLs, the config file, IRIS_HOME, the teams."""
    url = base_url(config.api)
    teams = ", ".join(config.teams)
    return [
        f"Iris is listening on {url}",
        f"  API:        {url}/api",
        f"  Swagger UI: {url}/schema/swagger",
        *dashboard_lines(config),
        f"  MCP:        {url}/mcp",
        f"  config:     {Path(config.source).resolve() if config.source else '(none)'}",
        f"  IRIS_HOME:  {iris_home()}",
        f"  teams:      {len(config.teams)}" + (f" ({teams})" if teams else ""),
    ]


class IrisServer(uvicorn.Server):
    """uvicorn's server, calling `on_listening` once it accepts connections (after the app's startup)."""

    def __init__(self, config: UvicornConfig, on_listening: Callable[[], None] | None = None) -> None:
        super().__init__(config)
        self.on_listening = on_listening

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        """Start the app, listen, then call `on_listening`."""
        await super().startup(sockets)
        if self.started and not self.should_exit and self.on_listening is not None:
            self.on_listening()


# ----------------------------------------------------------------------------- the HTTP protocol


class _HeadTooLarge(Exception):
    """Raised from a parser callback to stop parsing a request head over the limits."""


def _served_config(app: Any) -> ApiConfig:
    """The `api` config of the Iris app under uvicorn's wrappers (defaults when there is none)."""
    for _ in range(8):
        if isinstance(app, Litestar):
            config = getattr(app.state, "config", None)
            return config.api if isinstance(config, IrisConfig) else ApiConfig()
        app = getattr(app, "app", None)
    return ApiConfig()


def _served_engine(app: Any) -> Engine | None:
    """The engine of the Iris app under uvicorn's wrappers, once it has started (None before, or for another app)."""
    for _ in range(8):
        if isinstance(app, Litestar):
            engine = getattr(app.state, "engine", None)
            return engine if isinstance(engine, Engine) else None
        app = getattr(app, "app", None)
    return None


class IrisWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's WebSocket protocol whose refusals of a handshake (a missing or bad `Sec-WebSocket-Key`, a wrong
    version, the app closing before it accepts) are in the contract's shape."""

    def __init__(
        self,
        config: UvicornConfig,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        plain = self.conn.reject

        def reject(status: Any, text: str) -> WebSocketResponse:
            response = plain(status, text)
            message = text.strip().rstrip(".") or response.reason_phrase
            name = error_name(response.status_code)
            details = {"field": "headers"} if response.status_code == 400 else None
            body = error_body(name, message, response.status_code, details)
            headers = WebSocketHeaders(
                [(k, v) for k, v in response.headers.raw_items() if k.lower() not in ("content-type", "content-length")]
            )
            for header, value in {**SECURITY_HEADERS, "Content-Type": "application/json"}.items():
                headers[header] = value
            headers["Content-Length"] = str(len(body))
            return WebSocketResponse(response.status_code, response.reason_phrase, headers, body)

        self.conn.reject = reject  # type: ignore[method-assign]


BODY_WRITER = "iris.body_writer"
"""The `scope["extensions"]` entry of an HTTP request served by `IrisHttpProtocol`: a function that writes one
chunk of the response's body straight to the connection, without a trip through ASGI `send` (see
`_body_writer`)."""


_framed: tuple[bytes, bytes] = (b"", b"")
"""The last body chunk a body writer wrote, and that chunk framed."""


def _body_writer(cycle: RequestResponseCycle) -> Callable[[bytes], bool]:
    """Write `body` as the next chunk of `cycle`'s chunked response body, now; False (nothing written) unless the
    response has started with chunked framing, has not ended, and the connection is open and not paused for flow
    control (then the chunk must go through ASGI `send`, which waits). The response still ends through `send`."""
    transport = cycle.transport
    flow = cycle.flow

    def write(body: bytes) -> bool:
        if (
            not cycle.response_started
            or cycle.response_complete
            or cycle.chunked_encoding is not True
            or cycle.disconnected
            or flow.write_paused
            or transport.is_closing()
        ):
            return False
        if body:  # an empty chunk would end the body
            global _framed
            framed = _framed
            if framed[0] is not body:  # the same event's bytes for many subscribers in a row: framed once
                framed = _framed = (body, b"%x\r\n%b\r\n" % (len(body), body))
            transport.write(framed[1])
        return True

    return write


class IrisHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with limits on the request head and errors in the contract's shape.

    The limits are read, for each connection, from the config of the app being served (so a reloaded config
    applies to new connections). The size counts the request line and every header as sent (`name: value`
    plus its line end); a head still arriving counts every byte received for it, so memory stays bounded
    (the limit plus one read) even for one endless header.
    """

    def __init__(
        self,
        config: UvicornConfig,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        if self.ws_protocol_class is WebSocketsSansIOProtocol:  # uvicorn's default with websockets installed
            self.ws_protocol_class = IrisWebSocketProtocol
        api = _served_config(self.app)
        self.max_header_bytes = api.max_header_bytes
        self.max_headers = api.max_headers
        self._in_head = True  # receiving a request line and headers (or waiting for the next request)
        self._head_received = 0  # bytes received for the current head, counted per read
        self._head_bytes = 0  # the current head's request line and complete headers
        self._header_count = 0
        self._message_ended = False  # a request ended within the current read
        self._too_large: tuple[str, int] | None = None
        """Why the current head is refused, and the limit it broke."""

    # limits

    def _count(self, size: int, headers: int = 0) -> None:
        self._head_bytes += size
        self._header_count += headers
        if self._header_count > self.max_headers:
            self._too_large = (f"The request has more than {self.max_headers} headers", self.max_headers)
        elif self._head_bytes > self.max_header_bytes:
            self._too_large = self._too_many_bytes()
        if self._too_large:
            raise _HeadTooLarge

    def _too_many_bytes(self) -> tuple[str, int]:
        return f"The request line and headers exceed {self.max_header_bytes} bytes", self.max_header_bytes

    def on_message_begin(self) -> None:
        """A request starts: its head is counted from zero."""
        super().on_message_begin()
        self._in_head = True
        self._head_bytes = self._header_count = 0

    def on_url(self, url: bytes) -> None:
        """Part of the request target."""
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        """One complete header."""
        self._count(len(name) + len(value) + 4, 1)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        """The head is complete: the body follows (and the request's scope offers `BODY_WRITER`)."""
        self._in_head = False
        self._head_received = 0
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is not None and cycle.scope is self.scope and self.scope["method"] != "HEAD":
            extensions: dict[str, Any] = self.scope.setdefault("extensions", {})
            extensions[BODY_WRITER] = _body_writer(cycle)

    def on_message_complete(self) -> None:
        """The request ended: the next head may follow in the same read."""
        self._in_head = True
        self._head_received = 0
        self._message_ended = True
        super().on_message_complete()

    def data_received(self, data: bytes) -> None:
        """Feed the parser, refusing a head over the limits and answering malformed requests in the contract."""
        self._unset_keepalive_if_required()
        self._message_ended = False
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
            return
        except httptools.HttpParserError as error:
            if self._too_large:
                self._refuse_head(*self._too_large)
            else:
                self._malformed(error)
            return
        if self._in_head and not self._message_ended:  # a head still arriving: its bytes so far count
            self._head_received += len(data)
            if self._head_received > self.max_header_bytes:
                self._refuse_head(*self._too_many_bytes())

    def shutdown(self) -> None:
        """The server begins a graceful stop: the engine stops first (its running tells end, the waiters of queued
        ones get them back still queued), then the connection closes once its response is sent."""
        engine = _served_engine(self.app)
        if engine is not None:
            engine.begin_shutdown()
        super().shutdown()

    # answers

    def _refuse_head(self, message: str, limit: int) -> None:
        self.logger.warning("Request head over the limits (%s): answered 431", message)
        body = error_body(ErrorName.request_header_fields_too_large_error, message, 431, {"limit": limit})
        self._answer(431, body)

    def _malformed(self, error: httptools.HttpParserError) -> None:
        reason = str(error) or "unreadable"
        if not self._in_head:
            part = "body"
        elif self._header_count or "header" in reason.lower():
            part = "headers"
        else:
            part = "requestLine"
        self.logger.warning("Invalid HTTP request received (%s: %s).", part, reason)
        message = f"{part}: malformed HTTP request ({reason[:1].lower() + reason[1:]})"
        self._answer(400, error_body(ErrorName.validation_error, message, 400, {"field": part}))

    def _answer(self, status: int, body: bytes) -> None:
        """Send an error answer below the app and close the connection (only close when a response is under way)."""
        cycle = self.cycle
        if cycle is not None and cycle.response_started and not cycle.response_complete:
            self.transport.close()
            return
        content = [STATUS_LINE[status]]
        for default_name, default_value in self.server_state.default_headers:
            content.extend([default_name, b": ", default_value, b"\r\n"])
        headers = {
            **SECURITY_HEADERS,
            "Content-Type": "application/json",
            "Content-Length": str(len(body)),
            "Connection": "close",
            "X-Request-ID": uuid.uuid4().hex,
        }
        for name, value in headers.items():
            content.extend([name.encode("ascii"), b": ", value.encode("ascii"), b"\r\n"])
        content.extend([b"\r\n", body])
        self.transport.write(b"".join(content))
        self.transport.close()


# ----------------------------------------------------------------------------- litestar run


class ServePlugin(CLIPlugin):
    """`litestar run` serves Iris as `python -m app serve` does: the same checks, the same HTTP protocol, and the
    config's `api.host` and `api.port` unless `--host`/`--port` (or `LITESTAR_HOST`/`LITESTAR_PORT`) say otherwise."""

    __slots__ = ("config",)

    def __init__(self, config: IrisConfig | None = None) -> None:
        self.config = config

    def on_cli_init(self, cli: click.Group) -> None:
        """No commands of its own (`litestar iris` is `IrisCLIPlugin`'s). `litestar run`'s `--host` and `--port`
        default to the config's `api.host` and `api.port`, and its worker count (`--wc`, also `--workers`) takes any
        number, so that more than one is refused with Iris's reason rather than a range error."""
        run = cli.commands.get("run")
        if run is None:
            return
        defaults = {"host": self.config.api.host, "port": self.config.api.port} if self.config is not None else {}
        for param in run.params:
            if param.name in defaults:
                param.default = defaults[param.name]
            elif param.name == "wc" and isinstance(param, click.Option):
                if "--workers" not in param.opts:
                    param.opts.append("--workers")
                param.type = click.IntRange(min=1)
                param.help = "HTTP workers: Iris serves with one (its Claude Code processes live in it)"

    @contextlib.contextmanager
    def server_lifespan(self, app: Litestar) -> Iterator[None]:
        """Entered by `litestar run` just before it starts uvicorn: refuse what must not be served, then make
        uvicorn use `IrisHttpProtocol`. `litestar run` has no option for uvicorn's protocol, so its default
        (`auto`) names Iris's for the run: in this process, and through `UVICORN_HTTP` in the uvicorn process
        that `--reload` starts."""
        context = click.get_current_context(silent=True)
        params: dict[str, Any] = dict(context.params) if context is not None else {}
        if (params.get("wc") or 1) > 1:
            raise click.ClickException(
                "Iris runs in one process per config (its Claude Code processes live in it): "
                "drop --workers/--web-concurrency, or use `python -m app serve`"
            )
        config = app.state.config
        if context is None:
            problem = serving_problem(config, config.api.host)
        else:
            host = "localhost" if params.get("uds") else None if params.get("fd") is not None else params.get("host")
            problem = serving_problem(config, host, option="litestar run --host")
        problem = problem or server_running(config.database_url)
        if problem:
            raise click.ClickException(problem)
        saved_auto, saved_env = HTTP_PROTOCOLS["auto"], os.environ.get("UVICORN_HTTP")
        HTTP_PROTOCOLS["auto"] = PROTOCOL_PATH
        os.environ["UVICORN_HTTP"] = PROTOCOL_PATH
        try:
            yield
        finally:
            HTTP_PROTOCOLS["auto"] = saved_auto
            if saved_env is None:
                os.environ.pop("UVICORN_HTTP", None)
            else:
                os.environ["UVICORN_HTTP"] = saved_env

"""`python -m app serve [--config PATH] [--host HOST] [--port PORT]`: the API server on `api.host:api.port` (TLS when
`api.tls` is set), with uvicorn on Iris's HTTP protocol (header limits, errors in the contract's shape; see
`app.api.server`). The port is bound before anything else starts (one line and status 1 when it is taken; `--port
0` picks a free one), and so is the dashboard's own port when `dashboard.port` is set (`--port 0` frees that too);
once the server listens it logs where things are, the dashboard included.

`python -m app demo`: the same server on the example config in a temporary `IRIS_HOME` (removed when it stops),
its teams answered by a local model stand-in (`app.standin`), so it runs offline with no Anthropic key. Once it
listens it prints its addresses (the dashboard's with the key in the fragment: one click signs in), an admin key
for its own stores and a `curl` line that tells a team.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shlex
import signal
import socket
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import msgspec

from app.config import IrisConfig, load_config
from app.errors import IrisError

__all__ = ["DEMO_MAX_REQUESTS", "dashboard_url", "main"]

log = logging.getLogger("iris")

DEMO_MAX_REQUESTS = 10_000
"""The demo's requests per key per rate-limit window, at least (exploring by hand and the example scripts stay
far below it)."""


def _fail(message: str) -> int:
    print(f"iris: {message}", file=sys.stderr)
    return 1


def _load(path: str | None) -> IrisConfig:
    from app.api.app import find_config_path

    return load_config(Path(path) if path else find_config_path())


def _exit_after_stop(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def _port(text: str) -> int:
    """A TCP port, 0 to 65535 (0: a free one)."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {port}")
    return port


def _with_api(config: IrisConfig, **changes: object) -> IrisConfig:
    """`config` with these `api` fields changed."""
    return msgspec.structs.replace(config, api=msgspec.structs.replace(config.api, **changes))


def dashboard_url(config: IrisConfig) -> str | None:
    """The dashboard's address on this server (`dashboard.path` on the API's own address; None when disabled)."""
    from app.api.server import dashboard_urls

    return next(iter(dashboard_urls(config)), None)


def _bind_dashboard(config: IrisConfig, any_port: bool) -> tuple[IrisConfig, socket.socket | None]:
    """The dashboard's own socket when `dashboard.port` is set (`any_port`: a free port, as `--port 0` asks),
    and the config with the port it got; when the port moved, an origin `api.cors.origins` allowed for the
    configured port is allowed for the new one too. OSError with a one-line reason when it cannot be bound."""
    from app.api.server import dashboard_origin, listen_socket

    dashboard = config.dashboard
    if not dashboard.enabled or dashboard.port is None:
        return config, None
    try:
        sock = listen_socket(dashboard.host, 0 if any_port else dashboard.port)
    except OSError as error:
        raise OSError(error.errno, f"dashboard.port: {error.strerror or error}") from None
    before = dashboard_origin(config)
    config = msgspec.structs.replace(
        config, dashboard=msgspec.structs.replace(dashboard, port=int(sock.getsockname()[1]))
    )
    cors, after = config.api.cors, dashboard_origin(config)
    if before in cors.origins and after is not None and after not in cors.origins:
        config = _with_api(config, cors=msgspec.structs.replace(cors, origins=(*cors.origins, after)))
    return config, sock


def serve(
    config: IrisConfig,
    *,
    host: str | None = None,
    port: int | None = None,
    on_listening: Callable[[IrisConfig], None] | None = None,
) -> int:
    """Run the server until interrupted; `host` and `port` (0: a free one) replace the config's `api.host` and
    `api.port`; `on_listening(config)` is called once it listens, with the port it listens on."""
    import uvicorn

    from app.api.server import IrisHttpProtocol, IrisServer, listen_socket, serving_problem, where_lines
    from app.engine.instance import server_running

    host = config.api.host if host is None else host
    port = config.api.port if port is None else port
    option = "--host" if host != config.api.host else "api.host"
    problem = serving_problem(config, host, option=option) or server_running(config.database_url)
    if problem:
        return _fail(problem)
    try:
        sock = listen_socket(host, port)
    except OSError as error:
        return _fail(error.strerror or str(error))
    with sock:
        config = _with_api(config, host=host, port=int(sock.getsockname()[1]))
        try:
            config, dashboard_socket = _bind_dashboard(config, any_port=port == 0)
        except OSError as error:
            return _fail(error.strerror or str(error))
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        from app.api.app import create_app
        from app.api.dashboard.listener import listener_of

        app = create_app(config)
        listener = listener_of(app)
        if listener is not None and dashboard_socket is not None:
            listener.socket = dashboard_socket  # it closes it when the server stops
        tls = config.api.tls

        def listening() -> None:
            log.info("\n".join(where_lines(config)))
            if on_listening is not None:
                on_listening(config)

        for stop in (signal.SIGTERM, signal.SIGINT):
            # uvicorn stops gracefully, then raises the signal again; this handler turns that into a normal exit
            # (status 0), so buffered log records are written and the exit status says the stop went well.
            signal.signal(stop, _exit_after_stop)
        server = IrisServer(
            uvicorn.Config(
                app,
                ssl_certfile=tls.cert if tls else None,
                ssl_keyfile=tls.key if tls else None,
                workers=1,  # the process pool lives in this one process
                http=IrisHttpProtocol,
                lifespan="on",
                proxy_headers=False,
                server_header=False,
                timeout_graceful_shutdown=10,
                log_config=None,
            ),
            on_listening=listening,
        )
        server.run(sockets=[sock])
    return 0 if server.started else 3  # 3: uvicorn's status for a server that did not start


# ----------------------------------------------------------------------------- the demo


def _demo_config(path: Path) -> tuple[IrisConfig, int]:
    """The example config, its rate limit raised to at least `DEMO_MAX_REQUESTS` per window, and the file's own
    limit."""
    config = load_config(path)
    limit = config.api.rate_limit
    if limit.enabled and limit.max_requests < DEMO_MAX_REQUESTS:
        config = _with_api(config, rate_limit=msgspec.structs.replace(limit, max_requests=DEMO_MAX_REQUESTS))
    return config, limit.max_requests


def _demo_key(config: IrisConfig) -> str:
    """A new admin key in the demo's key store, audited like one the CLI makes (`via: demo`)."""
    from app.auth.audit import AuditLog
    from app.auth.store import KeyStore

    async def make() -> str:
        async with KeyStore(config.api.key_store_path) as store:
            created = await store.create("demo-admin", role="admin")
        audit = AuditLog(config.api.audit_log_path, config.api.audit_retention_days)
        await audit.open(prune=False)
        try:
            audit.record("key_created", key=created.record, details={"via": "demo", "command": "demo"})
            await audit.flush()
        finally:
            await audit.close()
        return created.key

    return asyncio.run(make())


def _demo_team(config: IrisConfig) -> str:
    """The team the printed `curl` line tells: the first that allows its tool uses, else the first."""
    allowing = [name for name, team in config.teams.items() if team.grant_permission == "yes"]
    return (allowing or list(config.teams))[0]


def demo_lines(config: IrisConfig, key: str, configured_limit: int) -> list[str]:
    """What the demo prints once it listens."""
    from app.api.server import base_url

    url = base_url(config.api)
    team = _demo_team(config)
    body = msgspec.json.encode({"toTeam": team, "message": "Hello from the demo"}).decode()
    curl = shlex.join(
        [
            *("curl", "-sS", "--fail-with-body", "--max-time", "120"),
            *("-H", f"Authorization: Bearer {key}", "-H", "Content-Type: application/json"),
            *("-d", body, f"{url}/api/teams/tell"),
        ]
    )
    limit = config.api.rate_limit
    if not limit.enabled:
        rate = "off (the config turns it off)"
    else:
        rate = f"{limit.max_requests} requests per key per {limit.window_ms // 60_000} minutes"
        if limit.max_requests != configured_limit:
            rate += f" (raised for the demo; {Path(config.source).name} says {configured_limit})"
    from app.api.server import dashboard_lines

    return [
        "",
        "Iris demo is ready: its teams answer from a local model stand-in (offline, no Anthropic key).",
        f"  URL:        {url}",
        f"  Swagger UI: {url}/schema/swagger  (Authorize with the key below)",
        *dashboard_lines(config, f"#key={key}"),  # a fragment never reaches a server; the page stores the key
        f"  MCP:        {url}/mcp",
        f"  admin key:  {key}",
        "              (for this demo's own stores only; they are deleted when the demo stops)",
        f"  rate limit: {rate}",
        f"  teams:      {', '.join(config.teams)}",
        "",
        f"Tell {team} something:",
        f"  {curl}",
        "",
        "Directives in a message script the stand-in's answer: #slow:20:500 (a slow reply), #hang (never ends:",
        "try cancel), #bash:ls (a tool call; team beta asks for permission first), #status:529, #cut.",
        "Stop the demo with Ctrl-C.",
        "",
    ]


def _example_config() -> Path:
    """`config.example.yaml` in the working folder, else the repository's beside this package."""
    here = Path("config.example.yaml")
    beside = Path(__file__).resolve().parent.parent / "config.example.yaml"
    return here if here.is_file() or not beside.is_file() else beside


def demo(path: str | None, *, host: str | None = None, port: int | None = None) -> int:
    """The server on the example config, with the teams' Claude Code pointed at a local model stand-in, in a
    temporary IRIS_HOME that is removed when it stops (Ctrl-C and SIGTERM included)."""
    from app.standin import ModelStandIn

    for stop in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop, _exit_after_stop)  # a stop while starting still removes the folder
    with tempfile.TemporaryDirectory(prefix="iris-demo-", ignore_cleanup_errors=True) as home:
        os.environ["IRIS_HOME"] = home
        os.environ["HOME"] = str(Path(home, "home"))  # Claude Code's own files (~/.claude) stay in the folder too
        Path(home, "home").mkdir()
        with ModelStandIn() as standin:
            os.environ.update(standin.env())
            print(f"iris demo: model stand-in at {standin.base_url}; IRIS_HOME={home}", file=sys.stderr)
            try:
                config, configured = _demo_config(Path(path) if path else _example_config())
                key = _demo_key(config)
            except IrisError as error:
                return _fail(error.message)

            def ready(served: IrisConfig) -> None:
                print("\n".join(demo_lines(served, key, configured)), flush=True)

            return serve(config, host=host, port=port, on_listening=ready)


# ----------------------------------------------------------------------------- the command line


def _address_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="the address to listen on (default: the config's api.host)")
    parser.add_argument(
        "--port",
        type=_port,
        help="the port to listen on; 0 picks a free one and logs it, for dashboard.port too (default: api.port)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """The command line."""
    prog = "iris" if Path(sys.argv[0]).name == "iris" else "python -m app"  # the console script, or the module
    parser = argparse.ArgumentParser(prog=prog, description="Iris: drive a fleet of Claude Code agents.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser(
        "serve",
        help="run the API server (host and port from the config's api)",
        description="Run the API server until Ctrl-C or SIGTERM. Once it listens it logs its URLs, the config "
        "file, IRIS_HOME and the number of teams.",
    )
    serve_parser.add_argument(
        "--config", help="the config file (default: IRIS_CONFIG_PATH, else IRIS_HOME/config.yaml, ...)"
    )
    _address_options(serve_parser)
    demo_parser = commands.add_parser(
        "demo",
        help="serve the example config with a local model stand-in",
        description="Serve the example config in a temporary IRIS_HOME, its teams answered by a local model "
        "stand-in; prints an admin key and a curl line once ready.",
    )
    demo_parser.add_argument("--config", help="the config file (default: config.example.yaml)")
    _address_options(demo_parser)
    args = parser.parse_args(argv)
    if args.command == "demo":
        return demo(args.config, host=args.host, port=args.port)
    try:
        config = _load(args.config)
    except IrisError as error:
        return _fail(error.message)
    return serve(config, host=args.host, port=args.port)


if __name__ == "__main__":
    sys.exit(main())

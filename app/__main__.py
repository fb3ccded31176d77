"""`python -m app serve [--config PATH]`: the API server on `api.host:api.port` (TLS when `api.tls` is set), with
uvicorn on Iris's HTTP protocol (header limits, errors in the contract's shape; see `app.api.server`).

`python -m app demo`: the same server on the example config, its teams answered by a local model stand-in
(`app.standin`), so it runs offline with no Anthropic key.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from app.config import IrisConfig, load_config
from app.errors import IrisError

__all__ = ["main"]

log = logging.getLogger("iris")


def _fail(message: str) -> int:
    print(f"iris: {message}", file=sys.stderr)
    return 1


def _load(path: str | None) -> IrisConfig:
    from app.api.app import find_config_path

    return load_config(Path(path) if path else find_config_path())


def _exit_after_stop(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def serve(config: IrisConfig) -> int:
    """Run the server until interrupted."""
    import uvicorn

    from app.api.app import create_app
    from app.api.server import IrisHttpProtocol, serving_problem
    from app.engine.instance import server_running

    problem = serving_problem(config, config.api.host) or server_running(config.database_url)
    if problem:
        return _fail(problem)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    api = config.api
    app = create_app(config)
    tls = api.tls
    scheme = "https" if tls else "http"
    log.info("Iris API on %s://%s:%d (docs at /schema/swagger)", scheme, api.host, api.port)
    for stop in (signal.SIGTERM, signal.SIGINT):
        # uvicorn stops gracefully, then raises the signal again; this handler turns that into a normal exit
        # (status 0), so buffered log records are written and the exit status says the stop went well.
        signal.signal(stop, _exit_after_stop)
    uvicorn.run(
        app,
        host=api.host,
        port=api.port,
        ssl_certfile=tls.cert if tls else None,
        ssl_keyfile=tls.key if tls else None,
        workers=1,  # the process pool lives in this one process
        http=IrisHttpProtocol,
        lifespan="on",
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=10,
        log_config=None,
    )
    return 0


def demo(path: str | None) -> int:
    """The server on the example config, with the teams' Claude Code pointed at a local model stand-in."""
    from app.standin import ModelStandIn

    os.environ.setdefault("IRIS_HOME", tempfile.mkdtemp(prefix="iris-demo-"))
    with ModelStandIn() as standin:
        os.environ.update(standin.env())
        print(f"iris demo: model stand-in at {standin.base_url}; IRIS_HOME={os.environ['IRIS_HOME']}", file=sys.stderr)
        try:
            config = load_config(Path(path or "config.example.yaml"))
        except IrisError as error:
            return _fail(error.message)
        return serve(config)


def main(argv: Sequence[str] | None = None) -> int:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m app", description="Iris: drive a fleet of Claude Code agents.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the API server (host and port from the config's api)")
    serve_parser.add_argument("--config", help="the config file (default: IRIS_CONFIG_PATH or ~/.iris/config.yaml)")
    demo_parser = commands.add_parser("demo", help="serve the example config with a local model stand-in")
    demo_parser.add_argument("--config", help="the config file (default: config.example.yaml)")
    args = parser.parse_args(argv)
    if args.command == "demo":
        return demo(args.config)
    try:
        config = _load(args.config)
    except IrisError as error:
        return _fail(error.message)
    return serve(config)


if __name__ == "__main__":
    sys.exit(main())

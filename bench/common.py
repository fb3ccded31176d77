"""What the benchmarks share: percentiles, a free port on 127.0.0.1, a key in a config's store, a server's start."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

__all__ = [
    "RunningServer",
    "free_port",
    "make_key",
    "percentile",
    "server_config",
    "start_server",
    "wait_until_healthy",
]

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` fall (the nearest sample, no interpolation)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_config(root: Path, port: int, teams: dict[str, Any], *, max_processes: int, shutdown_grace: int) -> Path:
    """`root/config.yaml` for a benchmark's server on `port`: auth, audit and a rate limit far above the run, its
    stores under `root`."""
    document = {
        "settings": {"maxProcesses": max_processes, "shutdownGrace": shutdown_grace},
        "api": {
            "enabled": True,
            "port": port,
            "keyStorePath": str(root / "keys.db"),
            "auditLogPath": str(root / "audit.db"),
            "rateLimit": {"enabled": True, "maxRequests": 100_000_000},
        },
        "database": {"path": str(root / "iris.db")},
        "teams": teams,
    }
    file = root / "config.yaml"
    file.write_text(yaml.safe_dump(document))
    return file


@dataclass(frozen=True)
class RunningServer:
    """A benchmark's server in a child process: the process, its base URL and an admin key to it."""

    process: subprocess.Popen[bytes]
    url: str
    key: str

    def stop(self) -> None:
        """Ask the server to stop and wait up to 60 s for it to exit."""
        self.process.terminate()
        self.process.wait(timeout=60)


def start_server(
    config: Path, root: Path, port: int, key_name: str, *, env: dict[str, str] | None = None
) -> RunningServer:
    """An admin key named `key_name` in the store of `config`, then `python -m app serve --config config` on `port`
    (IRIS_HOME `root/iris`, its output in `root/server.log`, `env` over this process's environment), once healthy."""
    key = make_key(config, key_name, "admin")
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "IRIS_HOME": str(root / "iris"), **(env or {})}
    log_path = root / "server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--config", str(config)],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=log,
        )
    url = f"http://127.0.0.1:{port}"
    wait_until_healthy(url, proc, f"the server did not start; see {log_path}")
    return RunningServer(proc, url, key)


def make_key(config: Path, name: str, role: str) -> str:
    """A new key of `role` in the key store that the config file `config` names."""
    from app.auth.store import KeyStore  # after the caller has put the repository on sys.path
    from app.config import load_config

    async def make() -> str:
        async with KeyStore(load_config(config).api.key_store_path) as store:
            return (await store.create(name, role=role)).key

    return asyncio.run(make())


def wait_until_healthy(url: str, proc: subprocess.Popen[bytes], failure: str) -> None:
    """Wait up to 60 s for `GET url/api/health` to answer 200; else stop `proc` and raise `failure`."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(failure)

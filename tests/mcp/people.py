"""What the tests of the people's side of MCP share: one live Iris with keys, the bundled Claude Code, a private
Claude Code config, and the MCP Inspector installed from the npm registry into a cache folder of the repository."""

from __future__ import annotations

import asyncio
import fcntl
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.api.mcp.cli import claude_binary
from app.auth.store import KeyStore
from app.standin import ModelStandIn
from tests.support.live import ROOT, LiveServer, write_config

__all__ = ["INSPECTOR_VERSION", "Iris", "claude", "claude_home", "inspector", "live"]

INSPECTOR_VERSION = "2.12.0"
"""The MCP Inspector the tests run (npm `@modelcontextprotocol/inspector`), pinned."""
NPM_CACHE = ROOT / ".cache" / "npm"


@dataclass(frozen=True)
class Iris:
    """A live Iris with authentication on: its config file, base URL, and keys of three roles."""

    config: Path
    url: str
    admin: str
    operator: str
    viewer: str
    server: LiveServer

    @property
    def mcp_url(self) -> str:
        return f"{self.url}/mcp"


async def _keys(path: str) -> tuple[str, str, str]:
    async with KeyStore(path) as store:
        made = [await store.create(f"mcp-{role}", role=role) for role in ("admin", "operator", "viewer")]
    return made[0].key, made[1].key, made[2].key


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, standin: ModelStandIn) -> Iterator[Iris]:
    """One real Iris for a test module: teams alpha and beta on the model stand-in, authentication on."""
    root = tmp_path_factory.mktemp("mcp-people")
    config = write_config(root, standin, settings={"maxProcesses": 6}, api={"requireAuth": True})
    admin, operator, viewer = asyncio.run(_keys(config.api.key_store_path))
    with LiveServer(config) as server:
        yield Iris(Path(config.source), server.url, admin, operator, viewer, server)


@pytest.fixture
def claude_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A HOME of this test's own, so Claude Code's user config (~/.claude.json) is never the real user's."""
    home = tmp_path / "claude-home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.delenv("IRIS_API_KEY", raising=False)
    return home


def claude(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the bundled Claude Code (`claude mcp ...`) in this process's environment."""
    return subprocess.run([claude_binary(), *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def inspector() -> Path:
    """The pinned MCP Inspector's `mcp-inspector`, installed once per machine into .cache/npm (gitignored)."""
    folder = NPM_CACHE / f"inspector-{INSPECTOR_VERSION}"
    binary = folder / "node_modules" / ".bin" / "mcp-inspector"
    npm = shutil.which("npm")
    assert shutil.which("node") and npm, "Node.js 20+ and npm are needed for the MCP Inspector tests"
    folder.mkdir(parents=True, exist_ok=True)
    with (NPM_CACHE / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # several test processes may install at once
        if not binary.exists():
            subprocess.run(
                [
                    npm,
                    "install",
                    "--prefix",
                    str(folder),
                    "--no-audit",
                    "--no-fund",
                    "--loglevel=error",
                    "--no-save",
                    f"@modelcontextprotocol/inspector@{INSPECTOR_VERSION}",
                ],
                check=True,
                timeout=600,
                env={**os.environ, "npm_config_update_notifier": "false"},
            )
    return binary

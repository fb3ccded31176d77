"""examples/mcp against a live Iris: the `claude mcp add` line (with the bundled Claude Code, in a HOME of the test's
own) and the Python MCP client script; each reads IRIS_URL and IRIS_API_KEY and must exit 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.api.mcp.cli import claude_binary
from tests.mcp.people import Iris, claude_home, live
from tests.support.live import ROOT

__all__ = ["claude_home", "live"]  # fixtures

EXAMPLES = ROOT / "examples" / "mcp"


def run(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=EXAMPLES, env=env, capture_output=True, text=True, timeout=180, check=False)


def env_for(iris: Iris, **extra: str) -> dict[str, str]:
    return {**os.environ, "IRIS_URL": iris.url, "IRIS_API_KEY": iris.operator, "IRIS_TEAM": "alpha", **extra}


@pytest.mark.slow
def test_claude_mcp_add_example(live: Iris, claude_home: Path) -> None:
    proc = run(["bash", "claude-mcp-add.sh"], env_for(live, CLAUDE=claude_binary(), HOME=str(claude_home)))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # Claude Code's own MCP client reached /mcp with the key the line registered
    assert f"iris: {live.mcp_url} (HTTP) - ✔ Connected" in proc.stdout, proc.stdout
    assert live.operator not in proc.stdout + proc.stderr
    assert live.operator in (claude_home / ".claude.json").read_text()


@pytest.mark.slow
def test_claude_mcp_add_example_with_a_wrong_key_does_not_connect(live: Iris, claude_home: Path) -> None:
    env = env_for(live, CLAUDE=claude_binary(), HOME=str(claude_home), IRIS_API_KEY="iris_sk_" + "x" * 40)
    proc = run(["bash", "claude-mcp-add.sh"], env)
    assert "Connected" not in proc.stdout.replace("Failed to connect", ""), proc.stdout


@pytest.mark.slow
def test_python_client_example(live: Iris) -> None:
    proc = run([sys.executable, "python-client.py"], env_for(live))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "send_message" in proc.stdout and "list_teams" in proc.stdout
    assert "alpha answered (completed" in proc.stdout
    assert "Hello from an MCP client: who are you?" in proc.stdout  # the stand-in echoes the message


def test_python_client_example_fails_on_a_refused_call(live: Iris) -> None:
    proc = run([sys.executable, "python-client.py"], env_for(live, IRIS_API_KEY=live.viewer))
    assert proc.returncode == 1
    assert "send_message failed: ForbiddenError:" in proc.stderr, proc.stderr


@pytest.mark.parametrize("example", ["claude-mcp-add.sh", "python-client.py"])
def test_examples_fail_without_their_environment(example: str) -> None:
    runner = ["bash"] if example.endswith(".sh") else [sys.executable]
    env = {"PATH": "/usr/bin:/bin"}  # no IRIS_URL, IRIS_API_KEY, IRIS_TEAM
    proc = subprocess.run([*runner, example], cwd=EXAMPLES, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode != 0
    assert "IRIS_" in proc.stdout + proc.stderr

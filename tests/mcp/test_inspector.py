"""The MCP Inspector's CLI mode (npm `@modelcontextprotocol/inspector`, pinned, installed by the test run into
.cache/npm) against a live Iris: `tools/list` and one `tools/call`, with the key in `--header`. Node.js and npm are
needed: without them these tests fail."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from app.api.mcp.tools import tools
from tests.mcp.people import Iris, inspector, live
from tests.support.live import ROOT

__all__ = ["live"]  # fixture

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def binary() -> Path:
    return inspector()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Inspector's HOME (it keeps a catalog and OAuth state there): never the real user's."""
    return tmp_path_factory.mktemp("inspector-home")


def run(binary: Path, iris: Iris, key: str | None, *method: str, home: Path) -> subprocess.CompletedProcess[str]:
    # without a key, the Inspector would answer the 401's WWW-Authenticate with interactive OAuth
    header = ["--header", f"Authorization: Bearer {key}"] if key else ["--stored-auth-only"]
    return subprocess.run(
        [str(binary), "--cli", iris.mcp_url, "--transport", "http", *header, "--method", *method],
        cwd=ROOT,
        env={**os.environ, "HOME": str(home), "npm_config_update_notifier": "false"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def answer(proc: subprocess.CompletedProcess[str]) -> Any:
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(proc.stdout)


def test_tools_list(binary: Path, live: Iris, home: Path) -> None:
    listed = answer(run(binary, live, live.admin, "tools/list", home=home))
    by_name = {tool["name"]: tool for tool in listed["tools"]}
    assert sorted(by_name) == sorted(spec.name for spec in tools())
    send = by_name["send_message"]
    assert {"toTeam", "message"} <= set(send["inputSchema"]["required"])
    assert send["outputSchema"]["type"] == "object"


def test_tools_call_send_message(binary: Path, live: Iris, home: Path) -> None:
    told = answer(
        run(
            binary,
            live,
            live.operator,
            "tools/call",
            "--tool-name",
            "send_message",
            "--tool-arg",
            "toTeam=alpha",
            "--tool-arg",
            "message=inspected",
            "--tool-arg",
            "timeout=0",
            home=home,
        )
    )
    assert told["isError"] is False, told
    assert told["structuredContent"]["status"] == "completed"
    assert "inspected" in told["structuredContent"]["response"]
    assert any("inspected" in part.get("text", "") for part in told["content"])


def test_a_refused_call_is_an_error_result(binary: Path, live: Iris, home: Path) -> None:
    proc = run(
        binary, live, live.viewer, "tools/call", "--tool-name", "team_wake", "--tool-arg", "team=alpha", home=home
    )
    assert proc.returncode != 0 or json.loads(proc.stdout)["isError"] is True
    assert "ForbiddenError" in proc.stdout + proc.stderr


def test_no_key_is_refused(binary: Path, live: Iris, home: Path) -> None:
    proc = run(binary, live, None, "tools/list", home=home)
    assert proc.returncode != 0 and "tools" not in proc.stdout
    assert "auth_required" in proc.stdout + proc.stderr  # Iris's 401 asked for a bearer credential

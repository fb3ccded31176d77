"""What `litestar` finds in the repository: a cheap app for `litestar iris ...` and `litestar --help` (no engine, no
API imported), the real app for the commands that need it, and Litestar's own help and usage-error style."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.live import ROOT

HEAVY = ("app.api.app", "app.engine", "claude_agent_sdk", "mcp.server")
"""Modules a command that needs no server must not import."""

PROBE = """
import atexit, sys
heavy = sys.argv[1].split(",")
atexit.register(lambda: print("loaded:", ",".join(m for m in heavy if m in sys.modules), file=sys.stderr))
sys.argv = ["litestar", *sys.argv[2:]]
from litestar.__main__ import run_cli
run_cli()
"""


def litestar(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`litestar ARGS` from the repository root (the app found as `litestar run` finds it), on private stores."""
    (tmp_path / "alpha").mkdir(exist_ok=True)
    config = tmp_path / "config.yaml"
    config.write_text(f"teams:\n  alpha: {{path: {tmp_path / 'alpha'}}}\n")
    env = {**os.environ, "IRIS_HOME": str(tmp_path / "iris"), "IRIS_CONFIG_PATH": str(config), "COLUMNS": "120"}
    env.pop("LITESTAR_APP", None)
    return subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(HEAVY), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def loaded(result: subprocess.CompletedProcess[str]) -> list[str]:
    [line] = [line for line in result.stderr.splitlines() if line.startswith("loaded:")]
    return [name for name in line.removeprefix("loaded:").strip().split(",") if name]


@pytest.mark.parametrize(
    "args",
    [("--help",), ("iris", "--help"), ("iris", "key", "list"), ("iris", "key", "generate", "x"), ("iris", "audit")],
)
def test_commands_that_need_no_server_build_no_app(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = litestar(tmp_path, *args)
    assert result.returncode == 0, result.stderr
    assert loaded(result) == []


def test_the_commands_that_need_the_app_get_the_real_one(tmp_path: Path) -> None:
    routes = litestar(tmp_path, "routes")
    assert routes.returncode == 0, routes.stderr
    assert "/api/teams/tell/stream" in routes.stdout and "/mcp" in routes.stdout
    assert {"app.api.app", "app.engine"} <= set(loaded(routes))


def test_help_is_litestars(tmp_path: Path) -> None:
    top = litestar(tmp_path, "--help")
    assert "iris" in top.stdout and "run" in top.stdout
    group = litestar(tmp_path, "iris", "--help")
    assert group.returncode == 0 and "╭─ Commands " in group.stdout and "╭─ Options " in group.stdout
    for name in ("init", "tell", "key", "audit", "mcp"):
        assert f"│ {name} " in group.stdout, group.stdout
    for args in (("iris", "key", "--help"), ("iris", "mcp", "--help"), ("iris", "tell", "--help")):
        result = litestar(tmp_path, *args)
        assert result.returncode == 0 and "╭─ Options " in result.stdout, (args, result.stdout)


def test_usage_errors_look_like_litestars_own(tmp_path: Path) -> None:
    def shape(result: subprocess.CompletedProcess[str]) -> list[str]:
        lines = [line.strip() for line in result.stderr.splitlines() if line.strip() and "loaded:" not in line]
        return [lines[0].split()[0], lines[1][:10], lines[-1][:2], str(result.returncode)]

    theirs = litestar(tmp_path, "run", "--bogus")
    for args in (("iris", "key", "list", "--bogus"), ("iris", "nope"), ("iris", "tell"), ("iris", "mcp", "stdio")):
        mine = litestar(tmp_path, *args)
        assert mine.stdout == "" and shape(mine) == shape(theirs) == ["Usage:", "╭─ Error ─", "╰─", "2"], mine.stderr

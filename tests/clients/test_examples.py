"""examples/api against the live server: each reads IRIS_URL, IRIS_API_KEY and IRIS_TEAM and must exit 0.

react-integration.tsx is type-checked (tsc with @types/react, against the built @iris/client), not run.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.clients.conftest import EXAMPLES, PY_CLIENT, npm_ci


@pytest.fixture(scope="module")
def examples_node(ts_client: Path) -> Path:
    """examples/api with its node_modules (@iris/client is linked from clients/typescript, built first)."""
    npm_ci(EXAMPLES)
    return EXAMPLES


def run(cmd: list[str], env: dict[str, str], cwd: Path = EXAMPLES, timeout: float = 180) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    output = f"$ {' '.join(cmd)}\n--- stdout\n{proc.stdout[-6000:]}\n--- stderr\n{proc.stderr[-6000:]}"
    assert proc.returncode == 0, output
    return proc.stdout


def test_curl_examples(env_for: dict[str, str]) -> None:
    assert shutil.which("curl"), "curl is needed"
    out = run(["bash", str(EXAMPLES / "curl-examples.sh")], env_for)
    assert "event: tell:complete" in out


def test_python_client_example(env_for: dict[str, str]) -> None:
    out = run([sys.executable, str(EXAMPLES / "python-client.py")], env_for)
    assert "as expected: 404 TeamNotFoundError" in out and "[tell:complete]" in out


def test_node_client_example(env_for: dict[str, str], examples_node: Path) -> None:
    node = shutil.which("node")
    assert node, "Node 20+ is needed"
    out = run([node, "node-client.js"], env_for)
    assert "the quick tell answered" in out


def test_react_integration_type_checks(examples_node: Path) -> None:
    run([str(examples_node / "node_modules" / ".bin" / "tsc"), "-p", "tsconfig.json"], {}, cwd=examples_node)


@pytest.mark.parametrize("example", ["curl-examples.sh", "python-client.py", "node-client.js"])
def test_examples_fail_without_their_environment(example: str, examples_node: Path) -> None:
    runner = {"sh": ["bash"], "py": [sys.executable], "js": [shutil.which("node") or "node"]}[example.rsplit(".", 1)[1]]
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PY_CLIENT)}  # everything but IRIS_URL, IRIS_API_KEY, IRIS_TEAM
    proc = subprocess.run([*runner, example], cwd=EXAMPLES, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode != 0
    assert "IRIS_" in proc.stdout + proc.stderr  # it says what is missing

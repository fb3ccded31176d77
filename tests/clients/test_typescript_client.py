"""The TypeScript client (@iris/client): built with tsc, its tests run by Node's test runner.

clients/typescript/test/streams.test.ts runs against the scripted stream server, live.test.ts
against the live server; both are compiled by tsc (so the tests type-check the client's API too)
and run with `node --test`. Node's TAP output is shown when something fails; a skipped Node test
fails the pytest test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.clients.conftest import LiveIris, operation_ids
from tests.clients.fake_streams import API_KEY, FakeServer


@pytest.fixture(scope="module")
def ts_tests(ts_client: Path) -> Path:
    """The compiled tests (build/test/*.test.js)."""
    out = ts_client / "build" / "test"
    shutil.rmtree(out, ignore_errors=True)
    tsc = ts_client / "node_modules" / ".bin" / "tsc"
    subprocess.run([str(tsc), "-p", "tsconfig.test.json"], cwd=ts_client, check=True)
    return out


def run_node_tests(folder: Path, files: list[str], env: dict[str, str]) -> str:
    node = shutil.which("node")
    assert node, "Node 20+ is needed for the TypeScript client tests"
    cmd = [node, "--test", "--test-reporter=tap", *(str(folder / f) for f in files)]
    proc = subprocess.run(cmd, cwd=folder, env=env, capture_output=True, text=True, timeout=180, check=False)
    if proc.returncode != 0:
        pytest.fail(f"node --test failed (exit {proc.returncode}):\n{proc.stdout[-12000:]}\n{proc.stderr[-4000:]}")
    return proc.stdout


def skipped(tap: str) -> list[str]:
    return re.findall(r"^\s*ok \d+ - (.+?) # SKIP (.*)$", tap, flags=re.MULTILINE)


def test_typescript_streams_against_the_scripted_server(ts_tests: Path, fake: FakeServer) -> None:
    env = {**os.environ, "IRIS_FAKE_URL": fake.url, "IRIS_FAKE_KEY": API_KEY}
    tap = run_node_tests(ts_tests, ["streams.test.js"], env)
    assert not skipped(tap), skipped(tap)
    assert re.search(r"^# pass [1-9]", tap, flags=re.MULTILINE), tap


def test_typescript_client_against_the_live_server(
    ts_tests: Path, live_iris: LiveIris, env_for: dict[str, str]
) -> None:
    env = {**env_for, "IRIS_VIEWER_KEY": live_iris.keys.viewer_alpha, "IRIS_ALL_OPERATIONS": ",".join(operation_ids())}
    tap = run_node_tests(ts_tests, ["live.test.js"], env)
    assert re.search(r"^# pass [1-9]", tap, flags=re.MULTILINE), tap
    assert not skipped(tap), skipped(tap)
    assert re.search(r"^# skipped 0$", tap, flags=re.MULTILINE), tap

"""The short soak: mixed load, Claude Code processes killed at random and a server SIGKILL, nothing lost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.timeout(420)  # the soak itself may take up to 300 s (its subprocess timeout)
def test_short_soak_loses_nothing_and_leaves_nothing() -> None:
    run = subprocess.run(
        [sys.executable, "bench/soak.py", "--clients", "12", "--seconds", "40", "--settle", "60", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    report = run.stdout
    assert result["accepted"] > 20, report
    assert result["completed"] > 10, report
    assert result["processesKilled"] > 0, report
    assert result["serverRestarts"] == 1, report
    assert result["lost"] == 0, report
    assert result["hung"] == 0, report
    assert result["orphans"] == 0, report

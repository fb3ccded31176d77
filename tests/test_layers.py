"""The import contracts in `pyproject.toml` (`lint-imports`): they hold for app/, and they catch what they forbid."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` on the `app` package and the `pyproject.toml` found in `root`."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_import_contracts_hold() -> None:
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]


def test_the_contracts_catch_upward_imports_cycles_and_new_modules(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "app", tmp_path / "app", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")

    def add(path: str, line: str) -> None:
        with (tmp_path / path).open("a") as file:
            file.write(f"\n{line}\n")

    add("app/engine/tasks.py", "import app.api.models")
    add("app/auth/store.py", "import app.engine")
    add("app/api/streams/channels.py", "from app.api.streams.layer import StreamLayer")
    add("app/engine/views.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import app.engine.runner")
    add("app/api/deps.py", "import claude_agent_sdk")
    (tmp_path / "app" / "extra.py").write_text('"""A module given no layer."""\n')

    run = lint_imports(tmp_path)
    report = run.stdout
    assert run.returncode == 1, report[-6000:] + run.stderr[-2000:]
    assert "Contracts: 0 kept, 4 broken." in report, report[-6000:]  # each contract can fail
    assert "app.engine.tasks -> app.api.models" in report, report
    assert "app.auth.store -> app.engine" in report, report
    assert "app.api.streams.channels -> app.api.streams.layer" in report, report
    assert "No cycles are allowed in app.api.streams." in report, report
    assert "No cycles are allowed in app.engine." in report, report  # an import for type checking only counts
    assert "app.api.deps -> claude_agent_sdk" in report, report
    assert "- app.extra" in report, report

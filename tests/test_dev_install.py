"""`./dev` installs what the command needs: Iris and `just` for `serve`, the development tools too for the rest.

The script runs on a copy of the repository whose `.venv` reads this venv's packages (a `.pth` line). pip runs for
real, offline and as a dry run (configured through its environment), and writes the report of what it would
install; the test reads which extra `./dev` asked for, what it said first, and the markers it left in `.venv`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.support.live import ROOT

pytestmark = pytest.mark.slow


def copy_of_the_repository(target: Path) -> Path:
    """What `./dev` and `pip install -e` read, with a `.venv` that reuses this one's packages and `just`."""
    for name in ("dev", "justfile", "pyproject.toml", "README.md", "config.example.yaml"):
        shutil.copy2(ROOT / name, target / name)
    for folder in ("app", "openapi"):
        shutil.copytree(ROOT / folder, target / folder, ignore=shutil.ignore_patterns("__pycache__"))
    venv = target / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    [site] = (venv / "lib").glob("python3*/site-packages")
    (site / "shared.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    (venv / "bin" / "just").symlink_to(ROOT / ".venv" / "bin" / "just")
    return target


def run_dev(repository: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], list[str] | None]:
    """`./dev ARGS` in the copy, and the extras of Iris that its pip install asked for (None: no install ran)."""
    report = repository / "pip-report.json"
    report.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IRIS_", "PYTHON", "VIRTUAL_ENV", "PIP_"))}
    home = repository / "home"
    home.mkdir(exist_ok=True)
    pip = {
        "PIP_DRY_RUN": "1",
        "PIP_NO_INDEX": "1",
        "PIP_NO_BUILD_ISOLATION": "0",  # pip reads "0" as --no-build-isolation (its inverted --no-* variables)
        "PIP_REPORT": str(report),
    }
    result = subprocess.run(
        ["./dev", *args],
        cwd=repository,
        env={**env, **pip, "HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    if not report.exists():
        return result, None
    (iris,) = (item for item in json.loads(report.read_text())["install"] if item["metadata"]["name"] == "iris")
    return result, iris.get("requested_extras")


def stamps(repository: Path) -> set[str]:
    """The markers `./dev` leaves in `.venv` after an install."""
    return {path.name for path in (repository / ".venv").glob(".stamp*")}


def pyproject_hash(repository: Path) -> str:
    """What a marker names: the first 16 hex digits of pyproject.toml's SHA-256."""
    return hashlib.sha256((repository / "pyproject.toml").read_bytes()).hexdigest()[:16]


def test_serve_installs_iris_alone_and_test_adds_the_development_tools(tmp_path: Path) -> None:
    repository = copy_of_the_repository(tmp_path)

    first, extras = run_dev(repository, "serve", "--help")
    assert extras == ["tasks"], first.stderr[-2000:]
    assert first.stderr.startswith("Installing Iris into .venv: about 200 MB to download"), first.stderr[:500]
    assert "development tools" in first.stderr.splitlines()[0]
    assert "--config" in first.stdout
    assert stamps(repository) == {f".stamp-tasks-{pyproject_hash(repository)}"}

    again, extras = run_dev(repository, "serve", "--help")
    assert extras is None and "Installing" not in again.stderr, again.stderr[-2000:]

    tests, extras = run_dev(repository, "pytest", "--version")
    assert extras == ["dev"], tests.stderr[-2000:]
    assert tests.stderr.startswith("Adding the development tools to .venv (about 45 MB"), tests.stderr[:500]
    assert stamps(repository) == {f".stamp-dev-{pyproject_hash(repository)}"}

    serve, extras = run_dev(repository, "serve", "--help")
    assert extras is None, serve.stderr[-2000:]


def test_a_changed_pyproject_installs_again_and_keeps_the_development_tools(tmp_path: Path) -> None:
    repository = copy_of_the_repository(tmp_path)
    first, extras = run_dev(repository, "pytest", "--version")
    assert extras == ["dev"], first.stderr[-2000:]
    assert first.stderr.startswith("Installing Iris and its development tools into .venv: about 250 MB")
    assert stamps(repository) == {f".stamp-dev-{pyproject_hash(repository)}"}

    with (repository / "pyproject.toml").open("a") as pyproject:
        pyproject.write("# edited\n")
    changed, extras = run_dev(repository, "serve", "--help")
    assert extras == ["dev"], changed.stderr[-2000:]
    assert changed.stderr.startswith("pyproject.toml changed: updating .venv"), changed.stderr[:500]
    assert stamps(repository) == {f".stamp-dev-{pyproject_hash(repository)}"}

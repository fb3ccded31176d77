"""A newcomer's first steps on a fresh copy of the repository: `./dev serve --help`, then `./dev demo`, its key and
its printed `curl` line, as the README's quick start gives them.

The copy holds the repository's tracked and new files (what a clone of this work would hold) in a temporary
folder. Its `.venv` is a virtualenv of its own that reads the packages of this one (a `.pth` line), with the
markers `./dev` leaves once it has installed, so `./dev` finds its setup done instead of installing again.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.live import ROOT
from tests.support.waiting import until_sync


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's tracked and new files, with a `.venv` that reuses this one's packages."""
    target = tmp_path_factory.mktemp("newcomer") / "iris"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    venv = ROOT / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(target / ".venv")], check=True, timeout=60)
    [site] = (target / ".venv" / "lib").glob("python3*/site-packages")
    (site / "shared.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    (target / ".venv" / "bin" / "just").symlink_to(venv / "bin" / "just")
    # the shared packages are this run's, so the copy's venv counts as installed from its pyproject.toml (what
    # `./dev` checks before installing; the install itself is tests/test_dev_install.py's)
    digest = hashlib.sha256((target / "pyproject.toml").read_bytes()).hexdigest()[:16]
    (target / ".venv" / f".stamp-dev-{digest}").touch()
    return target


def newcomer_environment(tmp_path: Path) -> dict[str, str]:
    """A shell's environment with nothing of Iris's set, and a HOME of its own."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IRIS_", "PYTHON", "VIRTUAL_ENV"))}
    return {**env, "HOME": str(home)}


@pytest.fixture
def demo(clone: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path, Path]]:
    """`./dev demo --port 0` in the copy (its own process group, as in a terminal); stopped with Ctrl-C after."""
    out, err = tmp_path / "demo.out", tmp_path / "demo.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            ["./dev", "demo", "--port", "0"],
            cwd=clone,
            env=newcomer_environment(tmp_path),
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
    try:
        yield process, out, err
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def test_dev_serve_help_lists_the_flags(clone: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        ["./dev", "serve", "--help"], cwd=clone, env=newcomer_environment(tmp_path), capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    text = done.stdout.decode()
    for flag in ("--host", "--port", "--config", "--help"):
        assert flag in text, text


def test_the_demo_prints_a_working_key_and_a_curl_line_that_tells_a_team(
    demo: tuple[subprocess.Popen[bytes], Path, Path],
) -> None:
    process, out, err = demo

    def printed() -> str:
        assert process.poll() is None, f"the demo exited: {err.read_text()[-3000:]}"
        text = out.read_text()
        return text if "Stop the demo" in text else ""

    text = until_sync(printed, timeout=90, what="the demo's ready message")
    [url] = re.findall(r"^  URL: +(\S+)$", text, re.MULTILINE)
    [key] = re.findall(r"^  admin key: +(iris_sk_\S+)$", text, re.MULTILINE)
    assert f"{url}/schema/swagger" in text and f"{url}/mcp" in text
    [home] = re.findall(r"IRIS_HOME=(\S+)", err.read_text())
    assert Path(home).is_dir()

    teams = httpx.get(f"{url}/api/teams", headers={"Authorization": f"Bearer {key}"}, timeout=30)
    assert teams.status_code == 200 and {t["name"] for t in teams.json()["items"]} == {"alpha", "beta"}
    assert int(teams.headers["RateLimit-Limit"]) >= 1000  # the example's 100 would run out while exploring
    assert httpx.get(f"{url}/api/teams", timeout=30).status_code == 401  # the key is what opens it

    [curl] = [line.strip() for line in text.splitlines() if line.strip().startswith("curl ")]
    told = subprocess.run(curl, shell=True, capture_output=True, timeout=150)  # as printed, through a shell
    assert told.returncode == 0, (told.stdout + told.stderr).decode()  # --fail-with-body: non-2xx is an error
    body = httpx.Response(200, content=told.stdout).json()
    assert body["status"] == "completed" and body["response"].startswith("echo[n=1]: "), body
    assert shlex.split(curl)[-1] == f"{url}/api/teams/tell"

    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in the terminal
    status = process.wait(30)
    assert status in (0, 130), err.read_text()[-3000:]  # 130: `just` says it was interrupted; the demo stops cleanly
    assert "engine stopped" in err.read_text()
    assert not Path(home).exists()

"""clients/python installs as the package `iris-client` (a wheel with the generated and hand-written parts)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.clients.conftest import PY_CLIENT


def test_the_python_client_installs_and_imports(tmp_path: Path) -> None:
    target = tmp_path / "site"
    # Offline: hatchling comes from the dev extra, the dependencies are already in the venv.
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation"]
    subprocess.run([*pip, "--target", str(target), str(PY_CLIENT)], check=True, capture_output=True)
    assert (target / "iris_client" / "py.typed").exists()
    assert not (target / "iris_client" / "generator.yaml").exists()
    probe = (
        "import iris_client, iris_client.streams as s, iris_client.api.teams.tell as t;"
        "from importlib.metadata import version;"
        "print(iris_client.__file__, version('iris-client'), callable(t.sync_detailed), callable(s.tell_stream))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out[0].startswith(str(target)) and out[1:] == ["0.1.0", "True", "True"]

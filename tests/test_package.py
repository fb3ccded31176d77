"""`pip install .` gives a wheel that serves everything on its own: the contract, Swagger UI, the dashboard and the
`iris` command.

The wheel is built offline from the working tree (hatchling comes from the dev extra) and installed without its
dependencies into a fresh venv that sees this venv's packages but not the repository; the server then runs from
a folder outside the repository, so nothing it serves can come from the repository by accident.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml

from app.spec import SPEC_PATH
from tests.support.live import ROOT, free_port, wait_until_serving

pytestmark = pytest.mark.slow

CONTRACT = ROOT / "openapi" / "iris.yaml"


@dataclass(frozen=True)
class Installed:
    """The built wheel and the fresh venv it is installed in."""

    wheel: Path
    venv: Path
    outside: Path
    """A working folder outside the repository."""

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    def environment(self, **extra: str) -> dict[str, str]:
        """This process's environment without anything pointing into the repository or its venv."""
        env = {name: value for name, value in os.environ.items() if not name.startswith(("IRIS_", "PYTHON"))}
        env.pop("VIRTUAL_ENV", None)
        return {**env, "PATH": f"{self.bin}:/usr/bin:/bin", "HOME": str(self.outside / "home"), **extra}

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        """A command of the venv, in the folder outside the repository."""
        return subprocess.run(
            command, cwd=self.outside, env=self.environment(), capture_output=True, text=True, timeout=120
        )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    """The wheel of the working tree, installed into a fresh venv with this venv's packages as its dependencies."""
    base = tmp_path_factory.mktemp("package")
    dist, venv, outside = base / "dist", base / "venv", base / "outside"
    (outside / "home").mkdir(parents=True)
    offline = ["--no-index", "--no-deps", "--no-build-isolation", "--disable-pip-version-check", "--quiet"]
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", *offline, "--wheel-dir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    (wheel,) = dist.glob("iris-*.whl")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    # The dependencies: this venv's site-packages, as a path line (its own .pth files, among them the editable
    # install's pointer to the repository, are not read), after the fresh venv's own.
    fresh_site = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}, scheme="venv"))
    (fresh_site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", *offline, str(wheel)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    yield Installed(wheel, venv, outside)


def test_in_the_repository_the_contract_is_read_from_openapi() -> None:
    assert CONTRACT.resolve() == SPEC_PATH


def test_the_wheel_carries_the_contract_and_the_iris_command(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
        assert wheel.read("app/iris.yaml") == CONTRACT.read_bytes()
        (entry_points,) = (name for name in names if name.endswith(".dist-info/entry_points.txt"))
        assert "iris = app.__main__:main" in wheel.read(entry_points).decode().splitlines()
    assert not {name for name in names if name.startswith(("openapi/", "tests/", "app/iris.yml"))}
    assert {"app/db/migrations/script.py.mako", "app/auth/migrations/keys/script.py.mako"} <= names
    built = {p.relative_to(ROOT).as_posix() for p in (ROOT / "app/api/dashboard/static").rglob("*") if p.is_file()}
    assert "app/api/dashboard/static/index.html" in built and built <= names  # the dashboard's committed build
    assert not {name for name in names if name.startswith("dashboard/")}  # its sources stay out


def test_the_installed_app_comes_from_the_venv_and_reads_its_own_contract(installed: Installed) -> None:
    probe = installed.run(
        str(installed.bin / "python"), "-c", "import app, app.spec; print(app.__file__); print(app.spec.SPEC_PATH)"
    )
    assert probe.returncode == 0, probe.stderr
    module, spec = probe.stdout.split()
    assert Path(module).is_relative_to(installed.venv) and Path(spec).is_relative_to(installed.venv), probe.stdout
    assert Path(spec).read_bytes() == CONTRACT.read_bytes()


def test_iris_help_lists_the_commands(installed: Installed) -> None:
    result = installed.run(str(installed.bin / "iris"), "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: iris ") and "serve" in result.stdout and "demo" in result.stdout
    serve = installed.run(str(installed.bin / "iris"), "serve", "--help")
    assert serve.returncode == 0 and serve.stdout.startswith("usage: iris serve "), serve.stdout + serve.stderr
    assert "--config" in serve.stdout


def test_the_installed_iris_serves_health_the_contract_and_swagger_ui(installed: Installed) -> None:
    folder = installed.outside / "projects" / "alpha"
    folder.mkdir(parents=True)
    port = free_port()
    config = installed.outside / "config.yaml"
    api = {"enabled": True, "host": "127.0.0.1", "port": port}
    config.write_text(yaml.safe_dump({"api": api, "teams": {"alpha": {"path": str(folder)}}}))
    log = installed.outside / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(installed.bin / "iris"), "serve", "--config", str(config)],
            cwd=installed.outside,
            env=installed.environment(IRIS_HOME=str(installed.outside / "iris-home")),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        health = wait_until_serving(url, server, lambda: log.read_text(errors="replace"))
        assert health.status_code == 200, health.text
        with httpx.Client(base_url=url, timeout=10) as client:
            page = client.get("/schema/swagger")
            assert page.status_code == 200
            assert page.headers["content-type"].startswith("text/html")
            assert '<script src="/schema/swagger/swagger-ui-bundle.js">' in page.text
            # Swagger UI's own files come from the installed packages, not from a CDN.
            assert "http://" not in page.text and "https://" not in page.text
            bundle = client.get("/schema/swagger/swagger-ui-bundle.js")
            assert bundle.status_code == 200 and b"SwaggerUIBundle" in bundle.content
            assert client.get("/schema/swagger/swagger-ui.css").status_code == 200
            spec = client.get("/schema/openapi.yaml")
            assert spec.status_code == 200 and spec.content == CONTRACT.read_bytes()
            document = client.get("/schema/openapi.json")
            assert document.status_code == 200 and document.json()["info"] == yaml.safe_load(spec.content)["info"]
            dashboard = client.get("/dashboard/")
            index = ROOT / "app" / "api" / "dashboard" / "static" / "index.html"
            assert dashboard.status_code == 200 and dashboard.content == index.read_bytes()
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert server.returncode == 0, log.read_text(errors="replace")[-3000:]

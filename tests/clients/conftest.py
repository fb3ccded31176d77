"""Fixtures of the client tests: the clients' folders, a scripted stream server, and one live Iris server.

The Python client is imported from the working tree (`clients/python` goes first on sys.path), so a
regenerated client is tested without reinstalling; `test_python_package` proves it also installs.
The live server is the real app on the shared harness (`tests.support.live`) with authentication on and keys
provisioned in its key store: an admin key, and a viewer key limited to team alpha (for 403s).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PY_CLIENT = ROOT / "clients" / "python"
TS_CLIENT = ROOT / "clients" / "typescript"
EXAMPLES = ROOT / "examples" / "api"
SPEC = ROOT / "openapi" / "iris.yaml"

if str(PY_CLIENT) not in sys.path:
    sys.path.insert(0, str(PY_CLIENT))

from app.auth.store import KeyStore  # noqa: E402
from app.standin import ModelStandIn  # noqa: E402
from tests.clients.fake_streams import FakeServer, start_fake  # noqa: E402
from tests.support.live import LiveServer, write_config  # noqa: E402


def operation_ids() -> list[str]:
    """Every operationId of the contract, in spec order."""
    spec = yaml.safe_load(SPEC.read_text())
    return [op["operationId"] for item in spec["paths"].values() for op in item.values() if isinstance(op, dict)]


# ----------------------------------------------------------------------------- node


def npm_ci(folder: Path) -> None:
    """`npm ci` in folder when node_modules is missing or older than package-lock.json (as scripts/gen.py does)."""
    lock = folder / "package-lock.json"
    installed = folder / "node_modules" / ".package-lock.json"
    if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm (Node 20+) is needed for the TypeScript client tests")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder, check=True)


@pytest.fixture(scope="session")
def ts_client() -> Path:
    """clients/typescript with its node_modules installed and the package built (dist/) by tsc."""
    npm_ci(TS_CLIENT)
    subprocess.run([str(TS_CLIENT / "node_modules" / ".bin" / "tsc"), "-p", "tsconfig.json"], cwd=TS_CLIENT, check=True)
    return TS_CLIENT


# ----------------------------------------------------------------------------- the scripted stream server


@pytest.fixture(scope="package")
def fake() -> Iterator[FakeServer]:
    server = start_fake()
    yield server
    server.stop()


# ----------------------------------------------------------------------------- the live server


@dataclass
class Keys:
    admin: str
    viewer_alpha: str
    """A viewer key (status:read, cache:read) limited to team alpha."""


@dataclass
class LiveIris:
    url: str
    keys: Keys
    teams: tuple[str, ...]


async def _provision_keys(path: Path) -> Keys:
    async with KeyStore(path) as store:
        admin = await store.create("clients-admin", role="admin", env="test")
        viewer = await store.create("clients-viewer", role="viewer", env="test", teams=["alpha"])
    return Keys(admin.key, viewer.key)


@pytest.fixture(scope="package")
def live_iris(tmp_path_factory: pytest.TempPathFactory, standin: ModelStandIn) -> Iterator[LiveIris]:
    """One real Iris server for the client tests: teams alpha and beta on the model stand-in, authentication on."""
    root = tmp_path_factory.mktemp("clients")
    config = write_config(
        root,
        standin,
        {"alpha": {}, "beta": {}},
        settings={"maxProcesses": 6},
        api={"requireAuth": True, "webhooks": {"allowedHosts": ["127.0.0.1"]}},
    )
    keys = asyncio.run(_provision_keys(Path(config.api.key_store_path)))
    with LiveServer(config) as server:
        yield LiveIris(server.url, keys, ("alpha", "beta"))


@pytest.fixture
def env_for(live_iris: LiveIris) -> dict[str, str]:
    """The environment the examples and the TypeScript live tests read."""
    return {
        **os.environ,
        "IRIS_URL": live_iris.url,
        "IRIS_API_KEY": live_iris.keys.admin,
        "IRIS_TEAM": "alpha",
        "PYTHONPATH": os.pathsep.join([str(PY_CLIENT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    }

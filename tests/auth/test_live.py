"""Against a running uvicorn server: revocation takes effect on the very next request, and the CLI (a real
`litestar iris ...` process on the same stores) creates and revokes keys while the server runs."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.auth.store import KeyStore
from app.standin import ModelStandIn
from tests.support.live import LiveServer, create_key, write_config

ROOT = Path(__file__).resolve().parents[2]
LITESTAR = str(Path(sys.executable).with_name("litestar"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, standin: ModelStandIn) -> Iterator[LiveServer]:
    config = write_config(
        tmp_path_factory.mktemp("auth-live"),
        standin,
        {"alpha": {}, "beta": {}},
        api={"requireAuth": True, "rateLimit": {"enabled": True, "maxRequests": 100_000}},
    )
    live = LiveServer(config, create_key(config)).start()
    yield live
    live.stop()


def test_revocation_is_effective_on_the_next_request(server: LiveServer) -> None:
    key = create_key(server.config, "short-lived", role="viewer")
    with server.client(key=key) as http:
        assert http.get("/api/status").status_code == 200

        async def revoke() -> None:  # another process's store, as the CLI would use
            async with KeyStore(server.config.api.key_store_path) as store:
                [record] = [r for r in (await store.list_keys()).items if r.name == "short-lived"]
                await store.revoke(record.id)

        asyncio.run(revoke())
        refused = http.get("/api/status")
        assert refused.status_code == 401 and refused.json()["error"] == "UnauthorizedError"
        assert "revoked" in refused.json()["message"]


def _cli(server: LiveServer, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "IRIS_CONFIG_PATH": server.config.source or "", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [LITESTAR, "iris", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_cli_keys_work_against_the_running_server(server: LiveServer) -> None:
    made = _cli(server, "key", "generate", "from-cli", "--role", "operator", "--teams", "alpha", "--json")
    assert made.returncode == 0, made.stderr
    created = json.loads(made.stdout)
    with server.client(key=created["key"]) as http:
        assert http.get("/api/status").status_code == 200
        assert http.get("/api/teams/status", params={"team": "beta"}).status_code == 403  # scoped to alpha
        assert http.get("/api/logs").status_code == 403  # operators lack debug:read
        revoked = _cli(server, "key", "revoke", created["id"])
        assert revoked.returncode == 0, revoked.stderr
        assert http.get("/api/status").status_code == 401
    listed = _cli(server, "key", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert any(k["id"] == created["id"] and k["active"] is False for k in json.loads(listed.stdout))
    deadline = time.monotonic() + 15  # the server writes its audit rows in batches
    while True:
        audit = _cli(server, "audit", "--event", "auth_failure", "--json")
        assert audit.returncode == 0, audit.stderr
        if any(entry["keyId"] == created["id"] for entry in json.loads(audit.stdout)):
            break
        assert time.monotonic() < deadline, audit.stdout
        time.sleep(0.5)

"""The store files (keys, audit log, sessions with conversation text) are private to their owner, whatever the
umask: created 0600 (with their WAL and shared-memory files) in a 0700 IRIS_HOME, wider ones tightened."""

from __future__ import annotations

import logging
import signal
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

from app.auth.store import KeyStore
from app.db.store import Store
from app.standin import ModelStandIn
from tests.support.live import ROOT, child_environment, free_port, wait_until_serving

STORES = ("keys.db", "audit.db", "iris.db")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_stores_are_private_whatever_the_umask(tmp_path: Path, standin: ModelStandIn) -> None:
    """`python -m app serve` under umask 000, IRIS_HOME and two of its parents missing: all made by Iris."""
    home = tmp_path / "made" / "by-iris" / "iris"
    (tmp_path / "alpha").mkdir()
    port = free_port()
    config = tmp_path / "config.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "api": {"enabled": True, "port": port, "requireAuth": False},
                "teams": {"alpha": {"path": str(tmp_path / "alpha"), "env": {**standin.env(), "HOME": str(tmp_path)}}},
            }
        )
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--config", str(config)],
        cwd=ROOT,
        env=child_environment(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        umask=0o000,
    )
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", process, lambda: process.communicate()[1].decode())
        told = httpx.post(
            f"http://127.0.0.1:{port}/api/teams/tell", json={"toTeam": "alpha", "message": "private"}, timeout=60
        )
        assert told.status_code == 200, told.text
        files = {path.name for path in home.iterdir()}
        assert {*STORES, "iris.db-wal", "iris.db-shm", "audit.db-wal", "audit.db-shm"} <= files, files
        for path in home.iterdir():
            assert mode(path) == 0o600, f"{path.name}: {mode(path):04o}"
        for folder in (home, home.parent, home.parent.parent):
            assert mode(folder) == 0o700, f"{folder.name}: {mode(folder):04o}"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(30)
    for path in home.iterdir():
        assert mode(path) == 0o600, f"{path.name} after the stop: {mode(path):04o}"


async def test_wider_store_files_and_iris_home_are_tightened_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    home = tmp_path / "iris"
    home.mkdir(mode=0o755)
    home.chmod(0o755)
    monkeypatch.setenv("IRIS_HOME", str(home))
    keys, sessions = home / "keys.db", home / "iris.db"
    async with KeyStore(keys) as store:
        await store.create("someone", role="viewer")
    first = Store(f"sqlite+aiosqlite:///{sessions}")
    await first.open()
    await first.close()
    for path in (home, keys, sessions, home / "keys.db-wal"):
        path.touch()
        path.chmod(0o755 if path == home else 0o644)
    caplog.set_level(logging.INFO, logger="iris.db")
    caplog.clear()
    async with KeyStore(keys) as store:
        assert [key.name for key in (await store.list_keys()).items] == ["someone"]
    store_again = Store(f"sqlite+aiosqlite:///{sessions}")
    await store_again.open()
    await store_again.close()
    assert mode(home) == 0o700 and mode(keys) == 0o600 and mode(sessions) == 0o600
    assert all(mode(path) == 0o600 for path in home.iterdir()), {p.name: f"{mode(p):04o}" for p in home.iterdir()}
    tightened = sorted(
        record.getMessage().split()[0] for record in caplog.records if "tightened" in record.getMessage()
    )
    assert tightened == ["iris", "iris.db", "keys.db", "keys.db-wal"]
    assert all(str(tmp_path) not in record.getMessage() for record in caplog.records)  # no paths in the log
    caplog.clear()
    async with KeyStore(keys):
        pass
    assert not [record for record in caplog.records if "tightened" in record.getMessage()]

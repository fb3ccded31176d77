"""Hot reload: valid edits of the config file reach the callback (and the engine); invalid ones are ignored."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from litestar.testing import TestClient

from app.api.app import create_app
from app.config import IrisConfig
from app.config_watch import ConfigWatcher
from app.standin import ModelStandIn
from tests.support.live import write_config


def edit(file: Path, change: Callable[[dict[str, Any]], None]) -> None:
    document = yaml.safe_load(file.read_text())
    change(document)
    file.write_text(yaml.safe_dump(document))


async def eventually(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_watcher_applies_valid_edits_and_keeps_the_old_config_on_errors(
    tmp_path: Path, standin: ModelStandIn
) -> None:
    config = write_config(tmp_path, standin, {"alpha": {}})
    file = Path(config.source)
    applied: list[IrisConfig] = []
    failures: list[Exception] = []
    watcher = ConfigWatcher(file, applied.append, on_error=failures.append, debounce_ms=50)
    watcher.start()
    try:
        await asyncio.sleep(0.3)  # let the watch begin
        edit(file, lambda d: d["settings"].update(maxProcesses=3))
        await eventually(lambda: len(applied) == 1)
        assert applied[0].settings.max_processes == 3

        file.write_text(file.read_text() + "\nsurprise: true\n")
        await eventually(lambda: len(failures) == 1)
        assert "surprise" in str(getattr(failures[0], "message", failures[0])) and len(applied) == 1

        edit(file, lambda d: (d.pop("surprise"), d["settings"].update(maxProcesses=4)))
        await eventually(lambda: len(applied) == 2)
        assert applied[1].settings.max_processes == 4
        file.write_text(file.read_text())  # the same content again: nothing to do
        await asyncio.sleep(0.5)
        assert len(applied) == 2 and watcher.reloads == 2 and watcher.failures == 1
    finally:
        await watcher.stop()


def test_a_reload_reaches_the_running_server(tmp_path: Path, standin: ModelStandIn) -> None:
    config = write_config(tmp_path, standin, {"alpha": {}}, settings={"hotReloadConfig": True})
    file = Path(config.source)
    with TestClient(create_app(config)) as client:
        assert client.get("/api/status").json()["maxProcesses"] == 10
        time.sleep(0.3)
        edit(file, lambda d: d["settings"].update(maxProcesses=2))
        deadline = time.monotonic() + 10
        while client.get("/api/status").json()["maxProcesses"] != 2:
            assert time.monotonic() < deadline, "the reload did not reach the engine"
            time.sleep(0.05)
        file.write_text("teams: [not, a, mapping]\n")
        while client.get("/api/status").json()["status"] != "degraded":
            assert time.monotonic() < deadline + 10, "a failed reload was not reported"
            time.sleep(0.05)
        assert client.get("/api/status").json()["maxProcesses"] == 2
        assert client.get("/api/teams").json()["items"][0]["name"] == "alpha"


def test_no_watcher_without_hot_reload(tmp_path: Path, standin: ModelStandIn) -> None:
    config = write_config(tmp_path, standin, {"alpha": {}}, settings={"hotReloadConfig": False})
    file = Path(config.source)
    with TestClient(create_app(config)) as client:
        edit(file, lambda d: d["settings"].update(maxProcesses=2))
        time.sleep(0.8)
        assert client.get("/api/status").json()["maxProcesses"] == 10

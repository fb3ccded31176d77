"""Shared fixtures: a model stand-in, a private HOME and IRIS_HOME per test, and engines on real configs."""

from __future__ import annotations

import os
import textwrap
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.config import IrisConfig, load_config
from app.engine import Engine
from app.standin import ModelStandIn


@pytest.fixture(scope="session")
def standin() -> Iterator[ModelStandIn]:
    """One model stand-in for the whole run."""
    with ModelStandIn() as server:
        yield server


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private HOME (Claude Code's transcripts) and IRIS_HOME (Iris's stores) for one test."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("IRIS_HOME", str(tmp_path / "iris"))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.delenv("IRIS_CONFIG_PATH", raising=False)
    return home


ConfigFactory = Callable[..., IrisConfig]


@pytest.fixture
def make_config(tmp_path: Path, home: Path, standin: ModelStandIn) -> ConfigFactory:
    """Write a config with the given teams (each a folder under tmp_path) and settings, and load it."""

    def make(
        teams: Any = ("alpha", "beta"),
        settings: dict[str, Any] | None = None,
        team_options: dict[str, Any] | None = None,
        **sections: Any,
    ) -> IrisConfig:
        team_entries = {}
        for name in teams:
            folder = tmp_path / "projects" / name
            folder.mkdir(parents=True, exist_ok=True)
            team_entries[name] = {"path": str(folder), "env": standin.env(), **(team_options or {})}
        document = {
            "settings": {"shutdownGrace": 2000, "cancelGrace": 3000, **(settings or {})},
            "teams": team_entries,
            **sections,
        }
        file = tmp_path / "config.yaml"
        file.write_text(yaml.safe_dump(document))
        return load_config(file)

    return make


@pytest.fixture
async def engine_factory() -> AsyncIterator[Callable[[IrisConfig], Any]]:
    """Start engines on configs; every one is shut down after the test."""
    engines: list[Engine] = []

    async def start(config: IrisConfig) -> Engine:
        engine = Engine(config)
        await engine.start()
        engines.append(engine)
        return engine

    yield start
    for engine in engines:
        if not engine._closing:
            await engine.shutdown()


@pytest.fixture
async def engine(make_config: ConfigFactory, engine_factory: Callable[[IrisConfig], Any]) -> Engine:
    """An engine with two teams, alpha and beta, on the stand-in."""
    return await engine_factory(make_config())


def dedent(text: str) -> str:
    """Strip common indentation."""
    return textwrap.dedent(text).strip() + "\n"


def claude_processes() -> list[int]:
    """Pids of live Claude Code processes that this test process started."""
    found = []
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat[stat.rfind(")") + 2 :].split()[1])
        if parent == me and cmdline and cmdline[0].endswith(b"/claude"):
            found.append(int(entry.name))
    return found

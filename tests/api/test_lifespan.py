"""The app's lifespan: one engine per app, and no Claude Code process outlives it, even one still starting."""

from __future__ import annotations

import time
from pathlib import Path

from litestar.testing import TestClient

from app.api.app import create_app
from app.engine import Engine
from app.standin import ModelStandIn
from tests.conftest import claude_processes
from tests.support.live import write_config


def no_claude_left(timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while claude_processes():
        assert time.monotonic() < deadline, f"Claude Code processes left behind: {claude_processes()}"
        time.sleep(0.05)


def test_the_engine_lives_in_app_state_for_the_lifespan(tmp_path: Path, standin: ModelStandIn) -> None:
    app = create_app(write_config(tmp_path, standin, {"alpha": {}}))
    with TestClient(app) as client:
        engine = app.state.engine
        assert isinstance(engine, Engine) and client.get("/api/health").status_code == 200
        assert client.post("/api/teams/alpha/wake").json()["status"] == "awake"
    assert engine._closing
    no_claude_left()


def test_stopping_while_processes_are_starting_leaves_none(tmp_path: Path, standin: ModelStandIn) -> None:
    app = create_app(write_config(tmp_path, standin, {"alpha": {}, "beta": {}}))
    with TestClient(app) as client:
        assert client.post("/api/teams/alpha/launch").status_code == 202
        assert client.post("/api/teams/quick-tell", json={"toTeam": "beta", "message": "hi"}).status_code == 202
    no_claude_left()

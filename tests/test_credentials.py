"""Teams without model credentials: one warning at start naming them, and tells that say so and how to fix it."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from app.config import IrisConfig, TeamConfig, load_config
from app.engine import Engine
from app.engine.credentials import CREDENTIAL_VARIABLES, has_model_credentials, teams_without_credentials
from app.engine.tells import FailureKind
from app.standin import ModelStandIn
from tests.support.live import ROOT, child_environment, create_key, free_port, wait_until_serving

QUIET = {"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1", "CLAUDE_CODE_MAX_RETRIES": "1", "DISABLE_AUTOUPDATER": "1"}
"""Claude Code kept offline, with no credentials."""
UNSET = (*CREDENTIAL_VARIABLES, "ANTHROPIC_BASE_URL", "CLAUDE_CONFIG_DIR", "CLAUDE_CODE_USE_BEDROCK")


@pytest.fixture
def bare(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private HOME with no Claude Code login, and no credentials in this process's environment."""
    for name in UNSET:
        monkeypatch.delenv(name, raising=False)
    return home


def team(tmp_path: Path, **env: str) -> TeamConfig:
    """A team with this environment."""
    return TeamConfig(path=str(tmp_path), env=env)


def write(tmp_path: Path, teams: dict[str, dict[str, Any]]) -> IrisConfig:
    """A config of these teams, each in a folder of its own."""
    for name, options in teams.items():
        (tmp_path / name).mkdir()
        options.setdefault("path", str(tmp_path / name))
    (tmp_path / "config.yaml").write_text(yaml.safe_dump({"teams": teams}))
    return load_config(tmp_path / "config.yaml")


def test_what_counts_as_credentials(bare: Path, tmp_path: Path) -> None:
    assert not has_model_credentials(team(tmp_path))
    assert not has_model_credentials(team(tmp_path, ANTHROPIC_BASE_URL="http://127.0.0.1:9"))  # a URL is no key
    assert not has_model_credentials(team(tmp_path, ANTHROPIC_API_KEY=""))
    for name in CREDENTIAL_VARIABLES:
        assert has_model_credentials(team(tmp_path, **{name: "secret"})), name
    assert has_model_credentials(team(tmp_path), {"ANTHROPIC_API_KEY": "from the server", "HOME": str(bare)})
    assert has_model_credentials(team(tmp_path, CLAUDE_CODE_USE_BEDROCK="1"))
    assert not has_model_credentials(team(tmp_path, CLAUDE_CODE_USE_BEDROCK="0"))


def test_a_claude_code_login_counts(bare: Path, tmp_path: Path) -> None:
    (bare / ".claude").mkdir()
    assert not has_model_credentials(team(tmp_path))
    (bare / ".claude" / ".credentials.json").write_text(json.dumps({"claudeAiOauth": {"accessToken": "x"}}))
    assert has_model_credentials(team(tmp_path))
    own = tmp_path / "own-home"
    (own / ".claude").mkdir(parents=True)
    assert not has_model_credentials(team(tmp_path, HOME=str(own)))  # the team's HOME is where its login would be
    (own / ".claude" / "settings.json").write_text(json.dumps({"apiKeyHelper": "print-key"}))
    assert has_model_credentials(team(tmp_path, HOME=str(own)))
    elsewhere = tmp_path / "config-dir"
    elsewhere.mkdir()
    assert not has_model_credentials(team(tmp_path, CLAUDE_CONFIG_DIR=str(elsewhere)))
    (elsewhere / ".credentials.json").write_text("{}")
    assert has_model_credentials(team(tmp_path, CLAUDE_CONFIG_DIR=str(elsewhere)))


async def test_one_warning_at_start_names_the_teams_without_credentials(
    bare: Path,
    tmp_path: Path,
    standin: ModelStandIn,
    engine_factory: Callable[[IrisConfig], Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = write(tmp_path, {"alpha": {"env": QUIET}, "beta": {"env": standin.env()}, "gamma": {"env": QUIET}})
    assert teams_without_credentials(config) == ["alpha", "gamma"]
    with caplog.at_level(logging.WARNING, logger="iris"):
        await engine_factory(config)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert "teams alpha, gamma" in warnings[0] and "beta" not in warnings[0]
    assert "ANTHROPIC_API_KEY" in warnings[0] and "./dev demo" in warnings[0]


async def test_no_warning_when_claude_code_is_logged_in(
    bare: Path, tmp_path: Path, engine_factory: Callable[[IrisConfig], Any], caplog: pytest.LogCaptureFixture
) -> None:
    (bare / ".claude").mkdir()
    (bare / ".claude" / ".credentials.json").write_text(json.dumps({"claudeAiOauth": {"accessToken": "x"}}))
    config = write(tmp_path, {"alpha": {"env": QUIET}})
    with caplog.at_level(logging.WARNING, logger="iris"):
        await engine_factory(config)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and "credentials" in r.getMessage()]


async def test_a_tell_without_credentials_says_so_and_how_to_fix_it(
    bare: Path, tmp_path: Path, standin: ModelStandIn, engine_factory: Callable[[IrisConfig], Any]
) -> None:
    config = write(tmp_path, {"alpha": {"env": QUIET}, "beta": {"env": standin.env()}})
    engine: Engine = await engine_factory(config)
    told = await engine.tell("alpha", "hello", timeout=60000)
    assert told.status == "failed" and told.failure is not None
    assert told.failure.kind is FailureKind.NO_CREDENTIALS
    reason = told.reason or ""
    assert reason.startswith("no_credentials: team 'alpha' has no model credentials")
    assert "ANTHROPIC_API_KEY" in reason and "./dev demo" in reason and "/login" not in reason
    stored = await engine.get_request(told.request_id)
    assert stored.reason == reason
    # A team with a key works; a key the model API refuses keeps Claude Code's own words.
    assert (await engine.tell("beta", "hello", timeout=60000)).status == "completed"
    refused = await engine.tell("beta", "#status:401 hello", timeout=60000)
    assert refused.status == "failed" and refused.failure is not None
    assert refused.failure.kind is FailureKind.CLAUDE_ERROR and "401" in (refused.reason or "")


def test_serving_the_example_config_without_a_key(bare: Path, tmp_path: Path) -> None:
    port = free_port()
    iris_home = tmp_path / "iris"
    env = {
        **child_environment(
            iris_home, HOME=str(bare), IRIS_PORT=str(port), IRIS_DASHBOARD_PORT=str(free_port()), **QUIET
        ),
        "IRIS_CONFIG_PATH": str(ROOT / "config.example.yaml"),
    }
    for name in UNSET:
        env.pop(name, None)
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--config", str(ROOT / "config.example.yaml")],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_serving(url, server, log.read_text)
        config = load_config(ROOT / "config.example.yaml", env={"IRIS_HOME": str(iris_home), "IRIS_PORT": str(port)})
        key = create_key(config)
        response = httpx.post(
            f"{url}/api/teams/tell",
            json={"toTeam": "alpha", "message": "hello"},
            headers={"Authorization": f"Bearer {key}"},
            timeout=120,
        )
        assert response.status_code == 200, response.text
        told = response.json()
        assert told["status"] == "failed" and told["isError"] is True
        assert told["reason"].startswith("no_credentials: team 'alpha' has no model credentials")
        assert "/login" not in told["reason"]
        server.terminate()
        server.wait(30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(10)
    warnings = [line for line in log.read_text().splitlines() if "no model credentials for" in line]
    assert len(warnings) == 1 and "teams alpha, beta" in warnings[0], log.read_text()[-3000:]

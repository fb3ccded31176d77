"""Auth test fixtures: a private IRIS_HOME and a config file naming the key store and audit log."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


@dataclass(frozen=True)
class AuthPaths:
    """Where this test's config, key store and audit log are."""

    config: Path
    keys: Path
    audit: Path
    env: dict[str, str]
    """The environment for a subprocess that must find the same stores."""


@pytest.fixture
def auth_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AuthPaths]:
    """A config with teams alpha and beta whose api section points at stores under tmp_path."""
    home = tmp_path / "iris"
    for team in ("alpha", "beta"):
        (tmp_path / "projects" / team).mkdir(parents=True)
    config = tmp_path / "config.yaml"
    document = {
        "teams": {team: {"path": str(tmp_path / "projects" / team)} for team in ("alpha", "beta")},
        "api": {"keyStorePath": "${IRIS_HOME}/keys.db", "auditLogPath": "${IRIS_HOME}/audit.db"},
    }
    config.write_text(yaml.safe_dump(document))
    monkeypatch.setenv("IRIS_HOME", str(home))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("IRIS_CONFIG_PATH", str(config))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    yield AuthPaths(config=config, keys=home / "keys.db", audit=home / "audit.db", env=env)

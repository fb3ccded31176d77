"""Whether a team's Claude Code has model credentials: a key or token in its environment, or a login of its own."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from app.config import IrisConfig, TeamConfig

__all__ = ["CREDENTIAL_VARIABLES", "has_model_credentials", "teams_without_credentials"]

CREDENTIAL_VARIABLES = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN")
"""Variables that give Claude Code a key or token for the model API."""
_CLOUD_VARIABLES = ("CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX", "CLAUDE_CODE_USE_FOUNDRY")
"""Variables that send Claude Code to a cloud provider, whose credentials it finds by the provider's own means."""


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() not in ("", "0", "false", "no", "off")


def _config_dir(env: Mapping[str, str]) -> Path:
    """Claude Code's config folder for this environment (`CLAUDE_CONFIG_DIR`, else `$HOME/.claude`)."""
    if env.get("CLAUDE_CONFIG_DIR"):
        return Path(env["CLAUDE_CONFIG_DIR"]).expanduser()
    return Path(env.get("HOME") or str(Path.home())).expanduser() / ".claude"


def _logged_in(config_dir: Path) -> bool:
    """Whether Claude Code keeps a login there (`.credentials.json`) or user settings naming an `apiKeyHelper`."""
    if (config_dir / ".credentials.json").is_file():
        return True
    try:
        settings = json.loads((config_dir / "settings.json").read_text())
    except (OSError, ValueError):
        return False
    return isinstance(settings, dict) and bool(settings.get("apiKeyHelper"))


def has_model_credentials(team: TeamConfig, environ: Mapping[str, str] | None = None) -> bool:
    """Whether the team's Claude Code (the server's environment with the team's `env` over it) has credentials
    for the model API. A base URL alone is none: Claude Code still wants a key for it."""
    env = {**(os.environ if environ is None else environ), **team.env}
    if any(env.get(name) for name in CREDENTIAL_VARIABLES):
        return True
    if any(_truthy(env.get(name)) for name in _CLOUD_VARIABLES):
        return True
    return _logged_in(_config_dir(env))


def teams_without_credentials(config: IrisConfig, environ: Mapping[str, str] | None = None) -> list[str]:
    """The configured teams whose Claude Code has no model credentials."""
    return [name for name, team in config.teams.items() if not has_model_credentials(team, environ)]

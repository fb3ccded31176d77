"""Which tells run as Claude Code commands: the allowlist, and the permission each command amounts to."""

from __future__ import annotations

from collections.abc import Callable

from app.auth.keys import ADMIN
from app.engine import Engine
from app.errors import ForbiddenError

__all__ = ["COMMAND_PERMISSIONS", "command_permission", "run_as_command"]

COMMAND_PERMISSIONS = {"compact": "team:compact", "clear": "team:clear"}
"""Commands that amount to an operation of Iris's own need that operation's permission; any other command
(it may change settings, the model or the session) needs `admin`."""


def command_permission(name: str) -> str:
    """The permission a key needs to run the Claude Code command `name` through a tell."""
    return COMMAND_PERMISSIONS.get(name, ADMIN)


def run_as_command(engine: Engine, message: str, holds: Callable[[str], bool]) -> str | None:
    """The Claude Code command a tell's text runs as: one on `settings.allowedSlashCommands`, for a key that
    `holds` its permission (403 naming it when not). None: the text is only text."""
    name = engine.allowed_command(message)
    if name is None:
        return None
    permission = command_permission(name)
    if not holds(permission):
        raise ForbiddenError(
            f"/{name} runs as a Claude Code command; this key lacks the permission {permission} it needs",
            {"permission": permission, "field": "message"},
        )
    return name

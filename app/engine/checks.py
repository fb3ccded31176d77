"""What callers pass to the engine, checked: teams, callers, messages, timeouts and commands."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import jsonschema  # type: ignore[import-untyped]

from app.config import EXTERNAL, IrisConfig, TeamConfig
from app.engine.tells import TellOptions
from app.errors import TeamNotFoundError, ValidationError

MAX_MESSAGE_BYTES = 1024 * 1024
MAX_TIMEOUT_MS = 3_600_000
MAX_TURNS = 1000
MAX_TELL_BUDGET_USD = 10_000.0
MAX_PROMPT_CHARS = 65_536
_MODEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@\[\]-]{0,127}")
_COMMAND = re.compile(r"/([A-Za-z0-9][A-Za-z0-9_:.-]*)(?=\s|$)")


def slash_command(message: str) -> str | None:
    """The Claude Code command a message names when typed as is (`compact` for "/compact keep the API"), or None."""
    match = _COMMAND.match(message)
    return match.group(1) if match else None


def allowed_command(config: IrisConfig, message: str) -> str | None:
    """The command on `settings.allowedSlashCommands` that `message` names, or None (it is only text)."""
    name = slash_command(message)
    return name if name is not None and name in config.settings.allowed_slash_commands else None


def check_command(config: IrisConfig, message: str) -> None:
    """ValidationError unless `message` names a command on `settings.allowedSlashCommands`."""
    if allowed_command(config, message) is None:
        name = slash_command(message)
        raise ValidationError(
            f"/{name} is not on settings.allowedSlashCommands" if name else "message does not name a command",
            {"field": "message"},
        )


def unknown_team(
    config: IrisConfig, name: str, field_name: str = "team", visible: Callable[[str], bool] | None = None
) -> TeamNotFoundError:
    """The error for a team that is not configured: it names `field_name` and lists the configured teams (those
    `visible` admits, for a caller who may see only some)."""
    configured = [team for team in config.teams if visible is None or visible(team)]
    listed = ", ".join(configured) or "none"
    if field_name == "fromTeam":
        text = f"fromTeam {name!r} is not a configured team (omit it, or use {EXTERNAL!r}; configured: {listed})"
    else:
        text = f"Team {name!r} is not configured (configured: {listed})"
    return TeamNotFoundError(text, {field_name: name, "configuredTeams": configured})


def known_team(config: IrisConfig, name: str, field_name: str = "team") -> TeamConfig:
    """The configured team of that name (TeamNotFoundError naming `field_name` otherwise)."""
    team = config.team(name)
    if team is None:
        raise unknown_team(config, name, field_name)
    return team


def known_caller(config: IrisConfig, from_team: str | None) -> str:
    """The caller: `external` when none is given, else a configured team (TeamNotFoundError otherwise)."""
    caller = from_team or EXTERNAL
    if caller != EXTERNAL and caller not in config.teams:
        raise unknown_team(config, caller, "fromTeam")
    return caller


def check_message(message: str) -> None:
    """ValidationError unless the message is 1 byte to 1 MiB of text without NUL characters."""
    if not message:
        raise ValidationError("message must not be empty", {"field": "message"})
    if "\x00" in message:
        raise ValidationError("message must not contain NUL characters", {"field": "message"})
    if len(message.encode("utf-8", "surrogatepass")) > MAX_MESSAGE_BYTES:
        raise ValidationError("message is longer than 1 MiB", {"field": "message"})


def check_timeout(timeout: int) -> None:
    """ValidationError unless the caller's wait is -1, 0 or 1 to `MAX_TIMEOUT_MS` ms."""
    if timeout < -1 or timeout > MAX_TIMEOUT_MS:
        raise ValidationError(f"timeout must be -1, 0 or 1 to {MAX_TIMEOUT_MS} ms", {"field": "timeout"})


def check_options(options: TellOptions) -> None:
    """ValidationError naming the field unless each of a tell's own options is one Claude Code can take."""
    if options.model is not None and not _MODEL.fullmatch(options.model):
        raise ValidationError(
            "model must be a model name or alias: 1 to 128 letters, digits and ._:@[]- (starting with a letter or "
            "digit)",
            {"field": "model"},
        )
    if options.max_turns is not None and not 1 <= options.max_turns <= MAX_TURNS:
        raise ValidationError(f"maxTurns must be 1 to {MAX_TURNS}", {"field": "maxTurns"})
    budget = options.max_budget_usd
    if budget is not None and not (math.isfinite(budget) and 0 < budget <= MAX_TELL_BUDGET_USD):
        raise ValidationError(
            f"maxBudgetUsd must be more than 0 and at most {MAX_TELL_BUDGET_USD:g}", {"field": "maxBudgetUsd"}
        )
    prompt = options.append_system_prompt
    if prompt is not None and (not prompt or "\x00" in prompt or len(prompt) > MAX_PROMPT_CHARS):
        raise ValidationError(
            f"appendSystemPrompt must be 1 to {MAX_PROMPT_CHARS} characters without NUL",
            {"field": "appendSystemPrompt"},
        )
    if options.output_schema is not None:
        check_output_schema(options.output_schema)


def check_output_schema(schema: object) -> None:
    """ValidationError naming `outputSchema` unless it is a JSON Schema of a JSON object."""
    if not isinstance(schema, dict):
        raise ValidationError("outputSchema must be a JSON Schema object", {"field": "outputSchema"})
    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.exceptions.SchemaError as exc:
        where = "/".join(str(part) for part in exc.absolute_path)
        raise ValidationError(
            f"outputSchema is not a valid JSON Schema: {exc.message}" + (f" (at /{where})" if where else ""),
            {"field": "outputSchema"},
        ) from None
    if schema.get("type", "object") != "object":
        raise ValidationError(
            'outputSchema must describe a JSON object ("type": "object" at its top, or no type)',
            {"field": "outputSchema"},
        )

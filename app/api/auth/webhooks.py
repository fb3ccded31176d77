"""Team scope on webhook endpoints: a scoped key manages and uses only endpoints whose team filter lies within it."""

from __future__ import annotations

import uuid
from typing import Any

from litestar.connection import ASGIConnection

from app.api.auth.access import KeyIdentity
from app.api.auth.scope import Allows
from app.auth.keys import KeyRecord
from app.engine import Engine
from app.errors import ForbiddenError, IrisError

__all__ = ["WEBHOOK_OPERATIONS", "check_webhook", "endpoint_within", "key_within_endpoint", "outside_endpoint"]

WEBHOOK_OPERATIONS = frozenset({"deleteWebhook", "listWebhookDeliveries", "redeliverWebhook"})
"""The operations on one endpoint (`{webhookId}`), checked against the key's scope by the guard."""
TELL = "team:tell"


def endpoint_within(
    identity: Allows | None, scoped: bool, teams: tuple[str, ...] | list[str] | None, permission: str = TELL
) -> bool:
    """Whether an endpoint with this team filter lies within the caller's team scope (None: authentication off)."""
    if identity is None or not scoped:
        return True
    return teams is not None and all(identity.allows(permission, team) for team in teams)


def key_within_endpoint(key: KeyRecord | None, teams: tuple[str, ...] | list[str] | None) -> bool:
    """Whether the key's scope covers an endpoint with this team filter."""
    if key is None or key.teams is None:
        return True
    return teams is not None and all(key.allows_team(team) for team in teams)


def outside_endpoint(key: KeyRecord, teams: tuple[str, ...] | list[str] | None) -> ForbiddenError:
    """The refusal of an endpoint (or a new one) reaching beyond the key's team scope (403 naming the team, or
    `teams` for an endpoint of every team)."""
    if teams is None:
        return ForbiddenError(
            "This key has a team scope: a webhook endpoint it manages needs a team filter (teams) within it",
            {"field": "teams", "allowed": list(key.teams or ())},
        )
    team = next(team for team in teams if not key.allows_team(team))
    return ForbiddenError(f"This key may not address team {team}", {"team": team})


async def check_webhook(connection: ASGIConnection[Any, Any, Any, Any], key: KeyRecord) -> None:
    """403 unless the named endpoint's team filter lies within the key's scope (an unknown one is the handler's
    404)."""
    if key.teams is None:
        return
    try:
        webhook_id = uuid.UUID(str(connection.path_params.get("webhookId")))
        engine: Engine = connection.app.state.engine
        record = await engine.webhooks.endpoint(webhook_id)
    except (ValueError, IrisError):
        return
    if not key_within_endpoint(key, record.teams):
        raise outside_endpoint(key, record.teams)


def identity_of(key: KeyRecord | None) -> KeyIdentity | None:
    """The key as an `Identity` (None when authentication is off)."""
    return KeyIdentity(key) if key is not None else None

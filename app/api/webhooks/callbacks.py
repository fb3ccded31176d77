"""A tell's `callbackUrl`: the registered webhook endpoint it names, which the caller's key may use."""

from __future__ import annotations

import uuid

import msgspec

from app.api.auth.scope import Allows
from app.api.auth.webhooks import endpoint_within
from app.config import EXTERNAL
from app.engine import Engine
from app.errors import ValidationError

__all__ = ["callback_for"]


def callback_for(
    engine: Engine,
    identity: Allows | None,
    scoped: bool,
    url: str | msgspec.UnsetType | None,
    to_team: str,
    from_team: str | None,
) -> uuid.UUID | None:
    """The endpoint a tell's `callbackUrl` names (None when it names none): registered with exactly this URL,
    within the key's scope, its team filter covering the tell's pair; else 400 naming `callbackUrl`."""
    if url is None or isinstance(url, msgspec.UnsetType):
        return None
    caller = from_team or EXTERNAL
    for endpoint in engine.webhooks.callback(url):
        if endpoint_within(identity, scoped, endpoint.teams) and endpoint.covers(to_team, caller):
            return endpoint.id
    raise ValidationError(
        "callbackUrl: not the URL of a registered webhook endpoint this key may use for this tell "
        "(register it with POST /api/webhooks)",
        {"field": "callbackUrl"},
    )

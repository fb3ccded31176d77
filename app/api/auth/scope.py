"""Team scope on caller → team pairs, shared by the REST guard and the stream layer (SSE and `/ws`).

A pair is within a key's scope when its team is and its caller is `external` or one of the key's teams; a
session, a tell or a pending permission belongs to its pair. The checks take anything with
`allows(permission, team)` (the stream layer's `Identity`, or `KeyIdentity` around a key record). The
permissions they are given come from the table of operations (`app.api.operations`).
"""

from __future__ import annotations

import uuid
from typing import Protocol

from app.auth.permissions import caller_forbidden, permission_forbidden, team_forbidden
from app.config import EXTERNAL
from app.db.models import SessionRecord
from app.engine import Engine

__all__ = [
    "Allows",
    "allows_caller",
    "allows_pair",
    "require",
    "require_caller",
    "require_pair",
    "require_session",
    "require_tell",
]


class Allows(Protocol):
    """Who may do what: a permission, optionally on a team."""

    def allows(self, permission: str, team: str | None = None) -> bool:
        """Whether the permission is held (and, when given, the team is within scope)."""
        ...


def allows_caller(identity: Allows, permission: str, from_team: str | None) -> bool:
    """Whether the caller is `external` (or none) or a team within scope."""
    return from_team is None or from_team == EXTERNAL or identity.allows(permission, from_team)


def allows_pair(identity: Allows, permission: str, team: str, from_team: str | None) -> bool:
    """Whether the caller → team pair is within scope."""
    return identity.allows(permission, team) and allows_caller(identity, permission, from_team)


def require_caller(identity: Allows, permission: str, from_team: str | None) -> None:
    """403 naming `fromTeam` unless the caller is `external` (or none) or a team within scope."""
    if from_team is not None and not allows_caller(identity, permission, from_team):
        raise caller_forbidden(from_team)


def require(identity: Allows, permission: str, team: str | None = None) -> None:
    """403 naming the missing permission, or the team (when given) outside the key's scope."""
    if not identity.allows(permission):
        raise permission_forbidden(permission)
    if team is not None and not identity.allows(permission, team):
        raise team_forbidden(team)


def require_pair(identity: Allows, permission: str, team: str, from_team: str | None) -> None:
    """403 naming the team or the caller unless the caller → team pair is within scope."""
    if not identity.allows(permission, team):
        raise team_forbidden(team)
    require_caller(identity, permission, from_team)


async def require_session(
    engine: Engine, identity: Allows, permission: str, session_id: uuid.UUID
) -> SessionRecord | None:
    """The session's record (None when unknown), after checking that its pair is within scope."""
    record = await engine.store.get_session(session_id)
    if record is not None:
        require_pair(identity, permission, record.team, record.from_team)
    return record


async def require_tell(
    engine: Engine,
    identity: Allows,
    permission: str,
    to_team: str,
    from_team: str | None,
    session_id: uuid.UUID | None = None,
) -> None:
    """A tell (or `tell:start`) to `to_team` as `from_team`, on the named session if any: every pair in scope."""
    require_pair(identity, permission, to_team, from_team)
    if session_id is not None:
        await require_session(engine, identity, permission, session_id)

"""The checks that enforce permissions and team scopes (what each operation needs is in the contract's operation
table, which the API layer reads)."""

from __future__ import annotations

from collections.abc import Iterable

from app.auth.keys import ADMIN, KeyRecord, grants
from app.config import EXTERNAL
from app.errors import ForbiddenError, UnauthorizedError

__all__ = [
    "PATH_PERMISSION",
    "caller_forbidden",
    "caller_in_scope",
    "check",
    "check_caller",
    "check_key_access",
    "check_new_key",
    "filter_teams",
    "in_scope",
    "key_within",
    "pair_in_scope",
    "permission_forbidden",
    "scope_within",
    "sees_paths",
    "team_forbidden",
]


def in_scope(key: KeyRecord | None, team: str) -> bool:
    """Whether the key may address the team (always, without a key when authentication is off)."""
    return key is None or key.allows_team(team)


def filter_teams(key: KeyRecord | None, teams: Iterable[str]) -> list[str]:
    """The teams within the key's scope, in their order."""
    return [team for team in teams if in_scope(key, team)]


def caller_in_scope(key: KeyRecord | None, from_team: str | None) -> bool:
    """Whether the key may speak as this caller: `external` (or none given) always, a team only within its scope."""
    return from_team is None or from_team == EXTERNAL or in_scope(key, from_team)


def pair_in_scope(key: KeyRecord | None, team: str, from_team: str | None) -> bool:
    """Whether the caller → team pair (a session, a tell, a pending permission) is within the key's scope."""
    return in_scope(key, team) and caller_in_scope(key, from_team)


def permission_forbidden(permission: str) -> ForbiddenError:
    """The refusal of a key that lacks a permission (403 naming it)."""
    return ForbiddenError(f"This key lacks the permission {permission}", {"permission": permission})


def team_forbidden(team: str) -> ForbiddenError:
    """The refusal of a team outside the key's team scope (403 naming it)."""
    return ForbiddenError(f"This key may not address team {team}", {"team": team})


def caller_forbidden(from_team: str) -> ForbiddenError:
    """The refusal of a caller outside the key's team scope (403 naming `fromTeam`)."""
    return ForbiddenError(
        f"This key may not act as caller {from_team} (outside its team scope; use {EXTERNAL} or one of its teams)",
        {"fromTeam": from_team},
    )


PATH_PERMISSION = "debug:read"
"""The permission that shows a team's folder (`admin` holds it too)."""


def sees_paths(key: KeyRecord | None) -> bool:
    """Whether the key is shown teams' folders: it holds debug:read (or admin), or authentication is off."""
    return key is None or key.has(PATH_PERMISSION)


def check_caller(key: KeyRecord | None, from_team: str | None) -> None:
    """ForbiddenError naming `fromTeam` when the key may not speak as that caller."""
    if from_team is not None and not caller_in_scope(key, from_team):
        raise caller_forbidden(from_team)


def scope_within(outer: Iterable[str] | None, inner: Iterable[str] | None) -> bool:
    """Whether the team scope `inner` is no wider than `outer` (None: every team)."""
    if outer is None:
        return True
    return inner is not None and set(inner) <= set(outer)


def key_within(key: KeyRecord | None, other: KeyRecord) -> bool:
    """Whether `other` is within the key's scope (its teams a subset of the key's): the keys it may see and revoke."""
    return key is None or scope_within(key.teams, other.teams)


def _scope_text(teams: Iterable[str] | None) -> str:
    return "every team" if teams is None else ", ".join(teams)


def check_new_key(creator: KeyRecord | None, permissions: Iterable[str], teams: Iterable[str] | None) -> None:
    """ForbiddenError unless a key with these permissions and team scope is no wider than its creator.

    Every permission must be one the creator holds (`admin` only from an `admin` key), and the team scope a subset
    of the creator's: a creator with a team scope may not make a key without one. `details.field` names what was
    too wide.
    """
    if creator is None:
        return
    wanted = list(permissions)
    wider = [p for p in wanted if not (creator.has(ADMIN) if p == ADMIN else grants(creator.permissions, p))]
    if wider:
        raise ForbiddenError(
            f"This key may not create a key with the permission {wider[0]}, which it does not hold itself",
            {"field": "permissions", "permission": wider[0]},
        )
    if not scope_within(creator.teams, teams):
        outside = "every team" if teams is None else ", ".join(t for t in teams if t not in (creator.teams or ()))
        raise ForbiddenError(
            f"This key may not create a key for {outside}: a new key's teams must be within this key's "
            f"({_scope_text(creator.teams)})",
            {"field": "teams", "allowed": list(creator.teams or ())},
        )


def check_key_access(key: KeyRecord | None, other: KeyRecord) -> None:
    """ForbiddenError naming the key when `other` reaches teams outside the key's scope (it may not revoke it)."""
    if not key_within(key, other):
        raise ForbiddenError(
            f"This key may not manage key {other.id}: that key reaches {_scope_text(other.teams)}, "
            f"wider than this key's teams ({_scope_text(key.teams if key else None)})",
            {"keyId": other.id, "field": "teams"},
        )


def check(
    key: KeyRecord | None,
    permission: str | None,
    team: str | None = None,
    *,
    require_auth: bool = True,
) -> None:
    """Allow, or raise UnauthorizedError (no key, auth on) or ForbiddenError naming the permission or the team."""
    # permission None: a public operation. team: the team addressed (a session's team for session operations).
    if permission is None:
        return
    if key is None:
        if require_auth:
            raise UnauthorizedError("Missing or invalid API key")
        return
    if not key.has(permission):
        raise permission_forbidden(permission)
    if team is not None and not key.allows_team(team):
        raise team_forbidden(team)

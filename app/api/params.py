"""Path and query parameters, with the contract's own constraints.

The constraints come from the generated type aliases (`TeamName`, `PageLimit`, ...): Litestar does not apply the
msgspec `Meta` inside them to parameters, so they are restated here as `Parameter` constraints.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, get_args

import msgspec
from litestar.params import Parameter

from app.api import models as m

__all__ = [
    "CursorQuery",
    "FromTeamQuery",
    "IncludeMessagesQuery",
    "LimitQuery",
    "SessionIdQuery",
    "TeamPath",
    "TeamQuery",
    "UuidPath",
    "as_optional_uuid",
    "as_uuid",
    "constraints",
]


def constraints(alias: Any) -> dict[str, Any]:
    """The length, range and pattern constraints of a generated type alias, as `Parameter` keywords."""
    found: dict[str, Any] = {}
    for meta in get_args(alias)[1:]:
        if isinstance(meta, msgspec.Meta):
            for key in ("ge", "le", "gt", "lt", "min_length", "max_length", "pattern"):
                value = getattr(meta, key)
                if value is not None:
                    found[key] = value
    return found


TeamPath = Annotated[str, Parameter(**constraints(m.TeamName))]
"""The team addressed (the callee of the caller → team pair)."""

FromTeamQuery = Annotated[str | None, Parameter(query="fromTeam", **constraints(m.TeamName))]
"""The caller (`external` when absent)."""

TeamQuery = Annotated[str | None, Parameter(query="team", **constraints(m.TeamName))]
"""Only this team."""

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
"""A UUID as JSON Schema's `format: uuid` has it (hyphenated); Litestar alone would also take other spellings."""

UuidPath = Annotated[str, Parameter(pattern=UUID_PATTERN)]
"""A session, request or permission id in the path (`as_uuid` turns it into a UUID)."""

SessionIdQuery = Annotated[str | None, Parameter(query="sessionId", pattern=UUID_PATTERN)]
"""A session id."""


def as_uuid(value: str) -> uuid.UUID:
    """A UUID parameter that its pattern already checked."""
    return uuid.UUID(value)


def as_optional_uuid(value: str | None) -> uuid.UUID | None:
    """An optional UUID parameter that its pattern already checked."""
    return None if value is None else uuid.UUID(value)


LimitQuery = Annotated[int, Parameter(query="limit", **constraints(m.PageLimit))]
"""Page size (1 to 500, default 50)."""

CursorQuery = Annotated[str | None, Parameter(query="cursor", **constraints(m.Cursor))]
"""A previous page's `nextCursor`."""

IncludeMessagesQuery = Annotated[bool, Parameter(query="includeMessages")]
"""Include each tell's cached raw messages."""

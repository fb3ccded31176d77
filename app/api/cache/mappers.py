"""Engine cache pages → the contract's models."""

from __future__ import annotations

import uuid

from app.api import models as m
from app.api.teams.mappers import tell_response
from app.engine.views import CachePage

__all__ = ["cache_page", "clear_cache_response"]


def cache_page(cache: CachePage, *, include_messages: bool) -> m.CachePage:
    """One page of a session's tells, newest first (the session's fields lifted up, so no plain copy)."""
    return m.CachePage(
        session_id=cache.session.session_id,
        team=cache.session.team,
        from_team=cache.session.from_team,
        items=[tell_response(view, include_messages=include_messages) for view in cache.tells],
        next_cursor=cache.next_cursor,
    )


def clear_cache_response(session_id: uuid.UUID, cleared: int) -> m.ClearCacheResponse:
    """How many records were deleted (a count, not a view; a driver's unknown count, -1, shows as 0)."""
    return m.ClearCacheResponse(session_id=session_id, cleared=max(0, cleared))

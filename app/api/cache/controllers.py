"""A session's tell records, by session id: read a page, or clear the finished ones."""

from __future__ import annotations

from litestar import Controller, delete, get

from app.api import models as m
from app.api.cache.mappers import cache_page, clear_cache_response
from app.api.params import CursorQuery, IncludeMessagesQuery, LimitQuery, UuidPath, as_uuid
from app.api.routing import operation
from app.engine import Engine

__all__ = ["CacheController"]


class CacheController(Controller):
    """Tell records of one session."""

    path = "/cache/{sessionId:str}"
    tags = ["cache"]

    @get("/", opt=operation("readCache"))
    async def read_cache(
        self,
        engine: Engine,
        sessionId: UuidPath,
        include_messages: IncludeMessagesQuery = True,
        cursor: CursorQuery = None,
        limit: LimitQuery = 50,
    ) -> m.CachePage:
        """One page of the session's tell records, newest first."""
        cache = await engine.read_cache(as_uuid(sessionId), limit=limit, cursor=cursor)
        return cache_page(cache, include_messages=include_messages)

    @delete("/", opt=operation("clearCache"), status_code=200)
    async def clear_cache(
        self,
        engine: Engine,
        sessionId: UuidPath,
    ) -> m.ClearCacheResponse:
        """Delete the session's finished tell records (not the conversation)."""
        session_id = as_uuid(sessionId)
        return clear_cache_response(session_id, await engine.clear_cache(session_id))

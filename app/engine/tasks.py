"""The engine's background tasks: kept until they end, so that none is lost and shutdown can wait for them."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any


class Background:
    """Tasks started off a caller's path (records, launches, sleeps)."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run a coroutine in the background, kept until it ends."""
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def settled(self) -> None:
        """Wait until every background task (and any it started) has ended."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

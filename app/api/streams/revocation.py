"""Open streams follow their key: a stream whose key is revoked or expires is ended within one tick.

The stream layer calls `KeyWatch.check` every `StreamSettings.recheck_seconds` (0.5 s) with its open streams:

- a stream whose key's expiry (`KeyRecord.expires_at`) has passed is ended, by the clock alone;
- when the key store file changed since the last tick, every key with open streams is asked again
  (`StreamAccess.key_active`) and the streams of a key that is no longer usable are ended. SQLite's
  `PRAGMA data_version`, read on a connection of this module's own, changes whenever any other connection
  commits to the file: a revocation through the API (this process) or the CLI (another process) alike.

Ending a stream is the layer's business (`StreamLayer.end_stream`): the WebSocket is closed with 4401, an SSE
stream ends after an `error` event.
"""

from __future__ import annotations

import datetime
import logging
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal

from app.api.auth.access import StreamAccess, expires_at
from app.api.streams.clients import StreamClient
from app.clock import utcnow

__all__ = ["EndReason", "KeyWatch", "StoreChanges"]

log = logging.getLogger("iris.streams")

EndReason = Literal["revoked", "expired"]


class StoreChanges:
    """Whether an SQLite file may have been committed to since the last call (`PRAGMA data_version`)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None

    def changed(self) -> bool:
        """True when another connection committed since the last call (and whenever it cannot tell)."""
        try:
            if self._conn is None:
                if not self.path.is_file():
                    return True
                self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            version = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error:
            self.close()
            return True
        changed = version != self._version
        self._version = version
        return changed

    def forget(self) -> None:
        """Report a change on the next call (a check that failed is made again)."""
        self._version = None

    def close(self) -> None:
        """Release the connection."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._version = None


class KeyWatch:
    """Finds the open streams whose key is no longer usable (see the module docstring)."""

    def __init__(
        self,
        access: StreamAccess,
        changes: StoreChanges | None,
        clock: Callable[[], datetime.datetime] = utcnow,
    ) -> None:
        self.access = access
        self.changes = changes
        """None: ask about every key on every tick (no file to watch)."""
        self.clock = clock
        self._failing = False

    async def check(self, clients: Iterable[StreamClient]) -> list[tuple[StreamClient, EndReason]]:
        """The streams to end now, each with why."""
        now = self.clock()
        ended: list[tuple[StreamClient, EndReason]] = []
        by_key: dict[str, list[StreamClient]] = {}
        for client in clients:
            identity = client.identity
            key_id = identity.key_id if identity is not None else None
            if identity is None or key_id is None or client.closed:
                continue
            expiry = expires_at(identity)
            if expiry is not None and expiry <= now:
                ended.append((client, "expired"))
            else:
                by_key.setdefault(key_id, []).append(client)
        if not by_key or self.access.key_active is None:
            return ended
        if self.changes is not None and not self.changes.changed():
            return ended
        try:
            for key_id, streams in by_key.items():
                if not await self.access.still_active(key_id):
                    ended.extend((client, "revoked") for client in streams)
        except Exception as exc:
            if self.changes is not None:
                self.changes.forget()
            if not self._failing:
                log.warning("could not check the keys of open streams (will retry): %s", type(exc).__name__)
            self._failing = True
            return ended
        if self._failing:
            log.info("the keys of open streams can be checked again")
        self._failing = False
        return ended

    def close(self) -> None:
        """Release the watched file."""
        if self.changes is not None:
            self.changes.close()

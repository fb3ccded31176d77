"""Log records as `log:record` events, for the subscribers that follow this server's logs (SSE `logs=<level>`,
WebSocket `logs:subscribe`).

- Each record the engine's `LogBuffer` keeps (redacted as it is kept) goes to every log subscriber whose level it
  reaches and whose key may read it: `debug:read` (the permission of `getLogs`), and, for a key with a team scope,
  only records about its teams, by the rule `GET /api/logs` applies (`readable`).
- Nothing is done while nobody follows the logs: the buffer's listener is set with the first subscriber and
  cleared with the last, so a record costs one attribute check. The event is encoded once per record, and only
  when some subscriber takes it.
- No feedback loop: the delivery is re-entrancy guarded. A record written while log events are being delivered
  (a slow subscriber dropped with its warning, say) is kept for `GET /api/logs` but not streamed.
- A record written on another thread is delivered on the event loop's (the subscribers' queues are not
  thread-safe). A slow subscriber overflows its bounded queue like any other: `reset`, then it is dropped.
- Log events carry no seq and are never replayed: they are this instance's records, as `GET /api/logs` lists them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import TYPE_CHECKING

from app.api import models as m
from app.api.auth.scope import allows_pair
from app.api.convert import log_record
from app.api.operations import subscription
from app.api.streams.schemas import WireEvent
from app.engine.logs import LogBuffer, LogEntry

if TYPE_CHECKING:
    from app.api.auth.access import Identity
    from app.api.streams.clients import StreamClient

__all__ = ["LOGS_CHANNEL", "LogTap", "level_number", "readable"]

LOGS_CHANNEL = "logs"
"""The channel name log events carry (they never travel between instances)."""
_LEVELS = logging.getLevelNamesMapping()


def level_number(level: str) -> int:
    """The `logging` number of one of the contract's levels (`debug` ... `critical`)."""
    return _LEVELS.get(level.upper(), logging.DEBUG)


def readable(identity: Identity | None, entry: LogEntry) -> bool:
    """Whether `identity` may read a record: any without a team scope; a scoped one only records about its teams
    (`context.team`, and `context.fromTeam` when present, within its scope; a record about no team, never)."""
    if identity is None or not identity.scoped:
        return True
    team = entry.context.get("team")
    from_team = entry.context.get("fromTeam")
    if not isinstance(team, str) or not (from_team is None or isinstance(from_team, str)):
        return False
    return allows_pair(identity, subscription("logs"), team, from_team)


class LogTap:
    """This instance's log subscribers, each with its minimum level; the listener of the engine's log buffer while
    there is at least one."""

    def __init__(self) -> None:
        self._subscribers: dict[StreamClient, int] = {}
        self._buffer: LogBuffer | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: int | None = None
        self._delivering = False
        self.built = 0
        """`log:record` events encoded since start (one per record some subscriber took)."""

    def bind(self, buffer: LogBuffer) -> None:
        """Follow this buffer (the running engine's), on the running loop."""
        self._buffer = buffer
        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()
        if self._subscribers:
            buffer.listener = self._emit

    def unbind(self) -> None:
        """Stop following the buffer and forget every subscriber."""
        self._subscribers.clear()
        if self._buffer is not None and self._buffer.listener == self._emit:
            self._buffer.listener = None
        self._buffer = None

    @property
    def listening(self) -> bool:
        """Whether the buffer hands records to this tap (someone follows the logs)."""
        return self._buffer is not None and self._buffer.listener == self._emit

    def subscribers(self) -> int:
        """How many streams follow the logs."""
        return len(self._subscribers)

    def add(self, client: StreamClient, level: str) -> None:
        """`client` receives records at or above `level` from now on (again: its level changes)."""
        if client.closed or client.dropped:
            return
        self._subscribers[client] = level_number(level)
        if self._buffer is not None:
            self._buffer.listener = self._emit

    def remove(self, client: StreamClient) -> None:
        """`client` no longer receives log records (the listener goes with the last subscriber)."""
        removed = self._subscribers.pop(client, None) is not None
        if removed and not self._subscribers and self._buffer is not None and self._buffer.listener == self._emit:
            self._buffer.listener = None

    def _emit(self, entry: LogEntry) -> None:
        """The buffer's listener: deliver now on the loop's thread, else hand it over to that thread."""
        if threading.get_ident() == self._thread:
            self._deliver(entry)
            return
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody is listening any more
                loop.call_soon_threadsafe(self._deliver, entry)

    def _deliver(self, entry: LogEntry) -> None:
        """Queue one record's event for every subscriber it is for (never waits; records written meanwhile are
        not streamed)."""
        if self._delivering or not self._subscribers:
            return
        self._delivering = True
        try:
            number = level_number(entry.level)
            wire: WireEvent | None = None
            permission = subscription("logs")
            for client, floor in list(self._subscribers.items()):
                if client.closed or client.dropped:
                    self.remove(client)
                    continue
                identity = client.identity
                if number < floor or (identity is not None and not identity.allows(permission)):
                    continue
                if not readable(identity, entry):
                    continue
                if wire is None:
                    wire = WireEvent.of(LOGS_CHANNEL, m.LogRecordEvent(data=log_record(entry)))
                    self.built += 1
                client.push(wire)
                if client.dropped:
                    self.remove(client)
        finally:
            self._delivering = False

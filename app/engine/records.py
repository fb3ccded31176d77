"""The engine's events as typed records: what happened to a tell, a process, a permission, or the whole system.

Each record names its event (`name`) and the channels it goes out on (`channels()`): a tell's events on its
session's channel, a process's on its team's, a permission's on both, a health tick on the system channel. The
hub (`events.py`) numbers session events; the API turns records into the contract's events at its edge.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any, ClassVar, Literal

import msgspec

from app.engine.tells import Chain, Failure, KeptMessage, TellStatus
from app.engine.views import TellView

__all__ = [
    "SYSTEM",
    "BudgetReached",
    "CacheMessage",
    "Health",
    "PermissionRequested",
    "PermissionResolved",
    "ProcessFailed",
    "ProcessSpawned",
    "ProcessTerminated",
    "Record",
    "SubscriberReset",
    "TellChunk",
    "TellEnded",
    "TellQueued",
    "TellStarted",
    "session_channel",
    "team_channel",
]

SYSTEM = "system"
"""The channel of events about the whole system."""


def session_channel(session_id: str) -> str:
    """The channel of one session's events."""
    return f"session:{session_id}"


def team_channel(team: str) -> str:
    """The channel of one team's process lifecycle and permission events."""
    return f"team:{team}"


class Record(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """One event of the engine: its name, the channels it is published on, and its facts."""

    name: ClassVar[str]

    def channels(self) -> tuple[str, ...]:
        """The channels this event is published on."""
        return ()


class SessionRecord(Record, frozen=True, kw_only=True):
    """An event of one session (numbered by the hub, kept for replay)."""

    session_id: uuid.UUID

    def channels(self) -> tuple[str, ...]:
        """The session's channel."""
        return (session_channel(str(self.session_id)),)


class TellQueued(SessionRecord, frozen=True, kw_only=True, omit_defaults=True):
    """A tell was accepted and waits in its session's queue at `position` (1: next to run)."""

    name: ClassVar[str] = "tell:queued"
    request_id: uuid.UUID
    position: int
    parent_request_id: uuid.UUID | None = None
    """The tell whose Claude Code made this one through Iris's tools, if any."""
    chain: Chain = ()
    """The tells it waits under, root first, ending with its parent."""


class TellStarted(SessionRecord, frozen=True, kw_only=True, omit_defaults=True):
    """Claude Code was sent the tell's message."""

    name: ClassVar[str] = "tell:started"
    request_id: uuid.UUID
    parent_request_id: uuid.UUID | None = None


class TellChunk(SessionRecord, frozen=True, kw_only=True):
    """Claude Code streamed a piece of the tell's response."""

    name: ClassVar[str] = "tell:chunk"
    request_id: uuid.UUID
    chunk: str


class CacheMessage(SessionRecord, frozen=True, kw_only=True):
    """A message of the tell, as Claude Code emitted it, was kept in the session's cache."""

    name: ClassVar[str] = "cache:message"
    request_id: uuid.UUID
    message: KeptMessage


class TellEnded(SessionRecord, frozen=True, kw_only=True, omit_defaults=True):
    """A tell ended, however it ended (`failure` says how, when it has no result)."""

    name: ClassVar[str] = "tell:complete"
    request_id: uuid.UUID
    status: TellStatus
    response: str | None
    failure: Failure | None
    is_error: bool
    duration_ms: int | None
    cost_usd: float | None
    parent_request_id: uuid.UUID | None = None

    @classmethod
    def of(cls, view: TellView) -> TellEnded:
        """The end of a tell that has ended."""
        return cls(
            session_id=view.session_id,
            request_id=view.request_id,
            status=TellStatus(view.status),
            response=view.response,
            failure=view.failure,
            is_error=view.is_error,
            duration_ms=view.duration_ms,
            cost_usd=view.cost_usd,
            parent_request_id=view.parent_request_id,
        )


class TeamRecord(Record, frozen=True, kw_only=True):
    """An event about one caller → team pair's session."""

    team: str
    from_team: str
    session_id: uuid.UUID

    def channels(self) -> tuple[str, ...]:
        """The team's channel."""
        return (team_channel(self.team),)


class ProcessSpawned(TeamRecord, frozen=True, kw_only=True):
    """A session's Claude Code process is ready."""

    name: ClassVar[str] = "process:spawned"
    pid: int | None


class ProcessFailed(TeamRecord, frozen=True, kw_only=True):
    """A session's Claude Code process could not start."""

    name: ClassVar[str] = "process:error"
    error: str


class ProcessTerminated(TeamRecord, frozen=True, kw_only=True):
    """A session's Claude Code process ended (put to sleep, or on its own)."""

    name: ClassVar[str] = "process:terminated"
    reason: str
    exit_code: int | None


class PermissionRecord(TeamRecord, frozen=True, kw_only=True):
    """An event about a tool use of an `ask` team (on the session's channel and the team's)."""

    permission_id: uuid.UUID
    tool: str

    def channels(self) -> tuple[str, ...]:
        """The session's channel, then the team's."""
        return (session_channel(str(self.session_id)), team_channel(self.team))


class PermissionRequested(PermissionRecord, frozen=True, kw_only=True):
    """A tool use waits for a decision until `expires_at`."""

    name: ClassVar[str] = "permission:request"
    input: dict[str, Any]
    request_id: uuid.UUID | None
    created_at: datetime.datetime
    expires_at: datetime.datetime | None


class PermissionResolved(PermissionRecord, frozen=True, kw_only=True):
    """A waiting tool use was decided: by someone, by its timeout, or by its process stopping."""

    name: ClassVar[str] = "permission:resolved"
    decision: Literal["approve", "deny"]
    reason: str
    by: Literal["decided", "timeout", "shutdown"]


class Health(Record, frozen=True, kw_only=True):
    """The periodic health tick: the pool's processes by state, the pending permissions, the uptime (ms)."""

    name: ClassVar[str] = "health:check"
    total_processes: int
    max_processes: int
    uptime: int
    processes: dict[str, int]
    pending_permissions: int
    timestamp: datetime.datetime

    def channels(self) -> tuple[str, ...]:
        """The system channel."""
        return (SYSTEM,)


class BudgetReached(Record, frozen=True, kw_only=True, omit_defaults=True):
    """A key's or a team's cost budget was reached this period (once per period per budget)."""

    name: ClassVar[str] = "budget:reached"
    budget: Literal["key", "team"]
    key_id: str | None = None
    key_name: str | None = None
    team: str
    """The team of a team budget; for a key's, the team of the tell that reached it."""
    request_id: uuid.UUID
    limit_usd: float
    spent_usd: float
    period: Literal["day", "month", "total"]
    resets_at: datetime.datetime | None
    timestamp: datetime.datetime

    def channels(self) -> tuple[str, ...]:
        """The system channel."""
        return (SYSTEM,)


class SubscriberReset(Record, frozen=True, kw_only=True):
    """The last event a subscriber that fell too far behind gets (made by its subscription, never published)."""

    name: ClassVar[str] = "reset"
    reason: str

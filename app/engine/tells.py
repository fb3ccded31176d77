"""Tells: one message to a session and everything Claude Code streams back until the turn ends."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import enum
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from app.clock import utcnow
from app.db.models import TellRecord
from app.engine.messages import Result, Said


class TellStatus(enum.StrEnum):
    """Where a tell is in its life."""

    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    STALLED = "stalled"

    @property
    def finished(self) -> bool:
        """True once the tell has ended."""
        return self not in (TellStatus.QUEUED, TellStatus.RUNNING)


def team_removed(team: str) -> str:
    """The reason of a tell whose team left the config."""
    return f"team_removed: team {team!r} is no longer in the config"


@dataclass(slots=True)
class Usage:
    """Token counts of a tell."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_input_tokens: int = 0
    cache_creation_input_tokens: int = 0

    @classmethod
    def from_result(cls, usage: dict[str, Any] | None) -> Usage:
        """Read the model API's usage object."""
        usage = usage or {}

        def number(key: str) -> int:
            value = usage.get(key)
            return int(value) if isinstance(value, int | float) else 0

        return cls(
            number("input_tokens"),
            number("output_tokens"),
            number("cache_read_input_tokens"),
            number("cache_creation_input_tokens"),
        )


@dataclass(eq=False)
class Tell:
    """A live tell. Its record is persisted when it is accepted and when it ends."""

    session_id: uuid.UUID
    from_team: str
    team: str
    message: str
    request_id: uuid.UUID = field(default_factory=uuid.uuid4)
    status: TellStatus = TellStatus.QUEUED
    reason: str | None = None
    response: str | None = None
    is_error: bool = False
    queued_at: datetime.datetime = field(default_factory=utcnow)
    started_at: datetime.datetime | None = None
    finished_at: datetime.datetime | None = None
    cost_usd: float | None = None
    usage: Usage | None = None
    num_turns: int | None = None
    exit_code: int | None = None
    messages: deque[dict[str, Any]] = field(default_factory=deque)
    message_limit: int = 200
    partial: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    cancel_requested: bool = False
    persisted: asyncio.Task[None] | None = None
    command: bool = False
    """Run the text as the Claude Code command it names (else it reaches the model as written)."""

    @property
    def duration_ms(self) -> int | None:
        """Milliseconds from start (or queueing, if it never started) to end."""
        if self.finished_at is None:
            return None
        start = self.started_at or self.queued_at
        return int((self.finished_at - start).total_seconds() * 1000)

    @property
    def partial_response(self) -> str:
        """What has been said so far: streamed chunks, or finished text blocks."""
        if self.partial:
            return "".join(self.partial)
        return "\n".join(self.texts)

    def keep(self, said: Said) -> None:
        """Remember a message (up to the bound) and collect its text."""
        if self.message_limit:
            self.messages.append(said.data)
            if len(self.messages) > self.message_limit:
                self.messages.popleft()
        self.texts.extend(said.texts)

    def finish_from_result(self, result: Result) -> None:
        """End the tell from Claude Code's final `result` message."""
        self.cost_usd = result.cost_usd
        self.usage = Usage.from_result(result.usage)
        self.num_turns = result.num_turns
        text = result.text if result.text is not None else "\n".join(self.texts)
        self.response = text
        aborted = "abort" in result.terminal_reason or (self.cancel_requested and result.subtype != "success")
        if aborted:
            self.end(TellStatus.CANCELLED, "cancelled: interrupted at the caller's request")
        elif result.is_error:
            self.is_error = True
            self.end(TellStatus.FAILED, text or f"Claude Code reported an error ({result.subtype})")
        else:
            self.end(TellStatus.COMPLETED, None)

    def end(self, status: TellStatus, reason: str | None) -> None:
        """Set the final status and reason (first call wins)."""
        if self.status.finished:
            return
        self.status = status
        self.reason = reason
        self.finished_at = utcnow()
        if self.response is None and (self.partial or self.texts):
            self.response = self.partial_response

    def record(self) -> TellRecord:
        """A new database row for this tell."""
        return TellRecord(
            id=self.request_id,
            **self.columns(),
            session_id=self.session_id,
            from_team=self.from_team,
            team=self.team,
            message=self.message,
            queued_at=self.queued_at,
            command=self.command,
        )

    def columns(self) -> dict[str, Any]:
        """The columns that change over a tell's life."""
        return {
            "status": str(self.status),
            "reason": self.reason,
            "response": self.response,
            "is_error": self.is_error,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "duration_ms": self.duration_ms,
            "cost_usd": self.cost_usd,
            "usage": dataclasses.asdict(self.usage) if self.usage else None,
            "num_turns": self.num_turns,
            "exit_code": self.exit_code,
        }

"""Database tables: sessions, the records of their tells, and the Claude Code processes the server started."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.base import UUIDBase
from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class SessionRecord(UUIDBase):
    """One Claude Code conversation for a caller → team pair (or a fork of one)."""

    __tablename__ = "iris_session"
    __table_args__ = (Index("ix_iris_session_pair", "from_team", "team"),)

    from_team: Mapped[str] = mapped_column(String(64))
    team: Mapped[str] = mapped_column(String(64))
    primary_pair: Mapped[str | None] = mapped_column(String(140), unique=True, nullable=True)
    """`from→team` for the pair's primary session; null for forks."""
    forked_from: Mapped[UUID | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    last_used_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    last_response_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    message_count: Mapped[int] = mapped_column(Integer, default=0)
    process_state: Mapped[str] = mapped_column(String(16), default="stopped")
    launch_command: Mapped[list[str] | None] = mapped_column(JsonB, nullable=True)
    config_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JsonB, nullable=True)
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)


class TellRecord(UUIDBase):
    """One tell: the message, its outcome, timings and usage. `id` is the request id."""

    __tablename__ = "iris_tell"
    __table_args__ = (Index("ix_iris_tell_session_queued", "session_id", "queued_at"),)

    session_id: Mapped[UUID] = mapped_column(ForeignKey("iris_session.id", ondelete="CASCADE"))
    from_team: Mapped[str] = mapped_column(String(64))
    team: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    failure_kind: Mapped[str | None] = mapped_column(String(32), nullable=True)
    """What kind of failure ended the tell (the engine's `FailureKind`), beside the reason callers read."""
    response: Mapped[str | None] = mapped_column(Text, nullable=True)
    is_error: Mapped[bool] = mapped_column(Boolean, default=False)
    queued_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    started_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    finished_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    duration_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    cost_usd: Mapped[float | None] = mapped_column(Float, nullable=True)
    usage: Mapped[dict[str, Any] | None] = mapped_column(JsonB, nullable=True)
    num_turns: Mapped[int | None] = mapped_column(Integer, nullable=True)
    exit_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    command: Mapped[bool] = mapped_column(Boolean, default=False)
    """Run as the Claude Code command it names (else delivered as text): kept so a tell resumed after a restart
    runs as it was accepted."""
    parent_request_id: Mapped[UUID | None] = mapped_column(nullable=True, index=True)
    """The tell whose Claude Code made this one through Iris's tools (null for a tell from outside)."""
    chain: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonB, nullable=True)
    """The tells it waited under, root first, ending with its parent (`requestId`, `sessionId`, `from`, `to`)."""
    key_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The public id of the API key that started it (null: authentication off, or a tell from inside a tell)."""
    options: Mapped[dict[str, Any] | None] = mapped_column(JsonB, nullable=True)
    """Its per-tell options (`model`, `maxTurns`, `maxBudgetUsd`, `appendSystemPrompt`, `outputSchema`), if any."""
    output: Mapped[Any] = mapped_column(JsonB, nullable=True)
    """Its final answer parsed as JSON, for a tell with an `outputSchema` that completed."""
    restarted_for: Mapped[list[str] | None] = mapped_column(JsonB, nullable=True)
    """The start-only options for which its session's process was restarted (with `--resume`) before it ran."""
    callback_webhook_id: Mapped[UUID | None] = mapped_column(nullable=True)
    """The webhook endpoint its `callbackUrl` named: its events go there too."""


class SpendRecord(UUIDBase):
    """What one tell cost, kept for cost budgets when tell records are cleared. `id` is the tell's request id."""

    __tablename__ = "iris_spend"
    __table_args__ = (Index("ix_iris_spend_team_at", "team", "at"), Index("ix_iris_spend_key_at", "key_id", "at"))

    at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    """When the tell ended."""
    team: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    cost_usd: Mapped[float] = mapped_column(Float)


class ProcessRecord(UUIDBase):
    """A Claude Code process this server started and has not yet seen end. `id` is the token in its environment.

    A server that did not stop cleanly leaves rows behind; the next one stops those processes and their tools.
    """

    __tablename__ = "iris_process"

    session_id: Mapped[UUID | None] = mapped_column(nullable=True)
    team: Mapped[str] = mapped_column(String(64))
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """Null until the process has started."""
    start_time: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    """Its start time in clock ticks since boot (`/proc/<pid>/stat` field 22): a reused pid has another."""
    started_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))

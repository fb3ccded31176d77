"""What engine operations return: plain data, free of any transport."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from app.db.models import SessionRecord, TellRecord
from app.engine.budgets import BudgetState
from app.engine.tells import Chain, Failure, FailureKind, KeptMessage, Tell, Usage, stored_chain
from app.engine.worktrees import WorktreeCleanup, WorktreeView

ProcessState = Literal["spawning", "idle", "processing", "terminating", "stopped"]


@dataclass(frozen=True, slots=True)
class TellView:
    """A tell as callers see it: live, or read back from the store."""

    request_id: uuid.UUID
    session_id: uuid.UUID
    from_team: str
    team: str
    message: str
    status: str
    failure: Failure | None
    response: str | None
    is_error: bool
    queued_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    duration_ms: int | None
    cost_usd: float | None
    usage: Usage | None
    num_turns: int | None
    exit_code: int | None
    messages: tuple[KeptMessage, ...] | None = None
    parent_request_id: uuid.UUID | None = None
    """The tell whose Claude Code made this one through Iris's tools, if any."""
    chain: Chain = ()
    """The tells it waits (or waited) under, root first, ending with its parent."""
    output: Any = None
    """The final answer parsed as JSON (a completed tell with an `outputSchema`)."""
    restarted_for: tuple[str, ...] = ()
    """The start-only options its session's process was restarted for (with `--resume`) before it ran."""

    @property
    def finished(self) -> bool:
        """True once the tell has ended."""
        return self.status not in ("queued", "running")

    @property
    def reason(self) -> str | None:
        """Why the tell ended without its result, as callers read it."""
        return self.failure.detail if self.failure is not None else None

    @classmethod
    def of(cls, tell: Tell, with_messages: bool = False) -> TellView:
        """A snapshot of a live tell (the partial response while it runs)."""
        response = tell.response if tell.status.finished else (tell.partial_response or None)
        return cls(
            tell.request_id,
            tell.session_id,
            tell.from_team,
            tell.team,
            tell.message,
            str(tell.status),
            tell.failure,
            response,
            tell.is_error,
            tell.queued_at,
            tell.started_at,
            tell.finished_at,
            tell.duration_ms,
            tell.cost_usd,
            tell.usage,
            tell.num_turns,
            tell.exit_code,
            tuple(tell.messages) if with_messages else None,
            tell.parent_request_id,
            tell.chain,
            tell.output,
            tell.restarted_for,
        )

    @classmethod
    def from_record(cls, record: TellRecord) -> TellView:
        """A tell read back from the store."""
        usage = Usage(**record.usage) if record.usage else None
        return cls(
            record.id,
            record.session_id,
            record.from_team,
            record.team,
            record.message,
            record.status,
            _stored_failure(record),
            record.response,
            record.is_error,
            record.queued_at,
            record.started_at,
            record.finished_at,
            record.duration_ms,
            record.cost_usd,
            usage,
            record.num_turns,
            record.exit_code,
            parent_request_id=record.parent_request_id,
            chain=stored_chain(record.chain),
            output=record.output,
            restarted_for=tuple(record.restarted_for or ()),
        )


def _stored_failure(record: TellRecord) -> Failure | None:
    """The failure a tell was recorded with (every stored reason has its kind; failing that, its status says)."""
    if record.reason is None:
        return None
    if record.failure_kind is not None:
        return Failure(FailureKind(record.failure_kind), record.reason)
    unrecorded = FailureKind.CLAUDE_ERROR if record.is_error else _BY_STATUS.get(record.status)
    return Failure(unrecorded or FailureKind.INTERNAL_ERROR, record.reason)


_BY_STATUS = {"cancelled": FailureKind.CANCELLED, "stalled": FailureKind.STALLED}


@dataclass(frozen=True, slots=True)
class SessionView:
    """A stored session with its live process state."""

    session_id: uuid.UUID
    from_team: str
    team: str
    forked_from: uuid.UUID | None
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    last_response_at: datetime.datetime | None
    message_count: int
    process_state: ProcessState
    pid: int | None
    queue_length: int
    cost_usd: float
    input_tokens: int
    output_tokens: int
    launch_command: list[str] | None
    idle_time_remaining_ms: int | None = None
    """Until the idle reaper stops the process (known for a pair's primary session that is awake and idle)."""
    worktree: WorktreeView | None = None
    """The session's git worktree (teams with `isolation: worktree`), where it is read with it."""

    @classmethod
    def of(cls, record: SessionRecord, state: ProcessState, pid: int | None, queue_length: int) -> SessionView:
        """Combine a stored session with what its process is doing now."""
        return cls(
            record.id,
            record.from_team,
            record.team,
            record.forked_from,
            record.created_at,
            record.last_used_at,
            record.last_response_at,
            record.message_count,
            state,
            pid,
            queue_length,
            record.cost_usd,
            record.input_tokens,
            record.output_tokens,
            record.launch_command,
        )


@dataclass(frozen=True, slots=True)
class StoredSession:
    """A stored session as the fleet lists it: with its process, its tell records' count and its event position."""

    session: SessionView
    tell_count: int
    seq: int
    """The session's newest event sequence number when read: its counts include every tell that ended at or
    below it, and none above."""


@dataclass(frozen=True, slots=True)
class TeamSessions:
    """Some of a team's stored sessions, and whether it has more."""

    sessions: list[StoredSession]
    truncated: bool


@dataclass(frozen=True, slots=True)
class CancelResult:
    """What a cancel actually did."""

    team: str
    from_team: str
    session_id: uuid.UUID
    cancelled: bool
    request_id: uuid.UUID | None
    status: str | None
    dropped_queued: int
    message: str


@dataclass(frozen=True, slots=True)
class RebootResult:
    """The session that was deleted and the fresh one that replaced it."""

    team: str
    from_team: str
    old_session_id: uuid.UUID | None
    new_session_id: uuid.UUID
    worktree: WorktreeCleanup | None = None
    """What became of the old session's worktree, if it had one."""


@dataclass(frozen=True, slots=True)
class DeleteResult:
    """The session that was deleted."""

    team: str
    from_team: str
    session_id: uuid.UUID
    transcript_deleted: bool
    tells_deleted: int
    worktree: WorktreeCleanup | None = None
    """What became of the session's worktree, if it had one."""


@dataclass(frozen=True, slots=True)
class ForkResult:
    """A new session branched from the pair's session."""

    team: str
    from_team: str
    session_id: uuid.UUID
    forked_from: uuid.UUID
    folder: str
    """Where a person continues the fork: the team's folder, or the fork's worktree."""


@dataclass(frozen=True, slots=True)
class WakeResult:
    """A process made ready (or being made ready)."""

    team: str
    from_team: str
    session_id: uuid.UUID
    status: Literal["awake", "already_awake", "waking", "failed"]
    pid: int | None
    error: str | None = None
    error_type: str | None = None
    state: ProcessState = "stopped"
    """What the process is doing once `wake` returns (`stopped` when it already died again)."""


@dataclass(frozen=True, slots=True)
class WakeAllResult:
    """Every team woken for one caller."""

    from_team: str
    parallel: bool
    results: list[WakeResult]
    total: int
    awake: int
    already_awake: int
    failed: int

    @classmethod
    def of(cls, from_team: str, parallel: bool, results: list[WakeResult]) -> WakeAllResult:
        """The per-team results with their summary."""
        return cls(
            from_team,
            parallel,
            results,
            len(results),
            sum(r.status == "awake" for r in results),
            sum(r.status == "already_awake" for r in results),
            sum(r.status == "failed" for r in results),
        )


@dataclass(frozen=True, slots=True)
class SleepResult:
    """A process put to sleep."""

    team: str
    from_team: str
    session_id: uuid.UUID | None
    status: Literal["asleep", "already_asleep"]
    cancelled_request_id: uuid.UUID | None = None
    pid: int | None = None
    """The pid that was stopped (None when already asleep)."""


@dataclass(frozen=True, slots=True)
class TeamStatus:
    """One team as seen by one caller."""

    team: str
    from_team: str
    awake: bool
    state: ProcessState
    pid: int | None
    session_id: uuid.UUID | None
    message_count: int
    queue_length: int
    last_activity: datetime.datetime | None
    idle_time_remaining_ms: int | None
    current_request_id: uuid.UUID | None
    worktree: WorktreeView | None = None
    """The pair's session's git worktree (teams with `isolation: worktree`)."""
    budget: BudgetState | None = None
    """The team's cost budget and its spend this period (teams with `budgetUsd`)."""


@dataclass(frozen=True, slots=True)
class TeamInfo:
    """A configured team."""

    name: str
    path: str
    description: str
    color: str | None
    grant_permission: str
    model: str | None
    processes: list[SessionView] | None = None
    idle_timeout: int = 0
    """Milliseconds (the team's own or settings.idleTimeout)."""


@dataclass(frozen=True, slots=True)
class CachePage:
    """A page of a session's tells, newest first."""

    session: SessionView
    tells: list[TellView]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class SystemStatus:
    """The engine as a whole."""

    version: str
    started_at: datetime.datetime
    uptime_ms: int
    teams: int
    sessions: int
    processes: dict[str, int]
    total_processes: int
    max_processes: int
    running_tells: int
    queued_tells: int
    pending_permissions: int
    config_path: str
    extra: dict[str, Any] = field(default_factory=dict)
    pool_full: bool = False
    """The whole pool (not only the counted pairs) is at maxProcesses with no idle process to evict."""

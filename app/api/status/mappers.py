"""Engine status views, log records and the clock → the contract's models."""

from __future__ import annotations

import datetime
from typing import Any

import msgspec

from app.api import models as m
from app.api.convert import budget, log_record, to_model
from app.clock import utcnow
from app.engine.views import SystemStatus, TeamStatus

__all__ = ["date_response", "health", "log_record", "system_status", "team_status"]


def team_status(status: TeamStatus) -> m.TeamStatus:
    """One team as seen by one caller (awake or asleep, named as the contract names it)."""
    awake = m.AwakeStatus.awake if status.awake else m.AwakeStatus.asleep
    worktree = status.worktree if status.worktree is not None else msgspec.UNSET
    limit = budget(status.budget) if status.budget is not None else msgspec.UNSET
    return to_model(
        status,
        m.TeamStatus,
        status=awake,
        idle_time_remaining=status.idle_time_remaining_ms,
        worktree=worktree,
        budget=limit,
    )


def date_response(now: dict[str, Any]) -> m.DateResponse:
    """The server's clock reading, typed."""
    return msgspec.convert(now, m.DateResponse)


def system_status(status: SystemStatus, *, degraded: bool) -> m.SystemStatus:
    """The server's state; `degraded` when something needs attention (its counts nest, so no plain copy)."""
    counts = {
        state: max(0, status.processes.get(state, 0)) for state in ("spawning", "idle", "processing", "terminating")
    }
    return m.SystemStatus(
        status=m.SystemHealth.degraded if degraded else m.SystemHealth.ok,
        version=status.version,
        uptime=max(0, status.uptime_ms),
        started_at=status.started_at,
        total_processes=max(0, status.total_processes),
        processes=m.ProcessCounts(**counts),
        max_processes=max(1, status.max_processes),
        teams=max(0, status.teams),
        sessions=max(0, status.sessions),
        running_tells=max(0, status.running_tells),
        queued_tells=max(0, status.queued_tells),
        pending_permissions=max(0, status.pending_permissions),
    )


def health(version: str, started_at: datetime.datetime) -> m.Health:
    """Liveness."""
    uptime = int((utcnow() - started_at).total_seconds() * 1000)
    return m.Health(status="ok", version=version, uptime=max(0, uptime))

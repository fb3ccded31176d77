"""Engine results of process operations → the contract's models."""

from __future__ import annotations

import msgspec

from app.api import models as m
from app.api.errors import redact_paths
from app.engine.views import SleepResult, WakeAllResult, WakeResult

__all__ = ["launch_response", "sleep_response", "wake_all_response", "wake_response"]

_ERROR_NAMES = {member.value for member in m.ErrorName}


def _pid(pid: int | None) -> int | None:
    return pid if pid is not None and pid > 0 else None


def wake_response(result: WakeResult, state: str, duration_ms: int) -> m.WakeResponse:
    """A process that is ready."""
    assert result.pid is not None, "a woken process has a pid"
    return m.WakeResponse(
        team=result.team,
        from_team=result.from_team,
        session_id=result.session_id,
        pid=result.pid,
        status=m.WakeStatus(result.status),
        state=m.ProcessState(state),
        duration=0 if result.status == "already_awake" else max(0, duration_ms),
    )


def launch_response(result: WakeResult) -> m.LaunchResponse:
    """A process being started in the background (or already running)."""
    return m.LaunchResponse(
        team=result.team,
        from_team=result.from_team,
        session_id=result.session_id,
        status=m.LaunchStatus(result.status),
        pid=_pid(result.pid) if result.status == "already_awake" else None,
    )


def sleep_response(result: SleepResult, pid: int | None) -> m.SleepResponse:
    """A process put to sleep; `pid` is the one that was stopped."""
    return m.SleepResponse(
        team=result.team,
        from_team=result.from_team,
        session_id=result.session_id,
        status=m.SleepStatus(result.status),
        pid=_pid(pid) if result.status == "asleep" else None,
        cancelled_request_id=result.cancelled_request_id,
    )


def wake_all_response(result: WakeAllResult, duration_ms: int) -> m.WakeAllResponse:
    """Per-team results and a summary."""
    results = []
    for one in result.results:
        error: m.WakeAllFailure | msgspec.UnsetType = msgspec.UNSET
        if one.status == "failed":
            name = one.error_type if one.error_type in _ERROR_NAMES else m.ErrorName.internal_server_error
            message = redact_paths(one.error or "the process could not be woken")
            error = m.WakeAllFailure(error=m.ErrorName(name), message=message)
        results.append(
            m.WakeAllResult(
                team=one.team,
                status=m.WakeAllStatus(one.status),
                session_id=one.session_id,
                pid=_pid(one.pid) if one.status != "failed" else None,
                error=error,
            )
        )
    return m.WakeAllResponse(
        from_team=result.from_team,
        parallel=result.parallel,
        duration=max(0, duration_ms),
        results=results,
        summary=m.WakeAllSummary(
            total=result.total, awake=result.awake, already_awake=result.already_awake, failed=result.failed
        ),
    )

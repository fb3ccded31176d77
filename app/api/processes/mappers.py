"""Engine results of process operations → the contract's models, where they differ from a field-by-field copy."""

from __future__ import annotations

import msgspec

from app.api import models as m
from app.api.convert import to_model
from app.api.errors import redact_paths
from app.engine.views import WakeAllResult, WakeResult

__all__ = ["wake_all_response", "wake_response"]

_ERROR_NAMES = {member.value for member in m.ErrorName}


def _pid(pid: int | None) -> int | None:
    return pid if pid is not None and pid > 0 else None


def wake_response(result: WakeResult, duration_ms: int) -> m.WakeResponse:
    """A process that is ready: its pid is certain, and a wake that started it reports how long that took."""
    assert result.pid is not None, "a woken process has a pid"
    state = "idle" if result.state == "stopped" else result.state
    return to_model(
        result, m.WakeResponse, state=state, duration=0 if result.status == "already_awake" else duration_ms
    )


def wake_all_response(result: WakeAllResult, duration_ms: int) -> m.WakeAllResponse:
    """Per-team results and a summary: nested, and a failure's message redacted, so no plain copy."""
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

"""Engine results of session operations → the contract's models."""

from __future__ import annotations

import msgspec

from app.api import models as m
from app.api.teams.mappers import tell_response
from app.engine.views import CachePage, CancelResult, DeleteResult, ForkResult, RebootResult, SessionView

__all__ = ["cancel_response", "delete_response", "fork_response", "reboot_response", "session_info", "session_report"]


def cancel_response(result: CancelResult) -> m.CancelResponse:
    """What a cancel actually did."""
    return m.CancelResponse(
        team=result.team,
        from_team=result.from_team,
        session_id=result.session_id,
        cancelled=result.cancelled,
        dropped_queued=result.dropped_queued,
        request_id=result.request_id if result.request_id is not None else msgspec.UNSET,
        status=m.TellStatus(result.status) if result.status is not None else None,
        message=result.message,
    )


def reboot_response(result: RebootResult) -> m.RebootResponse:
    """The deleted session and its fresh replacement."""
    return m.RebootResponse(
        team=result.team,
        from_team=result.from_team,
        old_session_id=result.old_session_id,
        new_session_id=result.new_session_id,
    )


def delete_response(result: DeleteResult) -> m.DeleteSessionResponse:
    """The deleted session."""
    return m.DeleteSessionResponse(
        team=result.team,
        from_team=result.from_team,
        session_id=result.session_id,
        deleted=True,
        transcript_deleted=result.transcript_deleted,
        tells_deleted=max(0, result.tells_deleted),
    )


def fork_response(result: ForkResult) -> m.ForkResponse:
    """The new fork and how a person can continue it."""
    return m.ForkResponse(
        team=result.team,
        from_team=result.from_team,
        session_id=result.session_id,
        forked_from=result.forked_from,
        command=result.command,
    )


def session_info(session: SessionView, *, show_command: bool = True) -> m.SessionInfo:
    """A stored session with its live process state and totals (its launch command only with `show_command`)."""
    return m.SessionInfo(
        session_id=session.session_id,
        team=session.team,
        from_team=session.from_team,
        forked_from=session.forked_from,
        created_at=session.created_at,
        last_used_at=session.last_used_at,
        message_count=max(0, session.message_count),
        state=m.ProcessState(session.process_state),
        pid=session.pid if session.pid and session.pid > 0 else None,
        last_response_at=session.last_response_at,
        launch_command=session.launch_command if show_command else None,
        totals=m.SessionTotals(
            cost_usd=max(0.0, session.cost_usd),
            input_tokens=max(0, session.input_tokens),
            output_tokens=max(0, session.output_tokens),
        ),
    )


def session_report(cache: CachePage, *, include_messages: bool, show_command: bool = True) -> m.SessionReport:
    """The pair's session and one page of its tells, newest first."""
    return m.SessionReport(
        team=cache.session.team,
        from_team=cache.session.from_team,
        session=session_info(cache.session, show_command=show_command),
        items=[tell_response(view, include_messages=include_messages) for view in cache.tells],
        next_cursor=cache.next_cursor,
    )

"""Engine views of sessions → the contract's models, where they differ from a field-by-field copy."""

from __future__ import annotations

import msgspec

from app.api import models as m
from app.api.convert import to_model
from app.api.presentation import fork_command
from app.api.teams.mappers import tell_response
from app.engine.views import CachePage, ForkResult, SessionView

__all__ = ["fork_response", "session_info", "session_report"]


def fork_response(result: ForkResult) -> m.ForkResponse:
    """The new fork and how a person can continue it (that command is composed here, so no plain copy)."""
    return to_model(result, m.ForkResponse, command=fork_command(result.folder, result.forked_from, result.session_id))


def session_info(session: SessionView, *, show_command: bool = True) -> m.SessionInfo:
    """A stored session with its live process state and totals (its launch command only with `show_command`):
    its totals nest, so no plain copy."""
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
        worktree=to_model(session.worktree, m.Worktree) if session.worktree is not None else msgspec.UNSET,
    )


def session_report(cache: CachePage, *, include_messages: bool, show_command: bool = True) -> m.SessionReport:
    """The pair's session and one page of its tells, newest first (a page of views nests, so no plain copy)."""
    return m.SessionReport(
        team=cache.session.team,
        from_team=cache.session.from_team,
        session=session_info(cache.session, show_command=show_command),
        items=[tell_response(view, include_messages=include_messages) for view in cache.tells],
        next_cursor=cache.next_cursor,
    )

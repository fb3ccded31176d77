"""Engine views of tells and teams → the contract's models (copies through `app.api.convert`, the rest by hand)."""

from __future__ import annotations

from typing import Any, cast

import msgspec

from app.api import models as m
from app.api.convert import to_model
from app.clock import utcnow
from app.engine.tells import Chain, KeptMessage, Usage
from app.engine.views import SessionView, StoredSession, TeamInfo, TeamSessions, TellView

__all__ = ["chain", "claude_message", "process_info", "team_info", "team_session", "tell_response", "usage"]


def _or_unset(value: Any) -> Any:
    return msgspec.UNSET if value is None else value


def usage(value: Usage | None) -> m.Usage | msgspec.UnsetType:
    """Token usage, or unset when unknown (counts Claude Code reports, kept within the contract's bounds)."""
    if value is None:
        return msgspec.UNSET
    return m.Usage(
        input_tokens=max(0, value.input_tokens),
        output_tokens=max(0, value.output_tokens),
        cache_read_input_tokens=max(0, value.cache_read_input_tokens),
        cache_creation_input_tokens=max(0, value.cache_creation_input_tokens),
    )


def chain(links: Chain) -> list[m.TellLink] | msgspec.UnsetType:
    """The chain a tell made from inside a tell waits under (unset for a tell from outside)."""
    if not links:
        return msgspec.UNSET
    return [
        m.TellLink(request_id=link.request_id, session_id=link.session_id, from_=link.from_team, to=link.team)
        for link in links
    ]


def claude_message(kept: KeptMessage, seq: int) -> m.ClaudeMessage:
    """A kept Claude Code message as the contract's: its data the JSON Claude Code sent, embedded as it is, and
    when Iris read it (to the millisecond, as streamed)."""
    at = kept.at
    return m.ClaudeMessage(
        seq=seq,
        type=kept.type,
        timestamp=at.replace(microsecond=at.microsecond // 1000 * 1000),
        data=cast(dict[str, Any], msgspec.Raw(kept.json)),
        subtype=kept.subtype if kept.subtype is not None else msgspec.UNSET,
    )


def tell_response(view: TellView, *, include_messages: bool = False) -> m.TellResponse:
    """A tell's record: renamed fields, the duration so far while it runs and its messages when asked for."""
    duration = view.duration_ms
    if duration is None and view.started_at is not None:  # still running: so far
        duration = int((utcnow() - view.started_at).total_seconds() * 1000)
    messages: list[m.ClaudeMessage] | msgspec.UnsetType = msgspec.UNSET
    if include_messages:
        messages = [  # the session sequence number each was published with, else its position in the tell
            claude_message(kept, kept.seq if kept.seq is not None and kept.seq >= 0 else i)
            for i, kept in enumerate(view.messages or ())
        ]
    return m.TellResponse(
        from_=view.from_team,
        to=view.team,
        message=view.message,
        timestamp=view.queued_at,
        request_id=view.request_id,
        session_id=view.session_id,
        status=m.TellStatus(view.status),
        response=_or_unset(view.response),
        duration=msgspec.UNSET if duration is None else max(0, duration),
        started_at=_or_unset(view.started_at),
        finished_at=_or_unset(view.finished_at),
        reason=_or_unset(view.reason),
        is_error=view.is_error,
        cost_usd=msgspec.UNSET if view.cost_usd is None else max(0.0, view.cost_usd),
        usage=usage(view.usage),
        messages=messages,
        parent_request_id=_or_unset(view.parent_request_id),
        chain=chain(view.chain),
        output=view.output if view.output is not None else msgspec.UNSET,
        process_restart=restart(view.restarted_for),
    )


def restart(options: tuple[str, ...]) -> m.ProcessRestart | msgspec.UnsetType:
    """The restart of the session's process a tell needed (with `--resume`), if it needed one."""
    return m.ProcessRestart(options=[m.Option(name) for name in options]) if options else msgspec.UNSET


def process_info(session: SessionView) -> m.ProcessInfo:
    """One live process of a team (a session's fields under the names of a process)."""
    return to_model(
        session,
        m.ProcessInfo,
        state=session.process_state,
        last_activity=session.last_used_at,
        idle_time_remaining=session.idle_time_remaining_ms,
    )


def team_session(stored: StoredSession) -> m.TeamSession:
    """One stored session of a team, asleep or awake, with its tell count, cost and event position."""
    session = stored.session
    return m.TeamSession(
        session_id=session.session_id,
        from_team=session.from_team,
        forked_from=session.forked_from,
        state=m.ProcessState(session.process_state),
        pid=session.pid,
        queue_length=session.queue_length,
        idle_time_remaining=session.idle_time_remaining_ms,
        message_count=session.message_count,
        tell_count=stored.tell_count,
        last_activity=session.last_used_at,
        cost_usd=max(0.0, session.cost_usd),
        created_at=session.created_at,
        seq=stored.seq,
    )


def team_info(
    info: TeamInfo,
    processes: list[m.ProcessInfo] | None,
    *,
    show_path: bool = True,
    sessions: TeamSessions | None = None,
) -> m.TeamInfo:
    """A configured team, with its live processes and its stored sessions when asked for (and its folder only with
    `show_path`)."""
    path = info.path if show_path else None
    return to_model(
        info,
        m.TeamInfo,
        path=path,
        processes=msgspec.UNSET if processes is None else processes,
        sessions=msgspec.UNSET if sessions is None else [team_session(s) for s in sessions.sessions],
        sessions_truncated=msgspec.UNSET if sessions is None else sessions.truncated,
    )

"""The engine's tell, process and health events, one function each, as typed records (the hub carries them)."""

from __future__ import annotations

from app.clock import utcnow
from app.engine.budgets import BudgetState
from app.engine.events import EventHub
from app.engine.logs import OfSession
from app.engine.messages import Said
from app.engine.records import (
    BudgetReached,
    CacheMessage,
    Health,
    ProcessFailed,
    ProcessSpawned,
    ProcessTerminated,
    TellChunk,
    TellEnded,
    TellQueued,
    TellStarted,
)
from app.engine.tells import KeptMessage, Tell
from app.engine.views import TellView


class Publisher:
    """Publishes tell, process and health records on the hub's session, team and system channels."""

    def __init__(self, events: EventHub) -> None:
        self.events = events

    def tell_queued(self, tell: Tell, position: int) -> None:
        """A tell was accepted and waits in its session's queue at `position`."""
        self.events.publish(
            TellQueued(
                session_id=tell.session_id,
                request_id=tell.request_id,
                position=position,
                parent_request_id=tell.parent_request_id,
                chain=tell.chain,
            )
        )

    def tell_started(self, tell: Tell) -> None:
        """Claude Code was sent the tell's message."""
        self.events.publish(
            TellStarted(
                session_id=tell.session_id, request_id=tell.request_id, parent_request_id=tell.parent_request_id
            )
        )

    def tell_chunk(self, tell: Tell, chunk: str) -> None:
        """Claude Code streamed a piece of the tell's response."""
        self.events.publish(TellChunk(session_id=tell.session_id, request_id=tell.request_id, chunk=chunk))

    def cache_message(self, tell: Tell, said: Said) -> int | None:
        """A message of the tell was kept in the session's cache; returns its session sequence number."""
        message = KeptMessage.of(said)
        events = self.events.publish(
            CacheMessage(session_id=tell.session_id, request_id=tell.request_id, message=message)
        )
        return next((event.seq for event in events if event.seq is not None), None)

    def tell_complete(self, tell: Tell) -> None:
        """A tell ended, however it ended."""
        self.events.publish(TellEnded.of(TellView.of(tell)))

    def process_spawned(self, about: OfSession, pid: int | None) -> None:
        """A session's Claude Code process is ready."""
        self.events.publish(
            ProcessSpawned(team=about.team, from_team=about.from_team, session_id=about.session_id, pid=pid)
        )

    def process_error(self, about: OfSession, error: str) -> None:
        """A session's Claude Code process could not start."""
        self.events.publish(
            ProcessFailed(team=about.team, from_team=about.from_team, session_id=about.session_id, error=error)
        )

    def process_terminated(self, about: OfSession, reason: str, exit_code: int | None) -> None:
        """A session's Claude Code process ended (put to sleep, or on its own)."""
        self.events.publish(
            ProcessTerminated(
                team=about.team,
                from_team=about.from_team,
                session_id=about.session_id,
                reason=reason,
                exit_code=exit_code,
            )
        )

    def budget_reached(self, state: BudgetState, tell: Tell) -> None:
        """A tell's cost took one of its budgets to its limit."""
        budget = state.budget
        self.events.publish(
            BudgetReached(
                budget=budget.kind,
                key_id=budget.name if budget.kind == "key" else None,
                key_name=budget.label if budget.kind == "key" else None,
                team=budget.name if budget.kind == "team" else tell.team,
                request_id=tell.request_id,
                limit_usd=budget.limit_usd,
                spent_usd=round(state.spent_usd, 6),
                period=budget.period,
                resets_at=state.resets_at,
                timestamp=utcnow(),
            )
        )

    def health(self, health: Health) -> None:
        """The periodic health tick of the system."""
        self.events.publish(health)

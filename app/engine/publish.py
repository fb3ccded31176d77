"""Every event the engine publishes, one function each, in the engine's terms (the hub carries them to subscribers)."""

from __future__ import annotations

from typing import Any

from app.engine.events import SYSTEM, EventHub, session_channel, team_channel
from app.engine.logs import OfSession
from app.engine.tells import Tell
from app.engine.views import TellView


class Publisher:
    """Publishes tell, process and health events on the hub's session, team and system channels."""

    def __init__(self, events: EventHub) -> None:
        self.events = events

    def _session(self, tell: Tell, name: str, data: dict[str, Any]) -> None:
        """Publish on the tell's session channel."""
        self.events.publish(session_channel(str(tell.session_id)), name, data)

    def _team(self, about: OfSession, name: str, data: dict[str, Any]) -> None:
        """Publish on the team channel, with the session's pair and id."""
        payload = {"team": about.team, "fromTeam": about.from_team, "sessionId": str(about.session_id), **data}
        self.events.publish(team_channel(about.team), name, payload)

    def tell_queued(self, tell: Tell, position: int) -> None:
        """A tell was accepted and waits in its session's queue at `position`."""
        self._session(
            tell,
            "tell:queued",
            {"sessionId": str(tell.session_id), "requestId": str(tell.request_id), "position": position},
        )

    def tell_started(self, tell: Tell) -> None:
        """Claude Code was sent the tell's message."""
        self._session(tell, "tell:started", {"sessionId": str(tell.session_id), "requestId": str(tell.request_id)})

    def tell_chunk(self, tell: Tell, chunk: str) -> None:
        """Claude Code streamed a piece of the tell's response."""
        self._session(
            tell, "tell:chunk", {"requestId": str(tell.request_id), "sessionId": str(tell.session_id), "chunk": chunk}
        )

    def cache_message(self, tell: Tell, message: dict[str, Any]) -> None:
        """A message of the tell was kept in the session's cache."""
        self._session(
            tell,
            "cache:message",
            {"sessionId": str(tell.session_id), "requestId": str(tell.request_id), "message": message},
        )

    def tell_complete(self, tell: Tell) -> None:
        """A tell ended, however it ended."""
        view = TellView.of(tell)
        self._session(
            tell,
            "tell:complete",
            {
                "sessionId": str(tell.session_id),
                "requestId": str(view.request_id),
                "status": view.status,
                "response": view.response,
                "reason": view.reason,
                "isError": view.is_error,
                "durationMs": view.duration_ms,
                "costUsd": view.cost_usd,
            },
        )

    def process_spawned(self, about: OfSession, pid: int | None) -> None:
        """A session's Claude Code process is ready."""
        self._team(about, "process:spawned", {"pid": pid})

    def process_error(self, about: OfSession, error: str) -> None:
        """A session's Claude Code process could not start."""
        self._team(about, "process:error", {"error": error})

    def process_terminated(self, about: OfSession, reason: str, exit_code: int | None) -> None:
        """A session's Claude Code process ended (put to sleep, or on its own)."""
        self._team(about, "process:terminated", {"reason": reason, "exitCode": exit_code})

    def health(self, data: dict[str, Any]) -> None:
        """The periodic health tick of the system."""
        self.events.publish(SYSTEM, "health:check", data)

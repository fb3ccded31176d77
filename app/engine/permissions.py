"""Tool-use permissions of teams' Claude Code processes: yes, no, or ask a person through the API."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import time
import uuid
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from app.clock import utcnow
from app.engine.events import EventHub
from app.engine.records import PermissionRequested, PermissionResolved
from app.errors import NotFoundError, ValidationError

READ_ONLY_TOOLS = frozenset({"Read", "Glob", "Grep", "ToolSearch"})
"""Tools that cannot change anything: under `no` and `ask` they run undecided while every path they name is in
the team's folder. Every other tool use (Bash included, whatever its command) is Iris's to decide."""

_PATH_INPUTS = ("file_path", "path", "notebook_path")
_PATTERN_INPUTS = ("pattern", "glob")


Resolver = Literal["decided", "timeout", "shutdown"]
"""What decided a tool use: a person (through the API), its timeout, or its process stopping."""


class PermissionNotFoundError(NotFoundError):
    """No pending permission with that id."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """Iris's answer to one tool-use request: allowed, or denied with a message for Claude Code."""

    allowed: bool
    message: str = ""


ALLOW = Verdict(True)


def _inside(folder: Path, value: object) -> bool:
    """Whether a path a tool names (relative to the folder, or absolute) resolves inside the folder."""
    if not isinstance(value, str) or value.startswith("~"):
        return False
    return (folder / value).resolve().is_relative_to(folder)


def _stays_inside(folder: Path, tool: str, tool_input: dict[str, Any]) -> bool:
    """Whether a read-only tool use names only paths (and path patterns) inside the team's folder."""
    for key in _PATH_INPUTS:
        if key in tool_input and not _inside(folder, tool_input[key]):
            return False
    if tool in ("Glob", "Grep"):
        for key in _PATTERN_INPUTS:
            value = tool_input.get(key)
            if tool == "Grep" and key == "pattern":
                continue  # a regular expression, not a path
            if value is not None and (
                not isinstance(value, str) or value.startswith(("/", "~")) or ".." in PurePosixPath(value).parts
            ):
                return False
    return True


def screen(
    mode: str, tool: str, tool_input: dict[str, Any], folder: str, own: Collection[str] = ()
) -> Literal["deny", "ask"] | None:
    """Iris's answer to a tool use before Claude Code's own rules (settings, permission mode) are consulted.

    `deny` and `ask` are final (`ask` brings the request to `decide_for`); None lets the tool use go on to
    Claude Code's rules, which can then only be stricter: for `yes` teams, for read-only tools that stay
    inside the team's folder, and for Iris's own tools given to the process (`own`, their full names), which the
    team's `irisTools` and `tellTeams` govern instead.
    """
    if mode == "yes" or tool in own:
        return None
    if tool in READ_ONLY_TOOLS and _stays_inside(Path(folder).resolve(), tool, tool_input):
        return None
    return "deny" if mode == "no" else "ask"


@dataclass(eq=False)
class PendingPermission:
    """A tool use waiting for a decision."""

    id: str
    session_id: str
    team: str
    from_team: str
    tool: str
    input: dict[str, Any]
    request_id: str | None
    created_at: datetime.datetime = field(default_factory=utcnow)
    expires_at: datetime.datetime | None = None
    decision: asyncio.Future[tuple[bool, str]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )

    def requested(self) -> PermissionRequested:
        """The event of this tool use waiting for a decision."""
        return PermissionRequested(
            permission_id=uuid.UUID(self.id),
            session_id=uuid.UUID(self.session_id),
            team=self.team,
            from_team=self.from_team,
            tool=self.tool,
            input=self.input,
            request_id=uuid.UUID(self.request_id) if self.request_id is not None else None,
            created_at=self.created_at,
            expires_at=self.expires_at,
        )

    def resolved(self, approved: bool, reason: str, by: Resolver) -> PermissionResolved:
        """The event of this tool use decided (`by` a person, its timeout, or its process stopping)."""
        return PermissionResolved(
            permission_id=uuid.UUID(self.id),
            session_id=uuid.UUID(self.session_id),
            team=self.team,
            from_team=self.from_team,
            tool=self.tool,
            decision="approve" if approved else "deny",
            reason=reason,
            by=by,
        )


class PermissionBroker:
    """Holds tool-use requests of `ask` teams until someone decides or the timeout denies them."""

    def __init__(self, events: EventHub) -> None:
        self.events = events
        self.pending: dict[str, PendingPermission] = {}
        self._waiting: dict[str, int] = {}
        self._settled: dict[str, asyncio.Event] = {}
        self._settled_at: dict[str, float] = {}

    def waiting(self, session_id: str) -> bool:
        """Whether a tool use of the session waits on a decision (or on one of Iris's own tools)."""
        return self._waiting.get(session_id, 0) > 0

    def settled_at(self, session_id: str) -> float | None:
        """When (`time.monotonic()`) the session last stopped waiting on a decision."""
        return self._settled_at.get(session_id)

    @contextlib.contextmanager
    def waiting_outside(self, session_id: str) -> Iterator[None]:
        """While the session's tell waits on one of Iris's own tools (another tell): its stall watchdog pauses, as
        for a pending decision, and its full window starts again once the tool has answered."""
        self._wait_started(session_id)
        try:
            yield
        finally:
            self._wait_ended(session_id)

    async def until_settled(self, session_id: str) -> None:
        """Return once no tool use of the session waits on a decision."""
        if self.waiting(session_id):
            await self._settled.setdefault(session_id, asyncio.Event()).wait()

    def _wait_started(self, session_id: str) -> None:
        self._waiting[session_id] = self._waiting.get(session_id, 0) + 1
        self._settled.setdefault(session_id, asyncio.Event()).clear()

    def _wait_ended(self, session_id: str) -> None:
        left = self._waiting.get(session_id, 1) - 1
        self._settled_at[session_id] = time.monotonic()
        if left > 0:
            self._waiting[session_id] = left
            return
        self._waiting.pop(session_id, None)
        settled = self._settled.pop(session_id, None)
        if settled is not None:
            settled.set()

    async def decide_for(
        self,
        mode: str,
        *,
        session_id: str,
        team: str,
        from_team: str,
        tool: str,
        tool_input: dict[str, Any],
        request_id: str | None,
        timeout_ms: int,
    ) -> Verdict:
        """The answer to one tool-use request under the team's `grantPermission` mode."""
        if mode == "yes":
            return ALLOW
        if mode == "no":
            return Verdict(False, f"Iris denies tool use for team {team} (grantPermission: no)")
        pending = PendingPermission(
            id=str(uuid.uuid4()),
            session_id=session_id,
            team=team,
            from_team=from_team,
            tool=tool,
            input=tool_input,
            request_id=request_id,
            expires_at=utcnow() + datetime.timedelta(milliseconds=timeout_ms),
        )
        self.pending[pending.id] = pending
        self._wait_started(session_id)
        self.events.publish(pending.requested())
        try:
            async with asyncio.timeout(timeout_ms / 1000):
                approved, reason = await asyncio.shield(pending.decision)
        except TimeoutError:
            approved, reason = False, f"no decision within {timeout_ms} ms"
            self._resolved(pending, approved, reason, "timeout")
        finally:
            self.pending.pop(pending.id, None)
            self._wait_ended(session_id)
        if approved:
            return ALLOW
        return Verdict(False, f"Permission denied: {reason}")

    def decide(self, permission_id: str, approve: bool, reason: str | None = None) -> PendingPermission:
        """Approve or deny a pending permission."""
        pending = self.pending.get(permission_id)
        if pending is None or pending.decision.done():
            raise PermissionNotFoundError(f"No pending permission {permission_id}", {"field": "permissionId"})
        if reason is not None and len(reason) > 10_000:
            raise ValidationError("reason is longer than 10000 characters", {"field": "reason"})
        text = reason or ("approved" if approve else "denied by the operator")
        pending.decision.set_result((approve, text))
        self._resolved(pending, approve, text, "decided")
        return pending

    def _resolved(self, pending: PendingPermission, approved: bool, reason: str, how: Resolver) -> None:
        self.events.publish(pending.resolved(approved, reason, how))

    def cancel_session(self, session_id: str) -> None:
        """Deny everything pending for a session that is going away."""
        for pending in list(self.pending.values()):
            if pending.session_id == session_id and not pending.decision.done():
                reason = "the session's process stopped"
                pending.decision.set_result((False, reason))
                self._resolved(pending, False, reason, "shutdown")

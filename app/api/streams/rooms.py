"""Joining rooms and starting streamed tells, with the checks the contract asks for; shared by SSE and /ws.

Rooms and the permission each needs, read from the table of operations (`x-iris-subscription-permissions`,
`x-websocket.permissions`): `session:{id}`, `team:{name}`, `system`, the log records (`logs`, `logs.py`); a
streamed tell (`tell:start`).
A key with a team scope may join a session only if its pair (team and caller) is within the scope, and a
team only if it is one of its teams; what it then receives of a team or of `system` is limited to its pairs
(`visibility.py`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import msgspec

from app.api import models as m
from app.api.auth.access import Identity
from app.api.auth.scope import require, require_pair, require_tell
from app.api.deps import caller
from app.api.operations import subscription, table
from app.api.streams.clients import StreamClient, TellWatch
from app.api.streams.schemas import SESSION_PREFIX, control_event
from app.api.teams.commands import run_as_command
from app.api.teams.options import key_budget, tell_options
from app.api.webhooks.callbacks import callback_for
from app.engine import Engine
from app.engine.checks import unknown_team
from app.engine.events import SYSTEM, team_channel
from app.errors import SessionNotFoundError

__all__ = [
    "SESSION_PERMISSION",
    "TELL_START",
    "StartedTell",
    "check_logs",
    "check_session",
    "check_system",
    "check_team",
    "start_tell",
]

SESSION_PERMISSION = subscription("session")
"""What following a session needs (the contract's, as the SSE route reads it)."""
TELL_START = "tell:start"
"""The WebSocket message (and the SSE route) that starts a streamed tell."""


async def check_session(engine: Engine, identity: Identity, session_id: uuid.UUID) -> None:
    """May `identity` follow this session? (ForbiddenError, or SessionNotFoundError for a scoped key.)

    A session this instance does not know may still live on another instance sharing the channels backend;
    a key without a team scope may follow it, a scoped one may not (its team cannot be checked).
    """
    permission = subscription("session")
    require(identity, permission)
    record = await engine.store.get_session(session_id)
    if record is not None:
        require_pair(identity, permission, record.team, record.from_team)
    elif identity.scoped:
        raise SessionNotFoundError(f"No session {session_id}", {"sessionId": str(session_id)})


def check_team(engine: Engine, identity: Identity, team: str) -> str:
    """May `identity` follow this team's process events? Returns its channel."""
    permission = subscription("team")
    require(identity, permission)
    if engine.config.team(team) is None:
        raise unknown_team(engine.config, team, visible=lambda name: identity.allows(permission, name))
    require(identity, permission, team)
    return team_channel(team)


def check_system(identity: Identity) -> str:
    """May `identity` follow the health ticks? Returns the channel."""
    require(identity, subscription("system"))
    return SYSTEM


def check_logs(identity: Identity) -> None:
    """May `identity` follow the log records? (the permission of `getLogs`; a scoped key gets its teams' only)"""
    require(identity, subscription("logs"))


@dataclass(frozen=True)
class StartedTell:
    """A streamed tell, accepted: its ids and the watch that delivers its events."""

    request_id: str
    session_id: str
    watch: TellWatch
    from_team: str = "external"
    """The caller of the session the tell went to."""


async def start_tell(
    engine: Engine, client: StreamClient, identity: Identity, request: m.TellStartRequest
) -> StartedTell:
    """Queue a tell and stream it to `client`: `tell:accepted`, then its chunks, then one terminal event.

    Errors before acceptance (permission, validation, unknown team, full queue or pool) are raised.
    """
    permission = table().messages[TELL_START].permission  # the same as `tellStream`'s (a drift test checks)
    require(identity, permission, request.to_team)
    session = request.session_id if isinstance(request.session_id, uuid.UUID) else None
    from_team = caller(engine, request.from_team if request.from_team is not msgspec.UNSET else None)
    await require_tell(engine, identity, permission, request.to_team, from_team, session)
    command = run_as_command(engine, request.message, identity.allows) is not None
    callback = callback_for(engine, identity, identity.scoped, request.callback_url, request.to_team, from_team)
    view = await engine.tell(
        request.to_team,
        request.message,
        from_team=from_team,
        timeout=-1,
        session_id=session,
        command=command,
        callback=callback,
        options=tell_options(request),
        key_budget=key_budget(getattr(identity, "key", None)),
        key_id=identity.key_id,
    )
    request_id, session_id = str(view.request_id), str(view.session_id)
    queued = client.bus.queued_seq(request_id)
    accepted: dict[str, Any] = {"requestId": request_id, "sessionId": session_id, "status": view.status}
    if queued is not None:
        accepted["seq"] = queued
    client.push(control_event("tell:accepted", accepted, channel=SESSION_PREFIX + session_id, seq=queued))
    watch = await client.watch_tell(engine, session_id, request_id)
    return StartedTell(request_id, session_id, watch, view.from_team)

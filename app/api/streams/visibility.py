"""What a team-scoped subscriber sees of the team and system channels: its pairs' events and its pairs' totals.

- A team event (`process:*`, `permission:*`) is about one caller → team pair: its team is the channel's, its
  caller travels in the frame header (`WireEvent.caller`). A subscriber with a team scope gets it only when
  that pair is within its scope (`allows_pair`, the rule of every route); one naming no caller, never.
- `health:check` counts the whole server's pool. Beside its body it carries each pair's counts
  (`WireEvent.loads`, taken where the tick is published: only that instance knows its pool), and a scoped
  subscriber gets the tick with `totalProcesses`, `processes`, `pendingPermissions` (and `queuedTells`)
  counted over its pairs; `maxProcesses`, `uptime` and `timestamp` stay the server's. Without those counts
  it gets no tick.
- `budget:reached` names the team of the budget (or of the tell that reached a key's budget): a scoped
  subscriber gets it only when that team is within its scope.
- Subscribers without a scope get every event as published. Nothing is encoded per subscriber: a scoped
  form of a tick is made once per set of visible pairs and shared by every subscriber that sees that set.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

import msgspec

from app.api.auth.scope import allows_pair
from app.api.operations import subscription
from app.api.streams.schemas import PairLoad, WireEvent
from app.engine.events import SYSTEM, team_channel

if TYPE_CHECKING:
    from app.api.auth.access import Identity
    from app.engine import Engine

__all__ = ["HEALTH_EVENT", "pair_loads", "visible"]

HEALTH_EVENT = "health:check"
BUDGET_EVENT = "budget:reached"
_TEAM_PREFIX = team_channel("")
_STATES = ("spawning", "idle", "processing", "terminating")
_SERVER_WIDE = ("maxProcesses", "uptime", "timestamp")


def pair_loads(engine: Engine) -> tuple[PairLoad, ...]:
    """The engine's live processes, queued tells and pending permissions, counted per caller → team pair."""
    counts: defaultdict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for runtime in engine.live_sessions():
        entry = counts[(runtime.team, runtime.from_team)]
        state = runtime.state
        if state in _STATES:
            entry[state] = entry.get(state, 0) + 1
        if runtime.queue:
            entry["queued"] = entry.get("queued", 0) + len(runtime.queue)
    for pending in engine.pending_permissions():
        entry = counts[(pending.team, pending.from_team)]
        entry["pending"] = entry.get("pending", 0) + 1
    return tuple(PairLoad(team, from_team, **entry) for (team, from_team), entry in counts.items() if entry)


def visible(wire: WireEvent, identity: Identity | None) -> WireEvent | None:
    """The form of a team or system event that `identity` may receive (None: none)."""
    if identity is None or not identity.scoped:
        return wire
    if wire.channel.startswith(_TEAM_PREFIX):
        team = wire.channel[len(_TEAM_PREFIX) :]
        caller = wire.caller
        return wire if caller is not None and allows_pair(identity, subscription("team"), team, caller) else None
    if wire.channel == SYSTEM and wire.name == HEALTH_EVENT:
        return _scoped_health(wire, identity)
    if wire.channel == SYSTEM and wire.name == BUDGET_EVENT:
        return wire if _budget_team_visible(wire, identity) else None
    return wire


def _budget_team_visible(wire: WireEvent, identity: Identity) -> bool:
    """Whether the team a `budget:reached` names is within the identity's scope."""
    try:
        envelope = msgspec.json.decode(wire.body)
    except msgspec.DecodeError:
        return False
    data = envelope.get("data") if isinstance(envelope, dict) else None
    team = data.get("team") if isinstance(data, dict) else None
    return isinstance(team, str) and identity.allows(subscription("system"), team)


def _scoped_health(wire: WireEvent, identity: Identity) -> WireEvent | None:
    """A health tick counted over the pairs within the scope (shared by every subscriber seeing those pairs)."""
    loads = wire.loads
    if loads is None:
        return None
    permission = subscription("system")
    seen = tuple(i for i, load in enumerate(loads) if allows_pair(identity, permission, load.team, load.from_team))
    views = wire.views
    if views is None:
        views = wire.views = {}
    if seen not in views:
        views[seen] = _health_view(wire, [loads[i] for i in seen])
    return views[seen]


def _health_view(wire: WireEvent, loads: list[PairLoad]) -> WireEvent | None:
    """The tick with its per-pair fields counted over `loads` (None for a body that is not a tick's)."""
    try:
        envelope = msgspec.json.decode(wire.body)
    except msgspec.DecodeError:
        return None
    full = envelope.get("data") if isinstance(envelope, dict) else None
    if not isinstance(full, dict):
        return None
    data: dict[str, Any] = {key: full[key] for key in _SERVER_WIDE if key in full}
    processes = {state: sum(getattr(load, state) for load in loads) for state in _STATES}
    data["totalProcesses"] = sum(processes.values())
    if "processes" in full:
        data["processes"] = processes
    if "queuedTells" in full:
        data["queuedTells"] = sum(load.queued for load in loads)
    if "pendingPermissions" in full:
        data["pendingPermissions"] = sum(load.pending for load in loads)
    return WireEvent.build(wire.channel, wire.name, data, wire.seq)

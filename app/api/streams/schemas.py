"""The wire form of events: the engine's records turned into the contract's event models, encoded once.

Every event travels as the JSON envelope `{"event": NAME, "data": {...}}` (`ServerEvent` in openapi/iris.yaml).
Each engine record (`app.engine.records`) becomes its generated model here (and only here): `duration_ms` →
`duration`, `tool`/`input` → `toolName`/`toolInput`, a raw Claude Code message → `ClaudeMessage`, and a tell
whose failure is Iris's own (its process would not start or died, or Iris failed) ends as `tell:error` rather
than `tell:complete`, named by its failure's kind. Every envelope is checked against `ServerEvent` as it is
encoded: one that does not fit the contract raises `ContractError` and is never sent.

An event is encoded once, where it is published; every subscriber (SSE or WebSocket, on this instance or,
through the channels backend, on another) gets the same bytes. Between instances an event travels as a
`frame`: a small header (channel, name, seq, requestId, the caller of the pair a team event is about, and the
per-pair counts of a `health:check`) and the envelope, so that routing, de-duplication and the team-scope
check (`visibility.py`) never parse JSON.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any, TypeVar

import msgspec

from app.api import models as m
from app.api.convert import to_model
from app.api.teams.mappers import chain as tell_chain
from app.api.teams.mappers import claude_message
from app.clock import utcnow
from app.engine.events import Event
from app.engine.records import (
    BudgetReached,
    CacheMessage,
    Health,
    PermissionRequested,
    PermissionResolved,
    ProcessFailed,
    ProcessSpawned,
    ProcessTerminated,
    Record,
    SubscriberReset,
    TellChunk,
    TellEnded,
    TellQueued,
    TellStarted,
)
from app.engine.tells import FailureKind
from app.engine.views import TellView

__all__ = [
    "SESSION_PREFIX",
    "TELL_STREAM_EVENTS",
    "TERMINAL_EVENTS",
    "ContractError",
    "PairLoad",
    "WireEvent",
    "control_event",
    "decode_frame",
    "heartbeat",
    "map_event",
    "terminal_from_view",
    "utc_iso",
]

SESSION_PREFIX = "session:"
TERMINAL_EVENTS = frozenset({"tell:complete", "tell:error"})
TELL_STREAM_EVENTS = frozenset({"tell:chunk", "tell:complete", "tell:error"})
"""What a streamed tell (`tell:start`, `POST /api/teams/tell/stream`) carries after `tell:accepted`."""

_FRAME_MAGIC = b"iris2"
_IRIS_FAILURES = {
    FailureKind.PROCESS_EXITED: m.ErrorName.process_error,
    FailureKind.PROCESS_ERROR: m.ErrorName.process_error,
    FailureKind.START_FAILED: m.ErrorName.process_error,
    FailureKind.START_TIMEOUT: m.ErrorName.timeout_error,
    FailureKind.POOL_FULL: m.ErrorName.process_pool_limit_error,
    FailureKind.INTERNAL_ERROR: m.ErrorName.internal_server_error,
}
"""The failures with which Iris could not run a tell to a result (domain.md's `tell:error`), by contract error."""
_RESOLVED_BY = {
    "decided": m.PermissionResolvedBy.api,
    "timeout": m.PermissionResolvedBy.timeout,
    "shutdown": m.PermissionResolvedBy.shutdown,
}
_T = TypeVar("_T")


class ContractError(ValueError):
    """An event that does not fit the contract's `ServerEvent` (it is not sent)."""


def _enc_hook(value: Any) -> Any:
    return str(value)


_encode = msgspec.json.Encoder(enc_hook=_enc_hook).encode
_check = msgspec.json.Decoder(m.ServerEvent).decode


def _checked(name: str, body: bytes) -> bytes:
    """The encoded envelope, once it fits the contract (ContractError naming the field otherwise)."""
    try:
        _check(body)
    except msgspec.ValidationError as exc:
        raise ContractError(f"{name} does not fit the contract: {exc}") from None
    return body


class PairLoad(msgspec.Struct, array_like=True, frozen=True):
    """One caller → team pair's share of a `health:check`: its live processes by state, queued tells, pending
    permissions (travels in the frame, never to a subscriber)."""

    team: str
    from_team: str
    spawning: int = 0
    idle: int = 0
    processing: int = 0
    terminating: int = 0
    queued: int = 0
    pending: int = 0


_decode_loads = msgspec.json.Decoder(tuple[PairLoad, ...]).decode


def utc_iso(at: datetime.datetime | None = None) -> str:
    """An RFC 3339 UTC timestamp with milliseconds (`2025-01-16T12:34:56.789Z`)."""
    moment = at or utcnow()
    return moment.astimezone(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class WireEvent:
    """One event as it goes out: its routing fields and its encoded envelope (and SSE and text forms, lazily)."""

    __slots__ = (
        "_sse",
        "_text",
        "body",
        "born",
        "caller",
        "channel",
        "last_write",
        "loads",
        "name",
        "request_id",
        "seq",
        "session_id",
        "views",
        "waiting",
    )

    def __init__(
        self,
        channel: str,
        name: str,
        seq: int | None,
        request_id: str | None,
        body: bytes,
        caller: str | None = None,
        loads: tuple[PairLoad, ...] | None = None,
    ) -> None:
        self.channel = channel
        self.session_id = channel[len(SESSION_PREFIX) :] if channel.startswith(SESSION_PREFIX) else None
        """The session of a session event (one string for every subscriber's lookup)."""
        self.name = name
        self.seq = seq
        self.request_id = request_id
        self.body = body
        self.caller = caller
        """The caller (`fromTeam`) of the pair the event is about, when it names one."""
        self.loads = loads
        """A `health:check`'s counts per pair, where they are known."""
        self.views: dict[Any, WireEvent | None] | None = None
        """Forms of this event for team-scoped subscribers, made once each (`visibility.py`)."""
        self.born: float | None = None
        """When a live event was published (`delivery.clock`), set as the bus receives it; None otherwise."""
        self.waiting = 0
        """Local subscribers that queued this live event and have not written it yet (`delivery.py`)."""
        self.last_write: float | None = None
        """When the latest subscriber's write of this live event ended."""
        self._sse: bytes | None = None
        self._text: str | None = None

    @classmethod
    def of(cls, channel: str, event: Any, seq: int | None = None) -> WireEvent:
        """Encode one of the contract's event models (ContractError when it does not fit the contract)."""
        name = str(type(event).__struct_config__.tag)
        data = event.data
        request_id = getattr(data, "request_id", None)
        caller = getattr(data, "from_team", None)
        return cls(
            channel,
            name,
            seq,
            str(request_id) if isinstance(request_id, uuid.UUID) else None,
            _checked(name, _encode(event)),
            caller if isinstance(caller, str) else None,
        )

    @classmethod
    def build(cls, channel: str, name: str, data: dict[str, Any], seq: int | None = None) -> WireEvent:
        """Encode `{"event": name, "data": data}` (ContractError when it does not fit the contract)."""
        request_id = data.get("requestId")
        caller = data.get("fromTeam")
        body = _checked(name, _encode({"event": name, "data": data}))
        return cls(
            channel,
            name,
            seq,
            request_id if isinstance(request_id, str) else None,
            body,
            caller if isinstance(caller, str) else None,
        )

    @property
    def event_id(self) -> str | None:
        """The SSE id, `<sessionId>:<seq>`, of a session event."""
        session_id = self.session_id
        return f"{session_id}:{self.seq}" if session_id is not None and self.seq is not None else None

    @property
    def text(self) -> str:
        """The envelope as text (a WebSocket text frame)."""
        if self._text is None:
            self._text = self.body.decode()
        return self._text

    @property
    def sse(self) -> bytes:
        """The event as one Server-Sent Events message."""
        if self._sse is None:
            event_id = self.event_id
            head = f"event: {self.name}\n" + (f"id: {event_id}\n" if event_id else "")
            self._sse = head.encode() + b"data: " + self.body + b"\n\n"
        return self._sse

    def frame(self) -> bytes:
        """The form this event travels in between instances (through the channels backend)."""
        seq = b"" if self.seq is None else str(self.seq).encode()
        request_id = (self.request_id or "").encode()
        caller = (self.caller or "").encode()
        loads = b"" if self.loads is None else _encode(self.loads)
        head = (_FRAME_MAGIC, self.channel.encode(), self.name.encode(), seq, request_id, caller, loads)
        return b"\x00".join((*head, self.body))


def decode_frame(frame: bytes) -> WireEvent | None:
    """The event a frame carries (None for anything else that shares the channel; ValueError for a bad one)."""
    parts = frame.split(b"\x00", 7)
    if len(parts) != 8 or parts[0] != _FRAME_MAGIC:
        return None
    _, channel, name, seq, request_id, caller, loads, body = parts
    return WireEvent(
        channel.decode(),
        name.decode(),
        int(seq) if seq else None,
        request_id.decode() or None,
        body,
        caller.decode() or None,
        _decode_loads(loads) if loads else None,
    )


def _contract_event(record: Record, seq: int | None) -> Any:
    """The contract's event (`ServerEvent`) of an engine record."""
    number = seq if seq is not None else 0  # every session event has one (the hub numbers them)
    match record:
        case TellQueued():
            parent, links = _or_unset(record.parent_request_id), tell_chain(record.chain)
            return m.TellQueuedEvent(
                data=to_model(record, m.TellQueued, seq=number, parent_request_id=parent, chain=links)
            )
        case TellStarted():
            parent = _or_unset(record.parent_request_id)
            return m.TellStartedEvent(data=to_model(record, m.TellStarted, seq=number, parent_request_id=parent))
        case TellChunk():
            return m.TellChunkEvent(data=to_model(record, m.TellChunk, seq=number))
        case CacheMessage():
            message = claude_message(record.message, number)
            cached = m.CacheMessage(
                session_id=record.session_id, seq=number, request_id=record.request_id, message=message
            )
            return m.CacheMessageEvent(data=cached)
        case TellEnded():
            return _tell_outcome(record, seq)
        case ProcessSpawned():
            if record.pid is None:
                raise ContractError("process:spawned does not fit the contract: it names no pid")
            return m.ProcessSpawnedEvent(data=to_model(record, m.ProcessSpawned))
        case ProcessFailed():
            return m.ProcessErrorEvent(data=to_model(record, m.ProcessError))
        case ProcessTerminated():
            return m.ProcessTerminatedEvent(data=to_model(record, m.ProcessTerminated))
        case Health():
            return m.HealthCheckEvent(data=to_model(record, m.HealthCheck))
        case BudgetReached():
            reached = to_model(
                record,
                m.BudgetReached,
                budget=m.BudgetKind(record.budget),
                key_id=_or_unset(record.key_id),
                key_name=_or_unset(record.key_name),
            )
            return m.BudgetReachedEvent(data=reached)
        case PermissionRequested():
            request = to_model(
                record,
                m.PermissionRequest,
                tool_name=record.tool,
                tool_input=record.input,
                expires_at=record.expires_at or record.created_at,
            )
            return m.PermissionRequestEvent(data=request)
        case PermissionResolved():
            resolved = m.PermissionResolved(
                permission_id=record.permission_id,
                session_id=record.session_id,
                team=record.team,
                from_team=record.from_team,
                decision=m.PermissionDecision(record.decision),
                resolved_by=_RESOLVED_BY[record.by],
                tool_name=record.tool,
                reason=record.reason,
            )
            return m.PermissionResolvedEvent(data=resolved)
        case SubscriberReset():
            return m.ResetEvent(data=m.Reset(reason=record.reason))
    raise ContractError(f"{record.name} has no form in the contract")


def _tell_outcome(ended: TellEnded, seq: int | None) -> m.TellCompleteEvent | m.TellErrorEvent:
    """`tell:complete`, or `tell:error` when Iris itself could not run the tell to a result (`seq` None: not
    known, as for a terminal made from the tell's record)."""
    failure = ended.failure
    error = _IRIS_FAILURES.get(failure.kind) if failure is not None else None
    if failure is not None and error is not None:
        return m.TellErrorEvent(
            data=m.TellError(
                request_id=ended.request_id,
                error=error,
                message=failure.detail,
                session_id=ended.session_id,
                seq=_or_unset(seq),
                parent_request_id=_or_unset(ended.parent_request_id),
            )
        )
    complete = m.TellComplete(
        request_id=ended.request_id,
        session_id=ended.session_id,
        seq=seq if seq is not None else 0,
        response=ended.response or "",
        status=m.TellStatus(ended.status),
        duration=_or_unset(ended.duration_ms),
        reason=failure.detail if failure is not None else msgspec.UNSET,
        is_error=ended.is_error,
        cost_usd=_or_unset(ended.cost_usd),
        parent_request_id=_or_unset(ended.parent_request_id),
    )
    return m.TellCompleteEvent(data=complete)


def _or_unset(value: _T | None) -> _T | msgspec.UnsetType:
    return msgspec.UNSET if value is None else value


def map_event(event: Event) -> WireEvent:
    """The wire form of an engine event, the same bytes each time it is made; ContractError when it does not fit
    the contract."""
    try:
        contract = _contract_event(event.record, event.seq)
    except msgspec.ValidationError as exc:  # checked as the event's data is built: its path is under `$.data`
        where = str(exc).replace("`$", "`$.data", 1)
        raise ContractError(f"{event.record.name} does not fit the contract: {where}") from None
    return WireEvent.of(event.channel, contract, event.seq)


def terminal_from_view(view: TellView, seq: int | None) -> WireEvent:
    """The `tell:complete` / `tell:error` of a finished tell, built from its record (when the event is gone)."""
    outcome = _tell_outcome(TellEnded.of(view), seq)
    return WireEvent.of(SESSION_PREFIX + str(view.session_id), outcome, seq)


def control_event(name: str, data: dict[str, Any], *, channel: str = "", seq: int | None = None) -> WireEvent:
    """An event made by the stream layer itself (`tell:accepted`, `reset`, `error`)."""
    return WireEvent.build(channel, name, data, seq)


def heartbeat() -> WireEvent:
    """The SSE keep-alive event."""
    return WireEvent.build("", "heartbeat", {"timestamp": utc_iso()})

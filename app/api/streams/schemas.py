"""The wire form of events: the engine's events mapped to the contract's schemas, encoded once.

Every event travels as the JSON envelope `{"event": NAME, "data": {...}}` (`ServerEvent` in openapi/iris.yaml).
The engine's field names are aligned with the spec here (and only here): `durationMs` → `duration`,
`tool`/`input` → `toolName`/`toolInput`, a raw Claude Code message → `ClaudeMessage`, and a tell that Iris
itself failed to run (its process would not start or died) ends as `tell:error` rather than `tell:complete`.

An event is encoded once, where it is published; every subscriber (SSE or WebSocket, on this instance or,
through the channels backend, on another) gets the same bytes. Between instances an event travels as a
`frame`: a small header (channel, name, seq, requestId, the caller of the pair a team event is about, and the
per-pair counts of a `health:check`) and the envelope, so that routing, de-duplication and the team-scope
check (`visibility.py`) never parse JSON.
"""

from __future__ import annotations

import datetime
from typing import Any

import msgspec

from app.api.models import ErrorName
from app.engine.events import Event
from app.engine.views import TellView

__all__ = [
    "SESSION_PREFIX",
    "TELL_STREAM_EVENTS",
    "TERMINAL_EVENTS",
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
_ERROR_NAMES = frozenset(member.value for member in ErrorName)
# Reasons with which the engine ends a tell that Iris could not run to a result (domain.md's tell:error).
_IRIS_FAILURES = {
    "process_exited": "ProcessError",
    "process_error": "ProcessError",
    "internal_error": "InternalServerError",
}


def _enc_hook(value: Any) -> Any:
    return str(value)


_encode = msgspec.json.Encoder(enc_hook=_enc_hook).encode


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
    moment = at or datetime.datetime.now(datetime.UTC)
    return moment.astimezone(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class WireEvent:
    """One event as it goes out: its routing fields and its encoded envelope (and SSE and text forms, lazily)."""

    __slots__ = ("_sse", "_text", "body", "caller", "channel", "loads", "name", "request_id", "seq", "views")

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
        self._sse: bytes | None = None
        self._text: str | None = None

    @classmethod
    def build(cls, channel: str, name: str, data: dict[str, Any], seq: int | None = None) -> WireEvent:
        """Encode `{"event": name, "data": data}`."""
        request_id = data.get("requestId")
        caller = data.get("fromTeam")
        body = _encode({"event": name, "data": data})
        return cls(
            channel,
            name,
            seq,
            request_id if isinstance(request_id, str) else None,
            body,
            caller if isinstance(caller, str) else None,
        )

    @property
    def session_id(self) -> str | None:
        """The session of a session event."""
        return self.channel[len(SESSION_PREFIX) :] if self.channel.startswith(SESSION_PREFIX) else None

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


def _without_none(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None}


def _tell_outcome(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """`tell:complete`, or `tell:error` when Iris itself could not run the tell to a result."""
    status = data.get("status")
    reason = data.get("reason") or ""
    if status == "failed" and not data.get("isError"):
        prefix = reason.split(":", 1)[0].strip()
        error = _IRIS_FAILURES.get(prefix) or (prefix if prefix in _ERROR_NAMES else None)
        if error is not None:
            return "tell:error", _without_none(
                {
                    "requestId": data.get("requestId"),
                    "sessionId": data.get("sessionId"),
                    "seq": data.get("seq"),
                    "error": error,
                    "message": reason,
                }
            )
    return "tell:complete", _without_none(
        {
            "requestId": data.get("requestId"),
            "sessionId": data.get("sessionId"),
            "seq": data.get("seq"),
            "response": data.get("response") or "",
            "status": status,
            "duration": data.get("durationMs"),
            "reason": data.get("reason"),
            "isError": data.get("isError"),
            "costUsd": data.get("costUsd"),
        }
    )


def _claude_message(message: Any, seq: int | None, at: str) -> dict[str, Any]:
    data = message if isinstance(message, dict) else {"value": message}
    mapped: dict[str, Any] = {
        "seq": seq if seq is not None else 0,
        "type": str(data.get("type") or "unknown"),
        "timestamp": at,
        "data": data,
    }
    subtype = data.get("subtype")
    if isinstance(subtype, str):
        mapped["subtype"] = subtype
    return mapped


def map_event(event: Event, at: datetime.datetime | None = None) -> WireEvent:
    """The wire form of an engine event (`at`: when it was published, for `ClaudeMessage.timestamp`)."""
    name, data = event.name, event.data
    if name == "tell:complete":
        name, data = _tell_outcome(data)
    elif name == "cache:message":
        data = {**data, "message": _claude_message(data.get("message"), event.seq, utc_iso(at))}
    elif name == "permission:request":
        data = {
            "permissionId": data.get("permissionId"),
            "sessionId": data.get("sessionId"),
            "requestId": data.get("requestId"),
            "team": data.get("team"),
            "fromTeam": data.get("fromTeam"),
            "toolName": data.get("tool"),
            "toolInput": data.get("input") if isinstance(data.get("input"), dict) else {},
            "createdAt": data.get("createdAt"),
            "expiresAt": data.get("expiresAt") or data.get("createdAt"),
        }
    elif name == "permission:resolved":
        by = data.get("by")
        data = _without_none(
            {
                "permissionId": data.get("permissionId"),
                "sessionId": data.get("sessionId"),
                "team": data.get("team"),
                "fromTeam": data.get("fromTeam"),
                "toolName": data.get("tool"),
                "decision": data.get("decision"),
                "reason": data.get("reason"),
                "resolvedBy": {"decided": "api"}.get(by, by) if isinstance(by, str) else "api",
            }
        )
    return WireEvent.build(event.channel, name, data, event.seq)


def terminal_from_view(view: TellView, seq: int | None) -> WireEvent:
    """The `tell:complete` / `tell:error` of a finished tell, built from its record (when the event is gone)."""
    session_id = str(view.session_id)
    data = {
        "requestId": str(view.request_id),
        "sessionId": session_id,
        "seq": seq,
        "status": view.status,
        "response": view.response,
        "reason": view.reason,
        "isError": view.is_error,
        "durationMs": view.duration_ms,
        "costUsd": view.cost_usd,
    }
    name, mapped = _tell_outcome(data)
    return WireEvent.build(SESSION_PREFIX + session_id, name, mapped, seq)


def control_event(name: str, data: dict[str, Any], *, channel: str = "", seq: int | None = None) -> WireEvent:
    """An event made by the stream layer itself (`tell:accepted`, `reset`, `error`)."""
    return WireEvent.build(channel, name, data, seq)


def heartbeat() -> WireEvent:
    """The SSE keep-alive event."""
    return WireEvent.build("", "heartbeat", {"timestamp": utc_iso()})

"""Claude Code's messages read through claude-agent-sdk into Iris's terms: stream chunks, kept messages, results."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from typing import Any

import msgspec
from claude_agent_sdk.types import (
    AssistantMessage,
    Message,
    ResultMessage,
    StreamEvent,
    SystemMessage,
    TextBlock,
    UserMessage,
)

from app.clock import utcnow

__all__ = ["Chunk", "Result", "Said", "message_to_dict", "read", "text_delta"]


@dataclass(frozen=True, slots=True)
class Chunk:
    """A partial-message stream event, with the text it adds (if it adds any)."""

    text: str | None


@dataclass(frozen=True, slots=True)
class Result:
    """Claude Code's final `result` message of a turn."""

    text: str | None
    """Its `result` field (None when absent)."""
    is_error: bool
    subtype: str
    terminal_reason: str
    cost_usd: float | None
    usage: dict[str, Any] | None
    num_turns: int | None
    structured_output: Any = None
    """The structured answer of a turn asked for one (`--json-schema`), as Claude Code parsed it (None: none)."""


@dataclass(frozen=True, slots=True)
class Said:
    """Any other message: its JSON form (as a dict, and encoded once), the text blocks it says, and the result it
    carries (if it is one)."""

    data: dict[str, Any]
    json: bytes
    texts: tuple[str, ...] = ()
    result: Result | None = None
    at: datetime.datetime = field(default_factory=utcnow)
    """When Iris read it from Claude Code."""
    auth_failed: bool = False
    """Claude Code said the model API did not authenticate it (an assistant message's `error`)."""
    key_source: str | None = None
    """Where Claude Code took its model credentials from (`apiKeySource` of a turn's init; `none`: nowhere)."""


def read(message: Message) -> Chunk | Said:
    """An SDK message in Iris's terms."""
    if isinstance(message, StreamEvent):
        return Chunk(text_delta(message))
    texts: tuple[str, ...] = ()
    auth_failed, key_source = False, None
    if isinstance(message, AssistantMessage):
        texts = tuple(block.text for block in message.content if isinstance(block, TextBlock))
        auth_failed = getattr(message, "error", None) == "authentication_failed"
    if isinstance(message, SystemMessage) and message.subtype == "init":
        source = message.data.get("apiKeySource")
        key_source = source if isinstance(source, str) else None
    result = _result(message) if isinstance(message, ResultMessage) else None
    data = message_to_dict(message)
    encoded = msgspec.json.encode(data, enc_hook=repr)
    return Said(data, encoded, texts, result, auth_failed=auth_failed, key_source=key_source)


def _result(message: ResultMessage) -> Result:
    """The parts of a `result` message that end a tell."""
    return Result(
        text=message.result,
        is_error=message.is_error,
        subtype=message.subtype,
        terminal_reason=str(getattr(message, "terminal_reason", None) or ""),
        cost_usd=message.total_cost_usd,
        usage=message.usage,
        num_turns=message.num_turns,
        structured_output=getattr(message, "structured_output", None),
    )


def message_to_dict(message: Message) -> dict[str, Any]:
    """A JSON-ready form of an SDK message, with its `type`."""
    kind = {
        AssistantMessage: "assistant",
        UserMessage: "user",
        SystemMessage: "system",
        ResultMessage: "result",
        StreamEvent: "stream_event",
    }.get(type(message), type(message).__name__)
    body = _plain(message) if dataclasses.is_dataclass(message) else {"value": repr(message)}
    return {"type": kind, **body}


def _plain(value: Any) -> Any:
    """`value` with its dataclasses (the SDK's messages and content blocks) as dicts and its lists copied; the
    JSON objects the SDK parsed are shared, not copied (`dataclasses.asdict` deep-copies every value)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def text_delta(event: StreamEvent) -> str | None:
    """The text of a `content_block_delta` stream event, if it carries one."""
    raw = event.event
    if raw.get("type") != "content_block_delta":
        return None
    delta = raw.get("delta") or {}
    if delta.get("type") == "text_delta":
        text = delta.get("text")
        return text if isinstance(text, str) else None
    return None

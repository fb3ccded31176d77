"""Claude Code's messages read through claude-agent-sdk into Iris's terms: stream chunks, kept messages, results."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from claude_agent_sdk.types import (
    AssistantMessage,
    Message,
    ResultMessage,
    StreamEvent,
    SystemMessage,
    TextBlock,
    UserMessage,
)

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


@dataclass(frozen=True, slots=True)
class Said:
    """Any other message: its JSON form, the text blocks it says, and the result it carries (if it is one)."""

    data: dict[str, Any]
    texts: tuple[str, ...] = ()
    result: Result | None = None


def read(message: Message) -> Chunk | Said:
    """An SDK message in Iris's terms."""
    if isinstance(message, StreamEvent):
        return Chunk(text_delta(message))
    texts: tuple[str, ...] = ()
    if isinstance(message, AssistantMessage):
        texts = tuple(block.text for block in message.content if isinstance(block, TextBlock))
    result = _result(message) if isinstance(message, ResultMessage) else None
    return Said(message_to_dict(message), texts, result)


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
    body = dataclasses.asdict(message) if dataclasses.is_dataclass(message) else {"value": repr(message)}
    return {"type": kind, **body}


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

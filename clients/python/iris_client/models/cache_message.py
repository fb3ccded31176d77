from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.claude_message import ClaudeMessage


T = TypeVar("T", bound="CacheMessage")


@_attrs_define
class CacheMessage:
    """cache:message - a raw Claude Code message of a tell, as cached.

    Attributes:
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        seq (int):
        request_id (UUID): A tell's request id.
        message (ClaudeMessage): One raw message Claude Code produced for a tell, as cached.
    """

    session_id: UUID
    seq: int
    request_id: UUID
    message: ClaudeMessage

    def to_dict(self) -> dict[str, Any]:
        session_id = str(self.session_id)

        seq = self.seq

        request_id = str(self.request_id)

        message = self.message.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "sessionId": session_id,
                "seq": seq,
                "requestId": request_id,
                "message": message,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.claude_message import ClaudeMessage

        d = dict(src_dict)
        session_id = UUID(d.pop("sessionId"))

        seq = d.pop("seq")

        request_id = UUID(d.pop("requestId"))

        message = ClaudeMessage.from_dict(d.pop("message"))

        cache_message = cls(
            session_id=session_id,
            seq=seq,
            request_id=request_id,
            message=message,
        )

        return cache_message

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.claude_message_data import ClaudeMessageData


T = TypeVar("T", bound="ClaudeMessage")


@_attrs_define
class ClaudeMessage:
    """One raw message Claude Code produced for a tell, as cached.

    Attributes:
        seq (int): The session event sequence number it was published with.
        type_ (str): Claude Code's message type (system, assistant, user, result, stream_event, ...).
        timestamp (datetime.datetime): When Iris received the message from Claude Code.
        data (ClaudeMessageData): The message as Claude Code emitted it.
        subtype (str | Unset):
    """

    seq: int
    type_: str
    timestamp: datetime.datetime
    data: ClaudeMessageData
    subtype: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        seq = self.seq

        type_ = self.type_

        timestamp = self.timestamp.isoformat()

        data = self.data.to_dict()

        subtype = self.subtype

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "seq": seq,
                "type": type_,
                "timestamp": timestamp,
                "data": data,
            }
        )
        if subtype is not UNSET:
            field_dict["subtype"] = subtype

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.claude_message_data import ClaudeMessageData

        d = dict(src_dict)
        seq = d.pop("seq")

        type_ = d.pop("type")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        data = ClaudeMessageData.from_dict(d.pop("data"))

        subtype = d.pop("subtype", UNSET)

        claude_message = cls(
            seq=seq,
            type_=type_,
            timestamp=timestamp,
            data=data,
            subtype=subtype,
        )

        return claude_message

from __future__ import annotations

from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.tell_chunk import TellChunk


T = TypeVar("T", bound="TellChunkEvent")


@_attrs_define
class TellChunkEvent:
    """
    Attributes:
        event (Literal['tell:chunk']):
        data (TellChunk): tell:chunk - a piece of the response text as it streams.
    """

    event: Literal["tell:chunk"]
    data: TellChunk

    def to_dict(self) -> dict[str, Any]:
        event = self.event

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "event": event,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.tell_chunk import TellChunk

        d = dict(src_dict)
        event = cast(Literal["tell:chunk"], d.pop("event"))
        if event != "tell:chunk":
            raise ValueError(f"event must match const 'tell:chunk', got '{event}'")

        data = TellChunk.from_dict(d.pop("data"))

        tell_chunk_event = cls(
            event=event,
            data=data,
        )

        return tell_chunk_event

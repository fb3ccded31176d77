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
    from ..models.tell_accepted import TellAccepted


T = TypeVar("T", bound="TellAcceptedEvent")


@_attrs_define
class TellAcceptedEvent:
    """
    Attributes:
        event (Literal['tell:accepted']):
        data (TellAccepted): tell:accepted - the tell was queued; its id and session.
    """

    event: Literal["tell:accepted"]
    data: TellAccepted

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
        from ..models.tell_accepted import TellAccepted

        d = dict(src_dict)
        event = cast(Literal["tell:accepted"], d.pop("event"))
        if event != "tell:accepted":
            raise ValueError(f"event must match const 'tell:accepted', got '{event}'")

        data = TellAccepted.from_dict(d.pop("data"))

        tell_accepted_event = cls(
            event=event,
            data=data,
        )

        return tell_accepted_event

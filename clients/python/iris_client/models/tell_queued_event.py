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
    from ..models.tell_queued import TellQueued


T = TypeVar("T", bound="TellQueuedEvent")


@_attrs_define
class TellQueuedEvent:
    """
    Attributes:
        event (Literal['tell:queued']):
        data (TellQueued): tell:queued - a tell entered the session's queue (session channel).
    """

    event: Literal["tell:queued"]
    data: TellQueued

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
        from ..models.tell_queued import TellQueued

        d = dict(src_dict)
        event = cast(Literal["tell:queued"], d.pop("event"))
        if event != "tell:queued":
            raise ValueError(f"event must match const 'tell:queued', got '{event}'")

        data = TellQueued.from_dict(d.pop("data"))

        tell_queued_event = cls(
            event=event,
            data=data,
        )

        return tell_queued_event

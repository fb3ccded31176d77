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
    from ..models.tell_started import TellStarted


T = TypeVar("T", bound="TellStartedEvent")


@_attrs_define
class TellStartedEvent:
    """
    Attributes:
        event (Literal['tell:started']):
        data (TellStarted): tell:started - a tell was handed to Claude Code (session channel).
    """

    event: Literal["tell:started"]
    data: TellStarted

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
        from ..models.tell_started import TellStarted

        d = dict(src_dict)
        event = cast(Literal["tell:started"], d.pop("event"))
        if event != "tell:started":
            raise ValueError(f"event must match const 'tell:started', got '{event}'")

        data = TellStarted.from_dict(d.pop("data"))

        tell_started_event = cls(
            event=event,
            data=data,
        )

        return tell_started_event

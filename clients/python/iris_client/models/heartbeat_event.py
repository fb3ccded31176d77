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
    from ..models.heartbeat import Heartbeat


T = TypeVar("T", bound="HeartbeatEvent")


@_attrs_define
class HeartbeatEvent:
    """
    Attributes:
        event (Literal['heartbeat']):
        data (Heartbeat): heartbeat - SSE keep-alive every 15 s.
    """

    event: Literal["heartbeat"]
    data: Heartbeat

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
        from ..models.heartbeat import Heartbeat

        d = dict(src_dict)
        event = cast(Literal["heartbeat"], d.pop("event"))
        if event != "heartbeat":
            raise ValueError(f"event must match const 'heartbeat', got '{event}'")

        data = Heartbeat.from_dict(d.pop("data"))

        heartbeat_event = cls(
            event=event,
            data=data,
        )

        return heartbeat_event

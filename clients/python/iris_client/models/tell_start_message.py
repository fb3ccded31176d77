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
    from ..models.tell_start_request import TellStartRequest


T = TypeVar("T", bound="TellStartMessage")


@_attrs_define
class TellStartMessage:
    """
    Attributes:
        event (Literal['tell:start']):
        data (TellStartRequest): A tell without a wait (quick-tell, streamed tell, WebSocket tell:start).
    """

    event: Literal["tell:start"]
    data: TellStartRequest

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
        from ..models.tell_start_request import TellStartRequest

        d = dict(src_dict)
        event = cast(Literal["tell:start"], d.pop("event"))
        if event != "tell:start":
            raise ValueError(f"event must match const 'tell:start', got '{event}'")

        data = TellStartRequest.from_dict(d.pop("data"))

        tell_start_message = cls(
            event=event,
            data=data,
        )

        return tell_start_message

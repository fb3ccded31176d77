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
    from ..models.process_subscribe import ProcessSubscribe


T = TypeVar("T", bound="ProcessSubscribeMessage")


@_attrs_define
class ProcessSubscribeMessage:
    """
    Attributes:
        event (Literal['process:subscribe']):
        data (ProcessSubscribe):
    """

    event: Literal["process:subscribe"]
    data: ProcessSubscribe

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
        from ..models.process_subscribe import ProcessSubscribe

        d = dict(src_dict)
        event = cast(Literal["process:subscribe"], d.pop("event"))
        if event != "process:subscribe":
            raise ValueError(
                f"event must match const 'process:subscribe', got '{event}'"
            )

        data = ProcessSubscribe.from_dict(d.pop("data"))

        process_subscribe_message = cls(
            event=event,
            data=data,
        )

        return process_subscribe_message

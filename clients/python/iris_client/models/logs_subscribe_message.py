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
    from ..models.logs_subscribe import LogsSubscribe


T = TypeVar("T", bound="LogsSubscribeMessage")


@_attrs_define
class LogsSubscribeMessage:
    """
    Attributes:
        event (Literal['logs:subscribe']):
        data (LogsSubscribe):
    """

    event: Literal["logs:subscribe"]
    data: LogsSubscribe

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
        from ..models.logs_subscribe import LogsSubscribe

        d = dict(src_dict)
        event = cast(Literal["logs:subscribe"], d.pop("event"))
        if event != "logs:subscribe":
            raise ValueError(f"event must match const 'logs:subscribe', got '{event}'")

        data = LogsSubscribe.from_dict(d.pop("data"))

        logs_subscribe_message = cls(
            event=event,
            data=data,
        )

        return logs_subscribe_message

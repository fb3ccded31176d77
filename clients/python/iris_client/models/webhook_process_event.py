from __future__ import annotations

import datetime
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
    from ..models.webhook_process import WebhookProcess


T = TypeVar("T", bound="WebhookProcessEvent")


@_attrs_define
class WebhookProcessEvent:
    """The body of a `process.terminated` delivery.

    Attributes:
        type_ (Literal['process.terminated']):
        timestamp (datetime.datetime):
        data (WebhookProcess):
    """

    type_: Literal["process.terminated"]
    timestamp: datetime.datetime
    data: WebhookProcess

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        timestamp = self.timestamp.isoformat()

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "timestamp": timestamp,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.webhook_process import WebhookProcess

        d = dict(src_dict)
        type_ = cast(Literal["process.terminated"], d.pop("type"))
        if type_ != "process.terminated":
            raise ValueError(
                f"type must match const 'process.terminated', got '{type_}'"
            )

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        data = WebhookProcess.from_dict(d.pop("data"))

        webhook_process_event = cls(
            type_=type_,
            timestamp=timestamp,
            data=data,
        )

        return webhook_process_event

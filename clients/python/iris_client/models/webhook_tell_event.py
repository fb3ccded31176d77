from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.webhook_tell_event_type import WebhookTellEventType

if TYPE_CHECKING:
    from ..models.webhook_tell import WebhookTell


T = TypeVar("T", bound="WebhookTellEvent")


@_attrs_define
class WebhookTellEvent:
    """The body of a `tell.completed`, `tell.failed`, `tell.stalled` or `tell.cancelled` delivery.

    Attributes:
        type_ (WebhookTellEventType):
        timestamp (datetime.datetime):
        data (WebhookTell): The tell a `tell.*` event is about, as it ended.
    """

    type_: WebhookTellEventType
    timestamp: datetime.datetime
    data: WebhookTell

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

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
        from ..models.webhook_tell import WebhookTell

        d = dict(src_dict)
        type_ = WebhookTellEventType(d.pop("type"))

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        data = WebhookTell.from_dict(d.pop("data"))

        webhook_tell_event = cls(
            type_=type_,
            timestamp=timestamp,
            data=data,
        )

        return webhook_tell_event

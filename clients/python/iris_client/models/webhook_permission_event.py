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
    from ..models.webhook_permission import WebhookPermission


T = TypeVar("T", bound="WebhookPermissionEvent")


@_attrs_define
class WebhookPermissionEvent:
    """The body of a `permission.requested` delivery (decide it with `POST /api/permissions/{permissionId}`).

    Attributes:
        type_ (Literal['permission.requested']):
        timestamp (datetime.datetime):
        data (WebhookPermission):
    """

    type_: Literal["permission.requested"]
    timestamp: datetime.datetime
    data: WebhookPermission

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
        from ..models.webhook_permission import WebhookPermission

        d = dict(src_dict)
        type_ = cast(Literal["permission.requested"], d.pop("type"))
        if type_ != "permission.requested":
            raise ValueError(
                f"type must match const 'permission.requested', got '{type_}'"
            )

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        data = WebhookPermission.from_dict(d.pop("data"))

        webhook_permission_event = cls(
            type_=type_,
            timestamp=timestamp,
            data=data,
        )

        return webhook_permission_event

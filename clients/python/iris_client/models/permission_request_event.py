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
    from ..models.permission_request import PermissionRequest


T = TypeVar("T", bound="PermissionRequestEvent")


@_attrs_define
class PermissionRequestEvent:
    """
    Attributes:
        event (Literal['permission:request']):
        data (PermissionRequest): A pending tool-use request (also the data of the permission:request event).
    """

    event: Literal["permission:request"]
    data: PermissionRequest

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
        from ..models.permission_request import PermissionRequest

        d = dict(src_dict)
        event = cast(Literal["permission:request"], d.pop("event"))
        if event != "permission:request":
            raise ValueError(
                f"event must match const 'permission:request', got '{event}'"
            )

        data = PermissionRequest.from_dict(d.pop("data"))

        permission_request_event = cls(
            event=event,
            data=data,
        )

        return permission_request_event

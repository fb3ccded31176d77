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
    from ..models.permission_resolved import PermissionResolved


T = TypeVar("T", bound="PermissionResolvedEvent")


@_attrs_define
class PermissionResolvedEvent:
    """
    Attributes:
        event (Literal['permission:resolved']):
        data (PermissionResolved): permission:resolved - a pending permission was decided or timed out.
    """

    event: Literal["permission:resolved"]
    data: PermissionResolved

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
        from ..models.permission_resolved import PermissionResolved

        d = dict(src_dict)
        event = cast(Literal["permission:resolved"], d.pop("event"))
        if event != "permission:resolved":
            raise ValueError(
                f"event must match const 'permission:resolved', got '{event}'"
            )

        data = PermissionResolved.from_dict(d.pop("data"))

        permission_resolved_event = cls(
            event=event,
            data=data,
        )

        return permission_resolved_event

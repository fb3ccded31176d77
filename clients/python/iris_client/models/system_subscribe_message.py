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

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.system_subscription import SystemSubscription


T = TypeVar("T", bound="SystemSubscribeMessage")


@_attrs_define
class SystemSubscribeMessage:
    """
    Attributes:
        event (Literal['system:subscribe']):
        data (SystemSubscription | Unset): The (empty) data of system:subscribe and system:unsubscribe.
    """

    event: Literal["system:subscribe"]
    data: SystemSubscription | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        event = self.event

        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "event": event,
            }
        )
        if data is not UNSET:
            field_dict["data"] = data

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.system_subscription import SystemSubscription

        d = dict(src_dict)
        event = cast(Literal["system:subscribe"], d.pop("event"))
        if event != "system:subscribe":
            raise ValueError(
                f"event must match const 'system:subscribe', got '{event}'"
            )

        _data = d.pop("data", UNSET)
        data: SystemSubscription | Unset
        if isinstance(_data, Unset):
            data = UNSET
        else:
            data = SystemSubscription.from_dict(_data)

        system_subscribe_message = cls(
            event=event,
            data=data,
        )

        return system_subscribe_message

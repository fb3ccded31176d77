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
    from ..models.cache_subscribe import CacheSubscribe


T = TypeVar("T", bound="CacheSubscribeMessage")


@_attrs_define
class CacheSubscribeMessage:
    """
    Attributes:
        event (Literal['cache:subscribe']):
        data (CacheSubscribe):
    """

    event: Literal["cache:subscribe"]
    data: CacheSubscribe

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
        from ..models.cache_subscribe import CacheSubscribe

        d = dict(src_dict)
        event = cast(Literal["cache:subscribe"], d.pop("event"))
        if event != "cache:subscribe":
            raise ValueError(f"event must match const 'cache:subscribe', got '{event}'")

        data = CacheSubscribe.from_dict(d.pop("data"))

        cache_subscribe_message = cls(
            event=event,
            data=data,
        )

        return cache_subscribe_message

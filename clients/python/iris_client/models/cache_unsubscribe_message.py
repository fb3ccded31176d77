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
    from ..models.cache_unsubscribe import CacheUnsubscribe


T = TypeVar("T", bound="CacheUnsubscribeMessage")


@_attrs_define
class CacheUnsubscribeMessage:
    """
    Attributes:
        event (Literal['cache:unsubscribe']):
        data (CacheUnsubscribe):
    """

    event: Literal["cache:unsubscribe"]
    data: CacheUnsubscribe

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
        from ..models.cache_unsubscribe import CacheUnsubscribe

        d = dict(src_dict)
        event = cast(Literal["cache:unsubscribe"], d.pop("event"))
        if event != "cache:unsubscribe":
            raise ValueError(
                f"event must match const 'cache:unsubscribe', got '{event}'"
            )

        data = CacheUnsubscribe.from_dict(d.pop("data"))

        cache_unsubscribe_message = cls(
            event=event,
            data=data,
        )

        return cache_unsubscribe_message

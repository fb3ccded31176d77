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
    from ..models.cache_message import CacheMessage


T = TypeVar("T", bound="CacheMessageEvent")


@_attrs_define
class CacheMessageEvent:
    """
    Attributes:
        event (Literal['cache:message']):
        data (CacheMessage): cache:message - a raw Claude Code message of a tell, as cached.
    """

    event: Literal["cache:message"]
    data: CacheMessage

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
        from ..models.cache_message import CacheMessage

        d = dict(src_dict)
        event = cast(Literal["cache:message"], d.pop("event"))
        if event != "cache:message":
            raise ValueError(f"event must match const 'cache:message', got '{event}'")

        data = CacheMessage.from_dict(d.pop("data"))

        cache_message_event = cls(
            event=event,
            data=data,
        )

        return cache_message_event

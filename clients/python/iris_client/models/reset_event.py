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
    from ..models.reset import Reset


T = TypeVar("T", bound="ResetEvent")


@_attrs_define
class ResetEvent:
    """
    Attributes:
        event (Literal['reset']):
        data (Reset): reset - events were lost for this subscriber (its queue overflowed, or
            Last-Event-ID / afterSeq is no longer retained): re-read the cache.
            After an overflow the subscriber is disconnected.
    """

    event: Literal["reset"]
    data: Reset

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
        from ..models.reset import Reset

        d = dict(src_dict)
        event = cast(Literal["reset"], d.pop("event"))
        if event != "reset":
            raise ValueError(f"event must match const 'reset', got '{event}'")

        data = Reset.from_dict(d.pop("data"))

        reset_event = cls(
            event=event,
            data=data,
        )

        return reset_event

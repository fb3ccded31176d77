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
    from ..models.stream_error import StreamError


T = TypeVar("T", bound="StreamErrorEvent")


@_attrs_define
class StreamErrorEvent:
    """
    Attributes:
        event (Literal['error']):
        data (StreamError): error - a stream-level error (e.g. a forbidden subscription), in the Error shape minus the
            timestamp.
    """

    event: Literal["error"]
    data: StreamError

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
        from ..models.stream_error import StreamError

        d = dict(src_dict)
        event = cast(Literal["error"], d.pop("event"))
        if event != "error":
            raise ValueError(f"event must match const 'error', got '{event}'")

        data = StreamError.from_dict(d.pop("data"))

        stream_error_event = cls(
            event=event,
            data=data,
        )

        return stream_error_event

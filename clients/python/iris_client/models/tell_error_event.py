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
    from ..models.tell_error import TellError


T = TypeVar("T", bound="TellErrorEvent")


@_attrs_define
class TellErrorEvent:
    """
    Attributes:
        event (Literal['tell:error']):
        data (TellError): tell:error - Iris could not run the tell to a result (process failed
            to start or crashed, spawn timeout, pool full). The record's status is
            failed.
    """

    event: Literal["tell:error"]
    data: TellError

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
        from ..models.tell_error import TellError

        d = dict(src_dict)
        event = cast(Literal["tell:error"], d.pop("event"))
        if event != "tell:error":
            raise ValueError(f"event must match const 'tell:error', got '{event}'")

        data = TellError.from_dict(d.pop("data"))

        tell_error_event = cls(
            event=event,
            data=data,
        )

        return tell_error_event

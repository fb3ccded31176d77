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
    from ..models.process_error import ProcessError


T = TypeVar("T", bound="ProcessErrorEvent")


@_attrs_define
class ProcessErrorEvent:
    """
    Attributes:
        event (Literal['process:error']):
        data (ProcessError): process:error - a process failed to start or misbehaved.
    """

    event: Literal["process:error"]
    data: ProcessError

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
        from ..models.process_error import ProcessError

        d = dict(src_dict)
        event = cast(Literal["process:error"], d.pop("event"))
        if event != "process:error":
            raise ValueError(f"event must match const 'process:error', got '{event}'")

        data = ProcessError.from_dict(d.pop("data"))

        process_error_event = cls(
            event=event,
            data=data,
        )

        return process_error_event

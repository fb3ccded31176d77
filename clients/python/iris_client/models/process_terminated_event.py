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
    from ..models.process_terminated import ProcessTerminated


T = TypeVar("T", bound="ProcessTerminatedEvent")


@_attrs_define
class ProcessTerminatedEvent:
    """
    Attributes:
        event (Literal['process:terminated']):
        data (ProcessTerminated): process:terminated - a process exited (slept, reaped, evicted, crashed, shut down).
    """

    event: Literal["process:terminated"]
    data: ProcessTerminated

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
        from ..models.process_terminated import ProcessTerminated

        d = dict(src_dict)
        event = cast(Literal["process:terminated"], d.pop("event"))
        if event != "process:terminated":
            raise ValueError(
                f"event must match const 'process:terminated', got '{event}'"
            )

        data = ProcessTerminated.from_dict(d.pop("data"))

        process_terminated_event = cls(
            event=event,
            data=data,
        )

        return process_terminated_event

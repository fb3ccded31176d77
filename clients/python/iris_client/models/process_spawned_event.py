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
    from ..models.process_spawned import ProcessSpawned


T = TypeVar("T", bound="ProcessSpawnedEvent")


@_attrs_define
class ProcessSpawnedEvent:
    """
    Attributes:
        event (Literal['process:spawned']):
        data (ProcessSpawned): process:spawned - a process is ready (handshake done).
    """

    event: Literal["process:spawned"]
    data: ProcessSpawned

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
        from ..models.process_spawned import ProcessSpawned

        d = dict(src_dict)
        event = cast(Literal["process:spawned"], d.pop("event"))
        if event != "process:spawned":
            raise ValueError(f"event must match const 'process:spawned', got '{event}'")

        data = ProcessSpawned.from_dict(d.pop("data"))

        process_spawned_event = cls(
            event=event,
            data=data,
        )

        return process_spawned_event

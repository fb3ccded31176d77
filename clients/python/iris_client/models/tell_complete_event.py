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
    from ..models.tell_complete import TellComplete


T = TypeVar("T", bound="TellCompleteEvent")


@_attrs_define
class TellCompleteEvent:
    """
    Attributes:
        event (Literal['tell:complete']):
        data (TellComplete): tell:complete - the tell reached a terminal status through Claude Code
            or the watchdog (completed, failed with Claude Code's error, cancelled,
            stalled). Failures of Iris itself to run the tell are tell:error.
    """

    event: Literal["tell:complete"]
    data: TellComplete

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
        from ..models.tell_complete import TellComplete

        d = dict(src_dict)
        event = cast(Literal["tell:complete"], d.pop("event"))
        if event != "tell:complete":
            raise ValueError(f"event must match const 'tell:complete', got '{event}'")

        data = TellComplete.from_dict(d.pop("data"))

        tell_complete_event = cls(
            event=event,
            data=data,
        )

        return tell_complete_event

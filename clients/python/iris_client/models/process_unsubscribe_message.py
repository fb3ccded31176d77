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
    from ..models.process_unsubscribe import ProcessUnsubscribe


T = TypeVar("T", bound="ProcessUnsubscribeMessage")


@_attrs_define
class ProcessUnsubscribeMessage:
    """
    Attributes:
        event (Literal['process:unsubscribe']):
        data (ProcessUnsubscribe):
    """

    event: Literal["process:unsubscribe"]
    data: ProcessUnsubscribe

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
        from ..models.process_unsubscribe import ProcessUnsubscribe

        d = dict(src_dict)
        event = cast(Literal["process:unsubscribe"], d.pop("event"))
        if event != "process:unsubscribe":
            raise ValueError(
                f"event must match const 'process:unsubscribe', got '{event}'"
            )

        data = ProcessUnsubscribe.from_dict(d.pop("data"))

        process_unsubscribe_message = cls(
            event=event,
            data=data,
        )

        return process_unsubscribe_message

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

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.logs_unsubscribe import LogsUnsubscribe


T = TypeVar("T", bound="LogsUnsubscribeMessage")


@_attrs_define
class LogsUnsubscribeMessage:
    """
    Attributes:
        event (Literal['logs:unsubscribe']):
        data (LogsUnsubscribe | Unset): The (empty) data of logs:unsubscribe.
    """

    event: Literal["logs:unsubscribe"]
    data: LogsUnsubscribe | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        event = self.event

        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "event": event,
            }
        )
        if data is not UNSET:
            field_dict["data"] = data

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.logs_unsubscribe import LogsUnsubscribe

        d = dict(src_dict)
        event = cast(Literal["logs:unsubscribe"], d.pop("event"))
        if event != "logs:unsubscribe":
            raise ValueError(
                f"event must match const 'logs:unsubscribe', got '{event}'"
            )

        _data = d.pop("data", UNSET)
        data: LogsUnsubscribe | Unset
        if isinstance(_data, Unset):
            data = UNSET
        else:
            data = LogsUnsubscribe.from_dict(_data)

        logs_unsubscribe_message = cls(
            event=event,
            data=data,
        )

        return logs_unsubscribe_message

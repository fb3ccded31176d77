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
    from ..models.log_record import LogRecord


T = TypeVar("T", bound="LogRecordEvent")


@_attrs_define
class LogRecordEvent:
    """log:record - one of this server's log records as it is written, in
    the form `GET /api/logs` lists it (redacted the same way), sent to
    subscribers of the logs (SSE `logs=<level>`, WebSocket
    `logs:subscribe`) holding `debug:read`, at or above their level. A key
    with a team scope gets only records about its teams (whose
    `context.team`, and `context.fromTeam` when present, are within it;
    records about no team are for keys without a scope). Log events carry
    no session seq and are not replayed: after a reconnect, read what was
    missed from `GET /api/logs` (`since`). Records written while log
    events are being delivered (a slow subscriber being dropped, say) are
    kept for `GET /api/logs` but not streamed, so delivery never feeds
    itself. A subscriber too slow to keep up gets `reset` and is
    disconnected, like any other.

        Attributes:
            event (Literal['log:record']):
            data (LogRecord):
    """

    event: Literal["log:record"]
    data: LogRecord

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
        from ..models.log_record import LogRecord

        d = dict(src_dict)
        event = cast(Literal["log:record"], d.pop("event"))
        if event != "log:record":
            raise ValueError(f"event must match const 'log:record', got '{event}'")

        data = LogRecord.from_dict(d.pop("data"))

        log_record_event = cls(
            event=event,
            data=data,
        )

        return log_record_event

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.log_level import LogLevel
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.log_record_context import LogRecordContext


T = TypeVar("T", bound="LogRecord")


@_attrs_define
class LogRecord:
    """
    Attributes:
        timestamp (datetime.datetime):
        level (LogLevel): Log level, lowest to highest.
        logger (str):
        message (str):
        context (LogRecordContext | Unset):
    """

    timestamp: datetime.datetime
    level: LogLevel
    logger: str
    message: str
    context: LogRecordContext | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        timestamp = self.timestamp.isoformat()

        level = self.level.value

        logger = self.logger

        message = self.message

        context: dict[str, Any] | Unset = UNSET
        if not isinstance(self.context, Unset):
            context = self.context.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "timestamp": timestamp,
                "level": level,
                "logger": logger,
                "message": message,
            }
        )
        if context is not UNSET:
            field_dict["context"] = context

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.log_record_context import LogRecordContext

        d = dict(src_dict)
        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        level = LogLevel(d.pop("level"))

        logger = d.pop("logger")

        message = d.pop("message")

        _context = d.pop("context", UNSET)
        context: LogRecordContext | Unset
        if isinstance(_context, Unset):
            context = UNSET
        else:
            context = LogRecordContext.from_dict(_context)

        log_record = cls(
            timestamp=timestamp,
            level=level,
            logger=logger,
            message=message,
            context=context,
        )

        return log_record

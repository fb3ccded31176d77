from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.log_level import LogLevel

T = TypeVar("T", bound="LogsSubscribe")


@_attrs_define
class LogsSubscribe:
    """
    Attributes:
        level (LogLevel): Log level, lowest to highest.
    """

    level: LogLevel

    def to_dict(self) -> dict[str, Any]:
        level = self.level.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "level": level,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        level = LogLevel(d.pop("level"))

        logs_subscribe = cls(
            level=level,
        )

        return logs_subscribe

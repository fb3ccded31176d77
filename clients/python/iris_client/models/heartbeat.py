from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Heartbeat")


@_attrs_define
class Heartbeat:
    """heartbeat - SSE keep-alive every 15 s.

    Attributes:
        timestamp (datetime.datetime):
    """

    timestamp: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        timestamp = self.timestamp.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "timestamp": timestamp,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        heartbeat = cls(
            timestamp=timestamp,
        )

        return heartbeat

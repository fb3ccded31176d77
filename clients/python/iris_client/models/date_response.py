from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import (
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define

from ..models.day_of_week import DayOfWeek

T = TypeVar("T", bound="DateResponse")


@_attrs_define
class DateResponse:
    """
    Attributes:
        iso (datetime.datetime): ISO 8601 / RFC 3339, UTC (suffix Z).
        unix_ms (int): Unix time in milliseconds.
        unix (int): Unix time in seconds.
        rfc2822 (str):
        date (datetime.date):
        time (str): HH:MM:SS (UTC).
        weekday (DayOfWeek):
        timezone (Literal['UTC']):
    """

    iso: datetime.datetime
    unix_ms: int
    unix: int
    rfc2822: str
    date: datetime.date
    time: str
    weekday: DayOfWeek
    timezone: Literal["UTC"]

    def to_dict(self) -> dict[str, Any]:
        iso = self.iso.isoformat()

        unix_ms = self.unix_ms

        unix = self.unix

        rfc2822 = self.rfc2822

        date = self.date.isoformat()

        time = self.time

        weekday = self.weekday.value

        timezone = self.timezone

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "iso": iso,
                "unixMs": unix_ms,
                "unix": unix,
                "rfc2822": rfc2822,
                "date": date,
                "time": time,
                "weekday": weekday,
                "timezone": timezone,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        iso = datetime.datetime.fromisoformat(d.pop("iso"))

        unix_ms = d.pop("unixMs")

        unix = d.pop("unix")

        rfc2822 = d.pop("rfc2822")

        date = datetime.date.fromisoformat(d.pop("date"))

        time = d.pop("time")

        weekday = DayOfWeek(d.pop("weekday"))

        timezone = cast(Literal["UTC"], d.pop("timezone"))
        if timezone != "UTC":
            raise ValueError(f"timezone must match const 'UTC', got '{timezone}'")

        date_response = cls(
            iso=iso,
            unix_ms=unix_ms,
            unix=unix,
            rfc2822=rfc2822,
            date=date,
            time=time,
            weekday=weekday,
            timezone=timezone,
        )

        return date_response

from __future__ import annotations

from collections.abc import Mapping
from typing import (
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define

T = TypeVar("T", bound="Health")


@_attrs_define
class Health:
    """
    Attributes:
        status (Literal['ok']):
        version (str):
        uptime (int): Milliseconds since the server started.
    """

    status: Literal["ok"]
    version: str
    uptime: int

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        version = self.version

        uptime = self.uptime

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "status": status,
                "version": version,
                "uptime": uptime,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        status = cast(Literal["ok"], d.pop("status"))
        if status != "ok":
            raise ValueError(f"status must match const 'ok', got '{status}'")

        version = d.pop("version")

        uptime = d.pop("uptime")

        health = cls(
            status=status,
            version=version,
            uptime=uptime,
        )

        return health

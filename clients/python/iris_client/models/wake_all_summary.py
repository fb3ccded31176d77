from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="WakeAllSummary")


@_attrs_define
class WakeAllSummary:
    """
    Attributes:
        total (int):
        awake (int):
        already_awake (int):
        failed (int):
    """

    total: int
    awake: int
    already_awake: int
    failed: int

    def to_dict(self) -> dict[str, Any]:
        total = self.total

        awake = self.awake

        already_awake = self.already_awake

        failed = self.failed

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "total": total,
                "awake": awake,
                "alreadyAwake": already_awake,
                "failed": failed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        total = d.pop("total")

        awake = d.pop("awake")

        already_awake = d.pop("alreadyAwake")

        failed = d.pop("failed")

        wake_all_summary = cls(
            total=total,
            awake=awake,
            already_awake=already_awake,
            failed=failed,
        )

        return wake_all_summary

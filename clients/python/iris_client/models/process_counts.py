from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ProcessCounts")


@_attrs_define
class ProcessCounts:
    """Live processes by state.

    Attributes:
        spawning (int):
        idle (int):
        processing (int):
        terminating (int):
    """

    spawning: int
    idle: int
    processing: int
    terminating: int

    def to_dict(self) -> dict[str, Any]:
        spawning = self.spawning

        idle = self.idle

        processing = self.processing

        terminating = self.terminating

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "spawning": spawning,
                "idle": idle,
                "processing": processing,
                "terminating": terminating,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        spawning = d.pop("spawning")

        idle = d.pop("idle")

        processing = d.pop("processing")

        terminating = d.pop("terminating")

        process_counts = cls(
            spawning=spawning,
            idle=idle,
            processing=processing,
            terminating=terminating,
        )

        return process_counts

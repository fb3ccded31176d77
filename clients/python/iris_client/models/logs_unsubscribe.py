from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="LogsUnsubscribe")


@_attrs_define
class LogsUnsubscribe:
    """The (empty) data of logs:unsubscribe."""

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        logs_unsubscribe = cls()

        return logs_unsubscribe

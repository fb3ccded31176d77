from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="CacheUnsubscribe")


@_attrs_define
class CacheUnsubscribe:
    """
    Attributes:
        session_id (UUID): A session id (UUID v4 chosen by Iris).
    """

    session_id: UUID

    def to_dict(self) -> dict[str, Any]:
        session_id = str(self.session_id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "sessionId": session_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        session_id = UUID(d.pop("sessionId"))

        cache_unsubscribe = cls(
            session_id=session_id,
        )

        return cache_unsubscribe

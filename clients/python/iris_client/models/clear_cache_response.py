from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="ClearCacheResponse")


@_attrs_define
class ClearCacheResponse:
    """
    Attributes:
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        cleared (int): Tell records deleted.
    """

    session_id: UUID
    cleared: int

    def to_dict(self) -> dict[str, Any]:
        session_id = str(self.session_id)

        cleared = self.cleared

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "sessionId": session_id,
                "cleared": cleared,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        session_id = UUID(d.pop("sessionId"))

        cleared = d.pop("cleared")

        clear_cache_response = cls(
            session_id=session_id,
            cleared=cleared,
        )

        return clear_cache_response

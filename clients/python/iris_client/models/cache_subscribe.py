from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CacheSubscribe")


@_attrs_define
class CacheSubscribe:
    """
    Attributes:
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        after_seq (int | Unset): Replay retained events after this sequence number (else reset).
    """

    session_id: UUID
    after_seq: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        session_id = str(self.session_id)

        after_seq = self.after_seq

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "sessionId": session_id,
            }
        )
        if after_seq is not UNSET:
            field_dict["afterSeq"] = after_seq

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        session_id = UUID(d.pop("sessionId"))

        after_seq = d.pop("afterSeq", UNSET)

        cache_subscribe = cls(
            session_id=session_id,
            after_seq=after_seq,
        )

        return cache_subscribe

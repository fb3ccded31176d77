from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Reset")


@_attrs_define
class Reset:
    """reset - events were lost for this subscriber (its queue overflowed, or
    Last-Event-ID / afterSeq is no longer retained): re-read the cache.
    After an overflow the subscriber is disconnected.

        Attributes:
            session_id (UUID | Unset): A session id (UUID v4 chosen by Iris).
            reason (str | Unset): Why, e.g. slow_subscriber (queue overflow) or gap (events no longer retained).
    """

    session_id: UUID | Unset = UNSET
    reason: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        session_id: str | Unset = UNSET
        if not isinstance(self.session_id, Unset):
            session_id = str(self.session_id)

        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if session_id is not UNSET:
            field_dict["sessionId"] = session_id
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        _session_id = d.pop("sessionId", UNSET)
        session_id: UUID | Unset
        if isinstance(_session_id, Unset):
            session_id = UNSET
        else:
            session_id = UUID(_session_id)

        reason = d.pop("reason", UNSET)

        reset = cls(
            session_id=session_id,
            reason=reason,
        )

        return reset

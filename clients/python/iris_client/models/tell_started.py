from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="TellStarted")


@_attrs_define
class TellStarted:
    """tell:started - a tell was handed to Claude Code (session channel).

    Attributes:
        request_id (UUID): A tell's request id.
        seq (int):
        session_id (UUID | Unset): A session id (UUID v4 chosen by Iris).
        parent_request_id (UUID | Unset): A tell's request id.
    """

    request_id: UUID
    seq: int
    session_id: UUID | Unset = UNSET
    parent_request_id: UUID | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        request_id = str(self.request_id)

        seq = self.seq

        session_id: str | Unset = UNSET
        if not isinstance(self.session_id, Unset):
            session_id = str(self.session_id)

        parent_request_id: str | Unset = UNSET
        if not isinstance(self.parent_request_id, Unset):
            parent_request_id = str(self.parent_request_id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "requestId": request_id,
                "seq": seq,
            }
        )
        if session_id is not UNSET:
            field_dict["sessionId"] = session_id
        if parent_request_id is not UNSET:
            field_dict["parentRequestId"] = parent_request_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        request_id = UUID(d.pop("requestId"))

        seq = d.pop("seq")

        _session_id = d.pop("sessionId", UNSET)
        session_id: UUID | Unset
        if isinstance(_session_id, Unset):
            session_id = UNSET
        else:
            session_id = UUID(_session_id)

        _parent_request_id = d.pop("parentRequestId", UNSET)
        parent_request_id: UUID | Unset
        if isinstance(_parent_request_id, Unset):
            parent_request_id = UNSET
        else:
            parent_request_id = UUID(_parent_request_id)

        tell_started = cls(
            request_id=request_id,
            seq=seq,
            session_id=session_id,
            parent_request_id=parent_request_id,
        )

        return tell_started

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..models.tell_status import TellStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="TellAccepted")


@_attrs_define
class TellAccepted:
    """tell:accepted - the tell was queued; its id and session.

    Attributes:
        request_id (UUID): A tell's request id.
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        seq (int | Unset): The seq of the tell's `tell:queued` event on the session channel (its events follow it), so
            the
            same number can appear on both when a client also follows the session.
        status (TellStatus | Unset): queued → running → one of completed, failed, cancelled, stalled.
    """

    request_id: UUID
    session_id: UUID
    seq: int | Unset = UNSET
    status: TellStatus | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        request_id = str(self.request_id)

        session_id = str(self.session_id)

        seq = self.seq

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "requestId": request_id,
                "sessionId": session_id,
            }
        )
        if seq is not UNSET:
            field_dict["seq"] = seq
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        request_id = UUID(d.pop("requestId"))

        session_id = UUID(d.pop("sessionId"))

        seq = d.pop("seq", UNSET)

        _status = d.pop("status", UNSET)
        status: TellStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = TellStatus(_status)

        tell_accepted = cls(
            request_id=request_id,
            session_id=session_id,
            seq=seq,
            status=status,
        )

        return tell_accepted

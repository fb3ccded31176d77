from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..models.tell_status import TellStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.usage import Usage


T = TypeVar("T", bound="TellComplete")


@_attrs_define
class TellComplete:
    """tell:complete - the tell reached a terminal status through Claude Code
    or the watchdog (completed, failed with Claude Code's error, cancelled,
    stalled). Failures of Iris itself to run the tell are tell:error.

        Attributes:
            request_id (UUID): A tell's request id.
            session_id (UUID): A session id (UUID v4 chosen by Iris).
            seq (int):
            response (str):
            status (TellStatus): queued → running → one of completed, failed, cancelled, stalled.
            duration (int | Unset):
            reason (str | Unset):
            is_error (bool | Unset):
            cost_usd (float | Unset):
            usage (Usage | Unset): Token usage of a tell (or totals).
            parent_request_id (UUID | Unset): A tell's request id.
    """

    request_id: UUID
    session_id: UUID
    seq: int
    response: str
    status: TellStatus
    duration: int | Unset = UNSET
    reason: str | Unset = UNSET
    is_error: bool | Unset = UNSET
    cost_usd: float | Unset = UNSET
    usage: Usage | Unset = UNSET
    parent_request_id: UUID | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        request_id = str(self.request_id)

        session_id = str(self.session_id)

        seq = self.seq

        response = self.response

        status = self.status.value

        duration = self.duration

        reason = self.reason

        is_error = self.is_error

        cost_usd = self.cost_usd

        usage: dict[str, Any] | Unset = UNSET
        if not isinstance(self.usage, Unset):
            usage = self.usage.to_dict()

        parent_request_id: str | Unset = UNSET
        if not isinstance(self.parent_request_id, Unset):
            parent_request_id = str(self.parent_request_id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "requestId": request_id,
                "sessionId": session_id,
                "seq": seq,
                "response": response,
                "status": status,
            }
        )
        if duration is not UNSET:
            field_dict["duration"] = duration
        if reason is not UNSET:
            field_dict["reason"] = reason
        if is_error is not UNSET:
            field_dict["isError"] = is_error
        if cost_usd is not UNSET:
            field_dict["costUsd"] = cost_usd
        if usage is not UNSET:
            field_dict["usage"] = usage
        if parent_request_id is not UNSET:
            field_dict["parentRequestId"] = parent_request_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.usage import Usage

        d = dict(src_dict)
        request_id = UUID(d.pop("requestId"))

        session_id = UUID(d.pop("sessionId"))

        seq = d.pop("seq")

        response = d.pop("response")

        status = TellStatus(d.pop("status"))

        duration = d.pop("duration", UNSET)

        reason = d.pop("reason", UNSET)

        is_error = d.pop("isError", UNSET)

        cost_usd = d.pop("costUsd", UNSET)

        _usage = d.pop("usage", UNSET)
        usage: Usage | Unset
        if isinstance(_usage, Unset):
            usage = UNSET
        else:
            usage = Usage.from_dict(_usage)

        _parent_request_id = d.pop("parentRequestId", UNSET)
        parent_request_id: UUID | Unset
        if isinstance(_parent_request_id, Unset):
            parent_request_id = UNSET
        else:
            parent_request_id = UUID(_parent_request_id)

        tell_complete = cls(
            request_id=request_id,
            session_id=session_id,
            seq=seq,
            response=response,
            status=status,
            duration=duration,
            reason=reason,
            is_error=is_error,
            cost_usd=cost_usd,
            usage=usage,
            parent_request_id=parent_request_id,
        )

        return tell_complete

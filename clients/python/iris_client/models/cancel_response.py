from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.tell_status import TellStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="CancelResponse")


@_attrs_define
class CancelResponse:
    """
    Attributes:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        cancelled (bool): True only if a running tell ended cancelled because of this request.
        dropped_queued (int): Queued tells cancelled (dropQueued).
        request_id (UUID | Unset): A tell's request id.
        status (None | TellStatus | Unset): The status the running tell ended with (null when nothing was running).
        message (str | Unset): A human-readable account of what happened.
    """

    team: str
    from_team: str
    session_id: UUID
    cancelled: bool
    dropped_queued: int
    request_id: UUID | Unset = UNSET
    status: None | TellStatus | Unset = UNSET
    message: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        team = self.team

        from_team = self.from_team

        session_id = str(self.session_id)

        cancelled = self.cancelled

        dropped_queued = self.dropped_queued

        request_id: str | Unset = UNSET
        if not isinstance(self.request_id, Unset):
            request_id = str(self.request_id)

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, TellStatus):
            status = self.status.value
        else:
            status = self.status

        message = self.message

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "team": team,
                "fromTeam": from_team,
                "sessionId": session_id,
                "cancelled": cancelled,
                "droppedQueued": dropped_queued,
            }
        )
        if request_id is not UNSET:
            field_dict["requestId"] = request_id
        if status is not UNSET:
            field_dict["status"] = status
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        team = d.pop("team")

        from_team = d.pop("fromTeam")

        session_id = UUID(d.pop("sessionId"))

        cancelled = d.pop("cancelled")

        dropped_queued = d.pop("droppedQueued")

        _request_id = d.pop("requestId", UNSET)
        request_id: UUID | Unset
        if isinstance(_request_id, Unset):
            request_id = UNSET
        else:
            request_id = UUID(_request_id)

        def _parse_status(data: object) -> None | TellStatus | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = TellStatus(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TellStatus | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        message = d.pop("message", UNSET)

        cancel_response = cls(
            team=team,
            from_team=from_team,
            session_id=session_id,
            cancelled=cancelled,
            dropped_queued=dropped_queued,
            request_id=request_id,
            status=status,
            message=message,
        )

        return cancel_response

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.wake_all_status import WakeAllStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.wake_all_failure import WakeAllFailure


T = TypeVar("T", bound="WakeAllResult")


@_attrs_define
class WakeAllResult:
    """
    Attributes:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        status (WakeAllStatus):
        session_id (None | UUID):
        pid (int | None):
        duration (int | Unset):
        error (WakeAllFailure | Unset):
    """

    team: str
    status: WakeAllStatus
    session_id: None | UUID
    pid: int | None
    duration: int | Unset = UNSET
    error: WakeAllFailure | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        team = self.team

        status = self.status.value

        session_id: None | str
        if isinstance(self.session_id, UUID):
            session_id = str(self.session_id)
        else:
            session_id = self.session_id

        pid: int | None
        pid = self.pid

        duration = self.duration

        error: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error, Unset):
            error = self.error.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "team": team,
                "status": status,
                "sessionId": session_id,
                "pid": pid,
            }
        )
        if duration is not UNSET:
            field_dict["duration"] = duration
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.wake_all_failure import WakeAllFailure

        d = dict(src_dict)
        team = d.pop("team")

        status = WakeAllStatus(d.pop("status"))

        def _parse_session_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                session_id_type_0 = UUID(data)

                return session_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        session_id = _parse_session_id(d.pop("sessionId"))

        def _parse_pid(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        pid = _parse_pid(d.pop("pid"))

        duration = d.pop("duration", UNSET)

        _error = d.pop("error", UNSET)
        error: WakeAllFailure | Unset
        if isinstance(_error, Unset):
            error = UNSET
        else:
            error = WakeAllFailure.from_dict(_error)

        wake_all_result = cls(
            team=team,
            status=status,
            session_id=session_id,
            pid=pid,
            duration=duration,
            error=error,
        )

        return wake_all_result

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.sleep_status import SleepStatus

T = TypeVar("T", bound="SleepResponse")


@_attrs_define
class SleepResponse:
    """
    Attributes:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        session_id (None | UUID): The pair's session (null if it has none).
        status (SleepStatus):
        pid (int | None): The pid that was stopped (null when already asleep).
        cancelled_request_id (None | UUID): The running tell cancelled by force (null if none).
    """

    team: str
    from_team: str
    session_id: None | UUID
    status: SleepStatus
    pid: int | None
    cancelled_request_id: None | UUID

    def to_dict(self) -> dict[str, Any]:
        team = self.team

        from_team = self.from_team

        session_id: None | str
        if isinstance(self.session_id, UUID):
            session_id = str(self.session_id)
        else:
            session_id = self.session_id

        status = self.status.value

        pid: int | None
        pid = self.pid

        cancelled_request_id: None | str
        if isinstance(self.cancelled_request_id, UUID):
            cancelled_request_id = str(self.cancelled_request_id)
        else:
            cancelled_request_id = self.cancelled_request_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "team": team,
                "fromTeam": from_team,
                "sessionId": session_id,
                "status": status,
                "pid": pid,
                "cancelledRequestId": cancelled_request_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        team = d.pop("team")

        from_team = d.pop("fromTeam")

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

        status = SleepStatus(d.pop("status"))

        def _parse_pid(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        pid = _parse_pid(d.pop("pid"))

        def _parse_cancelled_request_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cancelled_request_id_type_0 = UUID(data)

                return cancelled_request_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        cancelled_request_id = _parse_cancelled_request_id(d.pop("cancelledRequestId"))

        sleep_response = cls(
            team=team,
            from_team=from_team,
            session_id=session_id,
            status=status,
            pid=pid,
            cancelled_request_id=cancelled_request_id,
        )

        return sleep_response

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..models.process_state import ProcessState
from ..models.wake_status import WakeStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="WakeResponse")


@_attrs_define
class WakeResponse:
    """
    Attributes:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        pid (int):
        status (WakeStatus): awake - started by this request; already_awake - it was running.
        state (ProcessState): A process's real state (stopped - no live process).
        duration (int | Unset): Milliseconds until ready (0 when already awake).
    """

    team: str
    from_team: str
    session_id: UUID
    pid: int
    status: WakeStatus
    state: ProcessState
    duration: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        team = self.team

        from_team = self.from_team

        session_id = str(self.session_id)

        pid = self.pid

        status = self.status.value

        state = self.state.value

        duration = self.duration

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "team": team,
                "fromTeam": from_team,
                "sessionId": session_id,
                "pid": pid,
                "status": status,
                "state": state,
            }
        )
        if duration is not UNSET:
            field_dict["duration"] = duration

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        team = d.pop("team")

        from_team = d.pop("fromTeam")

        session_id = UUID(d.pop("sessionId"))

        pid = d.pop("pid")

        status = WakeStatus(d.pop("status"))

        state = ProcessState(d.pop("state"))

        duration = d.pop("duration", UNSET)

        wake_response = cls(
            team=team,
            from_team=from_team,
            session_id=session_id,
            pid=pid,
            status=status,
            state=state,
            duration=duration,
        )

        return wake_response

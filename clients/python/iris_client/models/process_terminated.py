from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ProcessTerminated")


@_attrs_define
class ProcessTerminated:
    """process:terminated - a process exited (slept, reaped, evicted, crashed, shut down).

    Attributes:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        reason (str): e.g. sleep, idle, evicted, stalled, exited, shutdown, reboot, deleted.
        exit_code (int | None | Unset):
        pid (int | Unset):
    """

    team: str
    from_team: str
    session_id: UUID
    reason: str
    exit_code: int | None | Unset = UNSET
    pid: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        team = self.team

        from_team = self.from_team

        session_id = str(self.session_id)

        reason = self.reason

        exit_code: int | None | Unset
        if isinstance(self.exit_code, Unset):
            exit_code = UNSET
        else:
            exit_code = self.exit_code

        pid = self.pid

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "team": team,
                "fromTeam": from_team,
                "sessionId": session_id,
                "reason": reason,
            }
        )
        if exit_code is not UNSET:
            field_dict["exitCode"] = exit_code
        if pid is not UNSET:
            field_dict["pid"] = pid

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        team = d.pop("team")

        from_team = d.pop("fromTeam")

        session_id = UUID(d.pop("sessionId"))

        reason = d.pop("reason")

        def _parse_exit_code(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        exit_code = _parse_exit_code(d.pop("exitCode", UNSET))

        pid = d.pop("pid", UNSET)

        process_terminated = cls(
            team=team,
            from_team=from_team,
            session_id=session_id,
            reason=reason,
            exit_code=exit_code,
            pid=pid,
        )

        return process_terminated

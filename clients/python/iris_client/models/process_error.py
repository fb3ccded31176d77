from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ProcessError")


@_attrs_define
class ProcessError:
    """process:error - a process failed to start or misbehaved.

    Attributes:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        error (str):
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        session_id (UUID | Unset): A session id (UUID v4 chosen by Iris).
    """

    team: str
    error: str
    from_team: str | Unset = UNSET
    session_id: UUID | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        team = self.team

        error = self.error

        from_team = self.from_team

        session_id: str | Unset = UNSET
        if not isinstance(self.session_id, Unset):
            session_id = str(self.session_id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "team": team,
                "error": error,
            }
        )
        if from_team is not UNSET:
            field_dict["fromTeam"] = from_team
        if session_id is not UNSET:
            field_dict["sessionId"] = session_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        team = d.pop("team")

        error = d.pop("error")

        from_team = d.pop("fromTeam", UNSET)

        _session_id = d.pop("sessionId", UNSET)
        session_id: UUID | Unset
        if isinstance(_session_id, Unset):
            session_id = UNSET
        else:
            session_id = UUID(_session_id)

        process_error = cls(
            team=team,
            error=error,
            from_team=from_team,
            session_id=session_id,
        )

        return process_error

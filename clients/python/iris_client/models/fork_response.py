from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="ForkResponse")


@_attrs_define
class ForkResponse:
    """
    Attributes:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        forked_from (UUID): A session id (UUID v4 chosen by Iris).
        command (str): A shell command a person can run to continue the fork interactively.
    """

    team: str
    from_team: str
    session_id: UUID
    forked_from: UUID
    command: str

    def to_dict(self) -> dict[str, Any]:
        team = self.team

        from_team = self.from_team

        session_id = str(self.session_id)

        forked_from = str(self.forked_from)

        command = self.command

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "team": team,
                "fromTeam": from_team,
                "sessionId": session_id,
                "forkedFrom": forked_from,
                "command": command,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        team = d.pop("team")

        from_team = d.pop("fromTeam")

        session_id = UUID(d.pop("sessionId"))

        forked_from = UUID(d.pop("forkedFrom"))

        command = d.pop("command")

        fork_response = cls(
            team=team,
            from_team=from_team,
            session_id=session_id,
            forked_from=forked_from,
            command=command,
        )

        return fork_response

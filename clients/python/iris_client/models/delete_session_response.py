from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="DeleteSessionResponse")


@_attrs_define
class DeleteSessionResponse:
    """
    Attributes:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        deleted (bool):
        transcript_deleted (bool): Whether a Claude Code transcript file was found and deleted.
        tells_deleted (int): Tell records deleted with the session.
    """

    team: str
    from_team: str
    session_id: UUID
    deleted: bool
    transcript_deleted: bool
    tells_deleted: int

    def to_dict(self) -> dict[str, Any]:
        team = self.team

        from_team = self.from_team

        session_id = str(self.session_id)

        deleted = self.deleted

        transcript_deleted = self.transcript_deleted

        tells_deleted = self.tells_deleted

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "team": team,
                "fromTeam": from_team,
                "sessionId": session_id,
                "deleted": deleted,
                "transcriptDeleted": transcript_deleted,
                "tellsDeleted": tells_deleted,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        team = d.pop("team")

        from_team = d.pop("fromTeam")

        session_id = UUID(d.pop("sessionId"))

        deleted = d.pop("deleted")

        transcript_deleted = d.pop("transcriptDeleted")

        tells_deleted = d.pop("tellsDeleted")

        delete_session_response = cls(
            team=team,
            from_team=from_team,
            session_id=session_id,
            deleted=deleted,
            transcript_deleted=transcript_deleted,
            tells_deleted=tells_deleted,
        )

        return delete_session_response

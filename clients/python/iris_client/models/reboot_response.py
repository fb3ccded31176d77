from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="RebootResponse")


@_attrs_define
class RebootResponse:
    """
    Attributes:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        old_session_id (None | UUID): The deleted session (null if the pair had none).
        new_session_id (UUID): A session id (UUID v4 chosen by Iris).
    """

    team: str
    from_team: str
    old_session_id: None | UUID
    new_session_id: UUID

    def to_dict(self) -> dict[str, Any]:
        team = self.team

        from_team = self.from_team

        old_session_id: None | str
        if isinstance(self.old_session_id, UUID):
            old_session_id = str(self.old_session_id)
        else:
            old_session_id = self.old_session_id

        new_session_id = str(self.new_session_id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "team": team,
                "fromTeam": from_team,
                "oldSessionId": old_session_id,
                "newSessionId": new_session_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        team = d.pop("team")

        from_team = d.pop("fromTeam")

        def _parse_old_session_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                old_session_id_type_0 = UUID(data)

                return old_session_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        old_session_id = _parse_old_session_id(d.pop("oldSessionId"))

        new_session_id = UUID(d.pop("newSessionId"))

        reboot_response = cls(
            team=team,
            from_team=from_team,
            old_session_id=old_session_id,
            new_session_id=new_session_id,
        )

        return reboot_response

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.permission_request_tool_input import PermissionRequestToolInput


T = TypeVar("T", bound="PermissionRequest")


@_attrs_define
class PermissionRequest:
    """A pending tool-use request (also the data of the permission:request event).

    Attributes:
        permission_id (UUID): A pending permission request's id.
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        request_id (None | UUID): The tell during which Claude Code asked (null if unknown).
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        tool_name (str):
        tool_input (PermissionRequestToolInput):
        created_at (datetime.datetime):
        expires_at (datetime.datetime): Denied automatically at this time if undecided (settings.permissionTimeout).
    """

    permission_id: UUID
    session_id: UUID
    request_id: None | UUID
    team: str
    from_team: str
    tool_name: str
    tool_input: PermissionRequestToolInput
    created_at: datetime.datetime
    expires_at: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        permission_id = str(self.permission_id)

        session_id = str(self.session_id)

        request_id: None | str
        if isinstance(self.request_id, UUID):
            request_id = str(self.request_id)
        else:
            request_id = self.request_id

        team = self.team

        from_team = self.from_team

        tool_name = self.tool_name

        tool_input = self.tool_input.to_dict()

        created_at = self.created_at.isoformat()

        expires_at = self.expires_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "permissionId": permission_id,
                "sessionId": session_id,
                "requestId": request_id,
                "team": team,
                "fromTeam": from_team,
                "toolName": tool_name,
                "toolInput": tool_input,
                "createdAt": created_at,
                "expiresAt": expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.permission_request_tool_input import PermissionRequestToolInput

        d = dict(src_dict)
        permission_id = UUID(d.pop("permissionId"))

        session_id = UUID(d.pop("sessionId"))

        def _parse_request_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                request_id_type_0 = UUID(data)

                return request_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        request_id = _parse_request_id(d.pop("requestId"))

        team = d.pop("team")

        from_team = d.pop("fromTeam")

        tool_name = d.pop("toolName")

        tool_input = PermissionRequestToolInput.from_dict(d.pop("toolInput"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        expires_at = datetime.datetime.fromisoformat(d.pop("expiresAt"))

        permission_request = cls(
            permission_id=permission_id,
            session_id=session_id,
            request_id=request_id,
            team=team,
            from_team=from_team,
            tool_name=tool_name,
            tool_input=tool_input,
            created_at=created_at,
            expires_at=expires_at,
        )

        return permission_request

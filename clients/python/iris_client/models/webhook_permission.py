from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.webhook_permission_input import WebhookPermissionInput


T = TypeVar("T", bound="WebhookPermission")


@_attrs_define
class WebhookPermission:
    """
    Attributes:
        permission_id (UUID): A pending permission request's id.
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        request_id (None | UUID):
        from_ (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        to (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        tool (str):
        input_ (WebhookPermissionInput):
        created_at (datetime.datetime):
        expires_at (datetime.datetime | None):
    """

    permission_id: UUID
    session_id: UUID
    request_id: None | UUID
    from_: str
    to: str
    tool: str
    input_: WebhookPermissionInput
    created_at: datetime.datetime
    expires_at: datetime.datetime | None

    def to_dict(self) -> dict[str, Any]:
        permission_id = str(self.permission_id)

        session_id = str(self.session_id)

        request_id: None | str
        if isinstance(self.request_id, UUID):
            request_id = str(self.request_id)
        else:
            request_id = self.request_id

        from_ = self.from_

        to = self.to

        tool = self.tool

        input_ = self.input_.to_dict()

        created_at = self.created_at.isoformat()

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "permissionId": permission_id,
                "sessionId": session_id,
                "requestId": request_id,
                "from": from_,
                "to": to,
                "tool": tool,
                "input": input_,
                "createdAt": created_at,
                "expiresAt": expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.webhook_permission_input import WebhookPermissionInput

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

        from_ = d.pop("from")

        to = d.pop("to")

        tool = d.pop("tool")

        input_ = WebhookPermissionInput.from_dict(d.pop("input"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expiresAt"))

        webhook_permission = cls(
            permission_id=permission_id,
            session_id=session_id,
            request_id=request_id,
            from_=from_,
            to=to,
            tool=tool,
            input_=input_,
            created_at=created_at,
            expires_at=expires_at,
        )

        return webhook_permission

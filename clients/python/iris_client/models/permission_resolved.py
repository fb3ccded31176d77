from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.permission_decision import PermissionDecision
from ..models.permission_resolved_by import PermissionResolvedBy
from ..types import UNSET, Unset

T = TypeVar("T", bound="PermissionResolved")


@_attrs_define
class PermissionResolved:
    """permission:resolved - a pending permission was decided or timed out.

    Attributes:
        permission_id (UUID): A pending permission request's id.
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        decision (PermissionDecision):
        resolved_by (PermissionResolvedBy): What resolved a pending permission - a decision through the API, the
            permission timeout, or shutdown.
        tool_name (str | Unset): The tool Claude Code asked to use.
        reason (str | Unset):
        key_id (None | str | Unset):
    """

    permission_id: UUID
    session_id: UUID
    team: str
    from_team: str
    decision: PermissionDecision
    resolved_by: PermissionResolvedBy
    tool_name: str | Unset = UNSET
    reason: str | Unset = UNSET
    key_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        permission_id = str(self.permission_id)

        session_id = str(self.session_id)

        team = self.team

        from_team = self.from_team

        decision = self.decision.value

        resolved_by = self.resolved_by.value

        tool_name = self.tool_name

        reason = self.reason

        key_id: None | str | Unset
        if isinstance(self.key_id, Unset):
            key_id = UNSET
        else:
            key_id = self.key_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "permissionId": permission_id,
                "sessionId": session_id,
                "team": team,
                "fromTeam": from_team,
                "decision": decision,
                "resolvedBy": resolved_by,
            }
        )
        if tool_name is not UNSET:
            field_dict["toolName"] = tool_name
        if reason is not UNSET:
            field_dict["reason"] = reason
        if key_id is not UNSET:
            field_dict["keyId"] = key_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        permission_id = UUID(d.pop("permissionId"))

        session_id = UUID(d.pop("sessionId"))

        team = d.pop("team")

        from_team = d.pop("fromTeam")

        decision = PermissionDecision(d.pop("decision"))

        resolved_by = PermissionResolvedBy(d.pop("resolvedBy"))

        tool_name = d.pop("toolName", UNSET)

        reason = d.pop("reason", UNSET)

        def _parse_key_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        key_id = _parse_key_id(d.pop("keyId", UNSET))

        permission_resolved = cls(
            permission_id=permission_id,
            session_id=session_id,
            team=team,
            from_team=from_team,
            decision=decision,
            resolved_by=resolved_by,
            tool_name=tool_name,
            reason=reason,
            key_id=key_id,
        )

        return permission_resolved

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.permission_decision import PermissionDecision
from ..types import UNSET, Unset

T = TypeVar("T", bound="PermissionDecisionResponse")


@_attrs_define
class PermissionDecisionResponse:
    """
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
        decided_at (datetime.datetime):
        decided_by (None | str): The public id of the deciding key (null when authentication is off).
        reason (str | Unset):
    """

    permission_id: UUID
    session_id: UUID
    team: str
    from_team: str
    decision: PermissionDecision
    decided_at: datetime.datetime
    decided_by: None | str
    reason: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        permission_id = str(self.permission_id)

        session_id = str(self.session_id)

        team = self.team

        from_team = self.from_team

        decision = self.decision.value

        decided_at = self.decided_at.isoformat()

        decided_by: None | str
        decided_by = self.decided_by

        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "permissionId": permission_id,
                "sessionId": session_id,
                "team": team,
                "fromTeam": from_team,
                "decision": decision,
                "decidedAt": decided_at,
                "decidedBy": decided_by,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        permission_id = UUID(d.pop("permissionId"))

        session_id = UUID(d.pop("sessionId"))

        team = d.pop("team")

        from_team = d.pop("fromTeam")

        decision = PermissionDecision(d.pop("decision"))

        decided_at = datetime.datetime.fromisoformat(d.pop("decidedAt"))

        def _parse_decided_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        decided_by = _parse_decided_by(d.pop("decidedBy"))

        reason = d.pop("reason", UNSET)

        permission_decision_response = cls(
            permission_id=permission_id,
            session_id=session_id,
            team=team,
            from_team=from_team,
            decision=decision,
            decided_at=decided_at,
            decided_by=decided_by,
            reason=reason,
        )

        return permission_decision_response

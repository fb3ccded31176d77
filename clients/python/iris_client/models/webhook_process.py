from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="WebhookProcess")


@_attrs_define
class WebhookProcess:
    """
    Attributes:
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        from_ (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        to (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        reason (str):
        exit_code (int | None):
    """

    session_id: UUID
    from_: str
    to: str
    reason: str
    exit_code: int | None

    def to_dict(self) -> dict[str, Any]:
        session_id = str(self.session_id)

        from_ = self.from_

        to = self.to

        reason = self.reason

        exit_code: int | None
        exit_code = self.exit_code

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "sessionId": session_id,
                "from": from_,
                "to": to,
                "reason": reason,
                "exitCode": exit_code,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        session_id = UUID(d.pop("sessionId"))

        from_ = d.pop("from")

        to = d.pop("to")

        reason = d.pop("reason")

        def _parse_exit_code(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        exit_code = _parse_exit_code(d.pop("exitCode"))

        webhook_process = cls(
            session_id=session_id,
            from_=from_,
            to=to,
            reason=reason,
            exit_code=exit_code,
        )

        return webhook_process

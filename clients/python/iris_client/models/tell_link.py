from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="TellLink")


@_attrs_define
class TellLink:
    """One tell of a chain - its caller → team pair, session and request id.

    Attributes:
        request_id (UUID): A tell's request id.
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        from_ (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        to (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
    """

    request_id: UUID
    session_id: UUID
    from_: str
    to: str

    def to_dict(self) -> dict[str, Any]:
        request_id = str(self.request_id)

        session_id = str(self.session_id)

        from_ = self.from_

        to = self.to

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "requestId": request_id,
                "sessionId": session_id,
                "from": from_,
                "to": to,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        request_id = UUID(d.pop("requestId"))

        session_id = UUID(d.pop("sessionId"))

        from_ = d.pop("from")

        to = d.pop("to")

        tell_link = cls(
            request_id=request_id,
            session_id=session_id,
            from_=from_,
            to=to,
        )

        return tell_link

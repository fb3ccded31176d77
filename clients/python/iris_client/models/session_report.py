from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.session_info import SessionInfo
    from ..models.tell_response import TellResponse


T = TypeVar("T", bound="SessionReport")


@_attrs_define
class SessionReport:
    """
    Attributes:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        session (SessionInfo):
        items (list[TellResponse]): Tell records, newest first.
        next_cursor (None | str):
    """

    team: str
    from_team: str
    session: SessionInfo
    items: list[TellResponse]
    next_cursor: None | str

    def to_dict(self) -> dict[str, Any]:
        team = self.team

        from_team = self.from_team

        session = self.session.to_dict()

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        next_cursor: None | str
        next_cursor = self.next_cursor

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "team": team,
                "fromTeam": from_team,
                "session": session,
                "items": items,
                "nextCursor": next_cursor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.session_info import SessionInfo
        from ..models.tell_response import TellResponse

        d = dict(src_dict)
        team = d.pop("team")

        from_team = d.pop("fromTeam")

        session = SessionInfo.from_dict(d.pop("session"))

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = TellResponse.from_dict(items_item_data)

            items.append(items_item)

        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("nextCursor"))

        session_report = cls(
            team=team,
            from_team=from_team,
            session=session,
            items=items,
            next_cursor=next_cursor,
        )

        return session_report

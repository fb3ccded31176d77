from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.tell_response import TellResponse


T = TypeVar("T", bound="CachePage")


@_attrs_define
class CachePage:
    """
    Attributes:
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        items (list[TellResponse]): Tell records, newest first.
        next_cursor (None | str):
    """

    session_id: UUID
    team: str
    from_team: str
    items: list[TellResponse]
    next_cursor: None | str

    def to_dict(self) -> dict[str, Any]:
        session_id = str(self.session_id)

        team = self.team

        from_team = self.from_team

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        next_cursor: None | str
        next_cursor = self.next_cursor

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "sessionId": session_id,
                "team": team,
                "fromTeam": from_team,
                "items": items,
                "nextCursor": next_cursor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.tell_response import TellResponse

        d = dict(src_dict)
        session_id = UUID(d.pop("sessionId"))

        team = d.pop("team")

        from_team = d.pop("fromTeam")

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

        cache_page = cls(
            session_id=session_id,
            team=team,
            from_team=from_team,
            items=items,
            next_cursor=next_cursor,
        )

        return cache_page

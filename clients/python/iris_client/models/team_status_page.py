from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.team_status import TeamStatus


T = TypeVar("T", bound="TeamStatusPage")


@_attrs_define
class TeamStatusPage:
    """
    Attributes:
        from_team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        items (list[TeamStatus]):
        next_cursor (None | str):
    """

    from_team: str
    items: list[TeamStatus]
    next_cursor: None | str

    def to_dict(self) -> dict[str, Any]:
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
                "fromTeam": from_team,
                "items": items,
                "nextCursor": next_cursor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.team_status import TeamStatus

        d = dict(src_dict)
        from_team = d.pop("fromTeam")

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = TeamStatus.from_dict(items_item_data)

            items.append(items_item)

        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("nextCursor"))

        team_status_page = cls(
            from_team=from_team,
            items=items,
            next_cursor=next_cursor,
        )

        return team_status_page

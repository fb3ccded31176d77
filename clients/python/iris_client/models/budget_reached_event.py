from __future__ import annotations

from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.budget_reached import BudgetReached


T = TypeVar("T", bound="BudgetReachedEvent")


@_attrs_define
class BudgetReachedEvent:
    """
    Attributes:
        event (Literal['budget:reached']):
        data (BudgetReached): budget:reached - a key's or team's cost budget was reached (its spend this period is at or
            over its limit); once per period per budget (system channel; a key with a team scope sees only those of its
            teams and of keys within its scope).
    """

    event: Literal["budget:reached"]
    data: BudgetReached

    def to_dict(self) -> dict[str, Any]:
        event = self.event

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "event": event,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.budget_reached import BudgetReached

        d = dict(src_dict)
        event = cast(Literal["budget:reached"], d.pop("event"))
        if event != "budget:reached":
            raise ValueError(f"event must match const 'budget:reached', got '{event}'")

        data = BudgetReached.from_dict(d.pop("data"))

        budget_reached_event = cls(
            event=event,
            data=data,
        )

        return budget_reached_event

from __future__ import annotations

import datetime
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


T = TypeVar("T", bound="WebhookBudgetEvent")


@_attrs_define
class WebhookBudgetEvent:
    """The body of a `budget.reached` delivery (its data is the `budget:reached` event's).

    Attributes:
        type_ (Literal['budget.reached']):
        timestamp (datetime.datetime):
        data (BudgetReached): budget:reached - a key's or team's cost budget was reached (its spend this period is at or
            over its limit); once per period per budget (system channel; a key with a team scope sees only those of its
            teams and of keys within its scope).
    """

    type_: Literal["budget.reached"]
    timestamp: datetime.datetime
    data: BudgetReached

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        timestamp = self.timestamp.isoformat()

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "timestamp": timestamp,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.budget_reached import BudgetReached

        d = dict(src_dict)
        type_ = cast(Literal["budget.reached"], d.pop("type"))
        if type_ != "budget.reached":
            raise ValueError(f"type must match const 'budget.reached', got '{type_}'")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        data = BudgetReached.from_dict(d.pop("data"))

        webhook_budget_event = cls(
            type_=type_,
            timestamp=timestamp,
            data=data,
        )

        return webhook_budget_event

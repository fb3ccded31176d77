from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.budget_kind import BudgetKind
from ..models.budget_period import BudgetPeriod
from ..types import UNSET, Unset

T = TypeVar("T", bound="BudgetReached")


@_attrs_define
class BudgetReached:
    """budget:reached - a key's or team's cost budget was reached (its spend this period is at or over its limit); once per
    period per budget (system channel; a key with a team scope sees only those of its teams and of keys within its
    scope).

        Attributes:
            budget (BudgetKind): Whose budget - the calling API key's or the team's.
            limit_usd (float):
            spent_usd (float):
            period (BudgetPeriod): What a budget's spend counts: the current UTC day, the current UTC month, or everything
                ever (never resets).
            resets_at (datetime.datetime | None):
            timestamp (datetime.datetime):
            key_id (str | Unset): A key's short public id (or, where accepted, a unique prefix of its hash).
            key_name (str | Unset):
            team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
                `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
                reserved caller for non-team clients.
            request_id (UUID | Unset): A tell's request id.
    """

    budget: BudgetKind
    limit_usd: float
    spent_usd: float
    period: BudgetPeriod
    resets_at: datetime.datetime | None
    timestamp: datetime.datetime
    key_id: str | Unset = UNSET
    key_name: str | Unset = UNSET
    team: str | Unset = UNSET
    request_id: UUID | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        budget = self.budget.value

        limit_usd = self.limit_usd

        spent_usd = self.spent_usd

        period = self.period.value

        resets_at: None | str
        if isinstance(self.resets_at, datetime.datetime):
            resets_at = self.resets_at.isoformat()
        else:
            resets_at = self.resets_at

        timestamp = self.timestamp.isoformat()

        key_id = self.key_id

        key_name = self.key_name

        team = self.team

        request_id: str | Unset = UNSET
        if not isinstance(self.request_id, Unset):
            request_id = str(self.request_id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "budget": budget,
                "limitUsd": limit_usd,
                "spentUsd": spent_usd,
                "period": period,
                "resetsAt": resets_at,
                "timestamp": timestamp,
            }
        )
        if key_id is not UNSET:
            field_dict["keyId"] = key_id
        if key_name is not UNSET:
            field_dict["keyName"] = key_name
        if team is not UNSET:
            field_dict["team"] = team
        if request_id is not UNSET:
            field_dict["requestId"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        budget = BudgetKind(d.pop("budget"))

        limit_usd = d.pop("limitUsd")

        spent_usd = d.pop("spentUsd")

        period = BudgetPeriod(d.pop("period"))

        def _parse_resets_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resets_at_type_0 = datetime.datetime.fromisoformat(data)

                return resets_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        resets_at = _parse_resets_at(d.pop("resetsAt"))

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        key_id = d.pop("keyId", UNSET)

        key_name = d.pop("keyName", UNSET)

        team = d.pop("team", UNSET)

        _request_id = d.pop("requestId", UNSET)
        request_id: UUID | Unset
        if isinstance(_request_id, Unset):
            request_id = UNSET
        else:
            request_id = UUID(_request_id)

        budget_reached = cls(
            budget=budget,
            limit_usd=limit_usd,
            spent_usd=spent_usd,
            period=period,
            resets_at=resets_at,
            timestamp=timestamp,
            key_id=key_id,
            key_name=key_name,
            team=team,
            request_id=request_id,
        )

        return budget_reached

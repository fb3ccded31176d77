from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.budget_period import BudgetPeriod

T = TypeVar("T", bound="Budget")


@_attrs_define
class Budget:
    """A cost budget and its spend in the current period (the sum of the `costUsd` of the tells it covers, kept when their
    records are cleared).

        Attributes:
            limit_usd (float):
            period (BudgetPeriod): What a budget's spend counts: the current UTC day, the current UTC month, or everything
                ever (never resets).
            spent_usd (float):
            period_start (datetime.datetime | None): Where the period began (null for a total budget).
            resets_at (datetime.datetime | None): When the spend starts again from 0 (null for a total budget).
    """

    limit_usd: float
    period: BudgetPeriod
    spent_usd: float
    period_start: datetime.datetime | None
    resets_at: datetime.datetime | None

    def to_dict(self) -> dict[str, Any]:
        limit_usd = self.limit_usd

        period = self.period.value

        spent_usd = self.spent_usd

        period_start: None | str
        if isinstance(self.period_start, datetime.datetime):
            period_start = self.period_start.isoformat()
        else:
            period_start = self.period_start

        resets_at: None | str
        if isinstance(self.resets_at, datetime.datetime):
            resets_at = self.resets_at.isoformat()
        else:
            resets_at = self.resets_at

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "limitUsd": limit_usd,
                "period": period,
                "spentUsd": spent_usd,
                "periodStart": period_start,
                "resetsAt": resets_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        limit_usd = d.pop("limitUsd")

        period = BudgetPeriod(d.pop("period"))

        spent_usd = d.pop("spentUsd")

        def _parse_period_start(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_start_type_0 = datetime.datetime.fromisoformat(data)

                return period_start_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        period_start = _parse_period_start(d.pop("periodStart"))

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

        budget = cls(
            limit_usd=limit_usd,
            period=period,
            spent_usd=spent_usd,
            period_start=period_start,
            resets_at=resets_at,
        )

        return budget

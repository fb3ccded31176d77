"""Cost budgets: a key's or a team's limit on what its tells cost in a period, what it has spent, and the refusal."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Literal

from app.clock import utc_period, utcnow
from app.config import IrisConfig
from app.db.store import Store
from app.errors import BudgetExceededError

Period = Literal["day", "month", "total"]
BudgetKind = Literal["key", "team"]
EPSILON_USD = 1e-9
"""Spend this close to a limit counts as at it (sums of floats)."""


def _iso(at: datetime.datetime | None) -> str | None:
    """An RFC 3339 UTC time (seconds), or None."""
    return at.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z") if at else None


@dataclass(frozen=True, slots=True)
class Budget:
    """A cost limit on the tells of a key (`name` its public id) or a team, in USD per period."""

    kind: BudgetKind
    name: str
    limit_usd: float
    period: Period
    label: str | None = None
    """The key's name, for messages."""

    def describe(self) -> str:
        """`key k_... (name)` or `team alpha`."""
        if self.kind == "key":
            return f"key {self.name}" + (f" ({self.label})" if self.label else "")
        return f"team {self.name}"

    @property
    def per(self) -> str:
        """The period in words."""
        return {"day": "for the day (UTC)", "month": "for the month (UTC)", "total": "in total"}[self.period]


@dataclass(frozen=True, slots=True)
class BudgetState:
    """A budget with its spend in the current period."""

    budget: Budget
    spent_usd: float
    period_start: datetime.datetime | None
    resets_at: datetime.datetime | None

    @property
    def remaining_usd(self) -> float:
        """What may still be spent this period (0 once reached)."""
        return max(0.0, self.budget.limit_usd - self.spent_usd)

    @property
    def reached(self) -> bool:
        """Spent up to the limit (or over it)."""
        return self.spent_usd >= self.budget.limit_usd - EPSILON_USD

    def details(self) -> dict[str, Any]:
        """The budget as error details and events name it."""
        budget = self.budget
        named = {"keyId": budget.name} if budget.kind == "key" else {"team": budget.name}
        return {
            "budget": budget.kind,
            **named,
            "limitUsd": budget.limit_usd,
            "spentUsd": round(self.spent_usd, 6),
            "period": budget.period,
            "resetsAt": _iso(self.resets_at),
        }

    def error(self) -> BudgetExceededError:
        """The refusal of a tell that would start over this budget."""
        budget = self.budget
        resets = f"; it resets at {_iso(self.resets_at)}" if self.resets_at else "; it does not reset"
        return BudgetExceededError(
            f"{budget.describe()} has spent ${self.spent_usd:.4f} of its ${budget.limit_usd:.2f} budget "
            f"{budget.per}{resets}",
            self.details(),
        )

    def reason(self) -> str:
        """Why a tell stopped at this budget, as its reason reads (after the kind)."""
        resets = f", resets at {_iso(self.resets_at)}" if self.resets_at else ""
        return f"{self.budget.describe()} reached its ${self.budget.limit_usd:.2f} budget {self.budget.per}{resets}"


async def state_of(store: Store, budget: Budget, now: datetime.datetime | None = None) -> BudgetState:
    """The budget's spend in the period holding `now` (default: now)."""
    start, end = utc_period(budget.period, now or utcnow())
    if budget.kind == "key":
        spent = await store.spent(key_id=budget.name, since=start)
    else:
        spent = await store.spent(team=budget.name, since=start)
    return BudgetState(budget, spent, start, end)


async def check(store: Store, budgets: tuple[Budget, ...]) -> list[BudgetState]:
    """The budgets' states (BudgetExceededError for the first one already reached)."""
    states = [await state_of(store, budget) for budget in budgets]
    for state in states:
        if state.reached:
            raise state.error()
    return states


def team_budget(config: IrisConfig, team: str) -> Budget | None:
    """The team's cost budget from its config (None: it has none)."""
    entry = config.team(team)
    if entry is None or entry.budget_usd is None:
        return None
    return Budget("team", team, entry.budget_usd, entry.budget_period)

"""Cost budgets of keys and teams, against the real Claude Code binary and the model stand-in (`#cost:USD`)."""

from __future__ import annotations

import asyncio
import datetime
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from app.api.auth.access import KeyIdentity
from app.api.streams.schemas import map_event
from app.api.streams.visibility import visible
from app.auth.keys import KeyRecord
from app.clock import utc_period, utcnow
from app.config import IrisConfig
from app.db.models import SpendRecord
from app.engine import Engine
from app.engine.budgets import Budget
from app.engine.events import SYSTEM
from app.errors import BudgetExceededError
from tests.conftest import ConfigFactory

Start = Callable[[IrisConfig], Any]


async def spend_at(engine: Engine, team: str, cost: float, at: datetime.datetime, key_id: str | None = None) -> None:
    """A row of the spend ledger, as a tell that ended at `at` leaves it."""
    async with engine.store.session() as db:
        db.add(SpendRecord(id=uuid.uuid4(), at=at, team=team, key_id=key_id, cost_usd=cost))
        await db.commit()


def budget_events(subscription: Any) -> list[Any]:
    """The `budget:reached` events queued on a subscription so far."""
    found = []
    while not subscription.queue.empty():
        event = subscription.queue.get_nowait()
        if event.name == "budget:reached":
            found.append(event)
    return found


async def test_team_budget_stops_the_second_tell_and_refuses_the_third(
    make_config: ConfigFactory, engine_factory: Start
) -> None:
    engine = await engine_factory(make_config(team_options={"budgetUsd": 1.0}))
    first = await engine.tell("alpha", "#cost:0.6 first")
    assert first.status == "completed"
    assert first.cost_usd == pytest.approx(0.6, abs=1e-6)

    second = await engine.tell("alpha", "#cost:0.6 second")
    assert second.status == "failed"
    assert second.failure is not None and second.failure.kind == "budget_exceeded"
    assert "team alpha reached its $1.00 budget in total" in (second.reason or "")
    assert second.cost_usd == pytest.approx(0.6, abs=1e-6)  # Claude Code stops after the call that went over

    with pytest.raises(BudgetExceededError) as refused:
        await engine.tell("alpha", "third")
    assert refused.value.details == {
        "budget": "team",
        "team": "alpha",
        "limitUsd": 1.0,
        "spentUsd": pytest.approx(1.2, abs=1e-6),
        "period": "total",
        "resetsAt": None,
    }
    assert "does not reset" in refused.value.message
    # another caller of the same team shares the budget; another team does not
    with pytest.raises(BudgetExceededError):
        await engine.tell("alpha", "from beta", from_team="beta")
    other = await engine.tell("beta", "beta has no budget")
    assert other.status == "completed"

    (status,) = await engine.team_status(team="alpha")
    assert status.budget is not None
    assert status.budget.spent_usd == pytest.approx(1.2, abs=1e-6) and status.budget.reached


async def test_key_budget_stops_the_second_tell(make_config: ConfigFactory, engine_factory: Start) -> None:
    engine = await engine_factory(make_config())
    subscription = engine.events.subscribe([SYSTEM], maxsize=1000)
    key = Budget("key", "k_budgeted01", 0.5, "day", "ci")
    first = await engine.tell("alpha", "#cost:0.3 first", key_budget=key, key_id=key.name)
    assert first.status == "completed"
    second = await engine.tell("beta", "#cost:0.3 second", key_budget=key, key_id=key.name)
    assert second.status == "failed"
    assert second.failure is not None and second.failure.kind == "budget_exceeded"
    assert "key k_budgeted01 (ci) reached its $0.50 budget for the day (UTC)" in (second.reason or "")

    with pytest.raises(BudgetExceededError) as refused:
        await engine.tell("alpha", "third", key_budget=key, key_id=key.name)
    tomorrow = (utcnow() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT00:00:00Z")
    assert refused.value.details is not None
    assert refused.value.details["budget"] == "key" and refused.value.details["keyId"] == "k_budgeted01"
    assert refused.value.details["period"] == "day" and refused.value.details["resetsAt"] == tomorrow
    # the same tell without that key is not refused: the spend is the key's
    assert (await engine.tell("alpha", "no key")).status == "completed"
    assert await engine.store.spent(key_id="k_budgeted01") == pytest.approx(0.6, abs=1e-6)
    await engine.recorded()
    (reached,) = budget_events(subscription)
    data = json.loads(map_event(reached).body)["data"]
    assert (data["budget"], data["keyId"], data["keyName"], data["team"]) == ("key", "k_budgeted01", "ci", "beta")
    assert data["period"] == "day" and data["resetsAt"] == tomorrow


async def test_spend_of_an_earlier_period_does_not_count(make_config: ConfigFactory, engine_factory: Start) -> None:
    engine = await engine_factory(make_config(team_options={"budgetUsd": 1.0, "budgetPeriod": "day"}))
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    await spend_at(engine, "alpha", 5.0, today - datetime.timedelta(seconds=1))  # yesterday's, over the limit
    told = await engine.tell("alpha", "a new day")
    assert told.status == "completed"
    await spend_at(engine, "alpha", 1.0, today + datetime.timedelta(seconds=1))  # today's
    with pytest.raises(BudgetExceededError) as refused:
        await engine.tell("alpha", "over today")
    assert refused.value.details is not None
    assert refused.value.details["resetsAt"] == (today + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    # a monthly budget counts yesterday's too (when yesterday is in this month)
    monthly = Budget("key", "k_monthly001", 1.0, "month")
    if today.day > 1:
        await spend_at(engine, "beta", 2.0, today - datetime.timedelta(hours=1), key_id="k_monthly001")
        with pytest.raises(BudgetExceededError):
            await engine.tell("beta", "over this month", key_budget=monthly, key_id=monthly.name)


async def test_budget_reached_is_published_once(make_config: ConfigFactory, engine_factory: Start) -> None:
    engine = await engine_factory(make_config(team_options={"budgetUsd": 1.0}))
    subscription = engine.events.subscribe([SYSTEM], maxsize=1000)
    assert (await engine.tell("alpha", "#cost:0.6 under")).status == "completed"
    await engine.recorded()
    assert budget_events(subscription) == []

    # three tells queued at once: the first crosses the limit, the others fail at their start without a cost
    told = await asyncio.gather(*(engine.tell("alpha", f"#cost:0.6 q{i}", timeout=-1) for i in range(3)))
    ended = [await engine.wait_for(view.request_id, 60) for view in told]
    assert [view.status for view in ended] == ["failed", "failed", "failed"]
    (crossing,) = [view for view in ended if view.cost_usd is not None]  # the first to run; the others never ran
    assert crossing.reason is not None and crossing.reason.startswith("budget_exceeded: Claude Code stopped: ")
    assert all(view.started_at is None for view in ended if view is not crossing)
    await engine.recorded()
    with pytest.raises(BudgetExceededError):
        await engine.tell("alpha", "refused")
    await engine.recorded()
    events = budget_events(subscription)
    assert len(events) == 1
    record = events[0].record
    assert (record.budget, record.team, record.limit_usd, record.period) == ("team", "alpha", 1.0, "total")
    assert record.spent_usd == pytest.approx(1.2, abs=1e-6)
    assert record.request_id == crossing.request_id

    # on the wire: the contract's `budget:reached`, seen by keys whose scope holds the team
    wire = map_event(events[0])
    body = json.loads(wire.body)
    assert body["event"] == "budget:reached" and wire.channel == SYSTEM
    assert body["data"]["team"] == "alpha" and body["data"]["budget"] == "team" and body["data"]["resetsAt"] is None

    def scoped(team: str) -> KeyIdentity:
        return KeyIdentity(KeyRecord(f"k_only{team}", team, "viewer", ("status:read",), (team,), None, utcnow()))

    assert visible(wire, scoped("beta")) is None
    assert visible(wire, scoped("alpha")) is wire


def test_periods_are_utc_days_and_months() -> None:
    utc = datetime.UTC
    evening = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=-5)))
    assert utc_period("day", evening) == (  # 04:30 UTC on the first of January
        datetime.datetime(2027, 1, 1, tzinfo=utc),
        datetime.datetime(2027, 1, 2, tzinfo=utc),
    )
    assert utc_period("month", datetime.datetime(2026, 12, 15, 8, tzinfo=utc)) == (
        datetime.datetime(2026, 12, 1, tzinfo=utc),
        datetime.datetime(2027, 1, 1, tzinfo=utc),
    )
    assert utc_period("total", evening) == (None, None)

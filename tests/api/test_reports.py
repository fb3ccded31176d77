"""A pair's report over HTTP: raw messages only when asked for, each with its own time, and what tells cost."""

from __future__ import annotations

import datetime

import httpx
import msgspec
import pytest

from app.api import models as m
from tests.api.test_integration import body, finished, running_with_text


def report(client: httpx.Client, team: str, caller: str, **params: str) -> m.SessionReport:
    """The pair's report through GET /api/teams/{team}/report."""
    response = client.get(f"/api/teams/{team}/report", params={"fromTeam": caller, **params})
    return body(response, m.SessionReport)


def test_report_leaves_raw_messages_out_unless_asked(client: httpx.Client) -> None:
    told = body(
        client.post("/api/teams/tell", json={"toTeam": "alpha", "fromTeam": "beta", "message": "hi"}), m.TellResponse
    )
    plain = report(client, "alpha", "beta")
    assert [t.request_id for t in plain.items] == [told.request_id]
    assert all(t.messages is msgspec.UNSET for t in plain.items)
    full = report(client, "alpha", "beta", includeMessages="true")
    messages = full.items[0].messages
    assert isinstance(messages, list) and any(message.type == "result" for message in messages)


def test_each_message_carries_the_time_it_arrived(client: httpx.Client) -> None:
    message = "#slow:6:300 one word at a time"
    told = body(
        client.post("/api/teams/tell", json={"toTeam": "beta", "fromTeam": "alpha", "message": message}), m.TellResponse
    )
    assert told.status == "completed" and isinstance(told.started_at, datetime.datetime)
    messages = report(client, "beta", "alpha", includeMessages="true").items[0].messages
    assert isinstance(messages, list) and len(messages) >= 3
    times = [message.timestamp for message in messages]
    assert times == sorted(times) and times[0] >= told.started_at.replace(
        microsecond=told.started_at.microsecond // 1000 * 1000
    )
    # The reply streams for about 1.5 s: the result arrives well after the turn's first message.
    assert times[-1] - times[0] >= datetime.timedelta(seconds=1)
    assert messages[-1].type == "result"
    seqs = [message.seq for message in messages]
    assert seqs == sorted(set(seqs))


def test_cancelled_tells_cost_and_usage_agree(client: httpx.Client) -> None:
    first = body(
        client.post("/api/teams/tell", json={"toTeam": "gamma", "fromTeam": "beta", "message": "first"}), m.TellResponse
    )
    assert isinstance(first.cost_usd, float) and first.cost_usd > 0
    slow = body(
        client.post(
            "/api/teams/quick-tell", json={"toTeam": "gamma", "fromTeam": "beta", "message": "#slow:60:100 going on"}
        ),
        m.TellResponse,
        202,
    )
    running_with_text(client, slow.request_id)
    body(client.post("/api/teams/gamma/cancel", json={"fromTeam": "beta"}), m.CancelResponse)
    cancelled = finished(client, slow.request_id)
    assert cancelled.status == "cancelled"
    assert isinstance(cancelled.usage, m.Usage) and cancelled.usage.input_tokens > 0
    # The turn's own cost: about what the first turn cost (the same prompt), not the session's running total.
    assert isinstance(cancelled.cost_usd, float) and 0 < cancelled.cost_usd < first.cost_usd * 1.5
    last = body(
        client.post("/api/teams/tell", json={"toTeam": "gamma", "fromTeam": "beta", "message": "last"}), m.TellResponse
    )
    assert isinstance(last.cost_usd, float) and 0 < last.cost_usd < first.cost_usd * 1.5
    whole = report(client, "gamma", "beta")
    costs = [t.cost_usd for t in whole.items]
    assert all(isinstance(cost, float) for cost in costs)
    assert whole.session.totals.cost_usd == pytest.approx(sum(c for c in costs if isinstance(c, float)))
    tokens = [t.usage.input_tokens for t in whole.items if isinstance(t.usage, m.Usage)]
    assert whole.session.totals.input_tokens == sum(tokens) and len(tokens) == 3


def test_a_resumed_session_counts_each_turn_once(client: httpx.Client) -> None:
    """Claude Code reports the session's running cost, and a resumed process carries it on: each tell gets its own."""
    pair = {"toTeam": "alpha", "fromTeam": "gamma"}
    first = body(client.post("/api/teams/tell", json={**pair, "message": "before"}), m.TellResponse)
    body(client.post("/api/teams/alpha/sleep", json={"fromTeam": "gamma"}), m.SleepResponse)
    second = body(client.post("/api/teams/tell", json={**pair, "message": "after"}), m.TellResponse)
    assert second.status == "completed" and isinstance(first.cost_usd, float) and isinstance(second.cost_usd, float)
    assert 0 < second.cost_usd < first.cost_usd * 1.5
    whole = report(client, "alpha", "gamma")
    assert whole.session.totals.cost_usd == pytest.approx(first.cost_usd + second.cost_usd)

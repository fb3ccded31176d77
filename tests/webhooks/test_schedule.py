"""The retry schedule of a failed delivery (the default config's), and that a slow endpoint holds up neither the
tells nor another endpoint."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import IrisConfig, parse_config
from app.db.outbox import Outbox
from app.db.store import Store
from app.engine.webhooks import Webhooks
from app.standin import ModelStandIn
from tests.support.live import LiveServer, write_config
from tests.support.waiting import until_sync
from tests.webhooks.receiver import Receiver

EVENT = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def schedule(config: IrisConfig, jitter: float) -> list[datetime.datetime]:
    """Every attempt's time after a first one at the event, each failing, with the jitter drawn at `jitter`."""
    webhooks = Webhooks(lambda: config, Outbox(Store("sqlite+aiosqlite://")), _no_tell, rng=lambda: jitter)
    times = [EVENT]
    while (following := webhooks.next_attempt(EVENT, len(times), times[-1])) is not None:
        times.append(following)
    return times


async def _no_tell(_request_id: object) -> None:
    return None


@pytest.mark.parametrize("jitter", [0.0, 0.5, 1.0])
def test_the_default_schedule(tmp_path: Path, jitter: float) -> None:
    (tmp_path / "alpha").mkdir()
    config = parse_config(
        "teams: {alpha: {path: alpha}}\n", str(tmp_path / "config.yaml"), {"IRIS_HOME": str(tmp_path)}
    )
    times = schedule(config, jitter)
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    assert 0 < gaps[0] <= 30  # the first retry within 30 s
    assert times[-1] - EVENT >= datetime.timedelta(hours=24)  # retried over at least a day
    assert all(later >= earlier * 0.6 for earlier, later in itertools.pairwise(gaps[:-1]))  # backing off
    assert max(gaps) <= 3600 * 1.2
    if jitter != 0.5:  # jitter moves the waits
        assert schedule(config, 0.5)[1:3] != times[1:3]


@pytest.fixture
def live(tmp_path: Path, standin: ModelStandIn) -> Iterator[LiveServer]:
    webhooks = {"allowedHosts": ["127.0.0.1"], "timeoutMs": 20_000, "concurrency": 1}
    config = write_config(tmp_path, standin, api={"webhooks": webhooks})
    with LiveServer(config) as server:
        yield server


def test_a_slow_endpoint_holds_up_nothing_else(live: LiveServer) -> None:
    with Receiver(delay=8.0) as slow, Receiver() as fast, live.client() as client:
        for receiver in (slow, fast):
            created = client.post("/api/webhooks", json={"url": receiver.url, "events": ["tell.completed"]})
            assert created.status_code == 201, created.text
        for n in range(2):
            told = client.post("/api/teams/tell", json={"toTeam": "alpha", "message": f"tell {n}"})
            assert told.status_code == 200 and told.json()["status"] == "completed", told.text
        until_sync(lambda: len(fast.requests()) == 2, 6, "both deliveries to the fast endpoint")
        assert slow.requests() == []  # still answering the first one

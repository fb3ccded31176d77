"""Each request asks the engine once: the store reads of a listing do not grow with its teams or processes, and
wake and sleep answer from their own results."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.conftest import ConfigFactory
from tests.support.counted import Counted, counted_app

TEAMS = ("alpha", "beta", "gamma", "delta")


class Served(Counted):
    """An app in this process with its engine, a client of it, and the SELECTs its store has run."""

    async def reads(self, path: str, *, scoped: bool = False, **params: Any) -> int:
        """How many SELECTs the store runs while answering one GET (after the engine's background work)."""
        await self.engine.settled()
        before = len(self.selects)
        answer = await self.client.get(path, params=params, headers=self.scoped if scoped else self.admin)
        assert answer.status_code == 200, answer.text
        return len(self.selects) - before

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """A POST's JSON answer, after checking it succeeded."""
        answer = await self.client.post(path, json=body, headers=self.admin)
        assert answer.status_code == 200, answer.text
        result: dict[str, Any] = answer.json()
        return result


@pytest.fixture
async def served(make_config: ConfigFactory) -> AsyncIterator[Served]:
    """Four teams, authentication on, an admin key and one scoped to alpha."""
    async with counted_app(make_config, TEAMS, Served) as served:
        yield served


async def test_team_status_reads_the_store_once_however_many_teams(served: Served) -> None:
    await served.post("/api/teams/alpha/wake", {"fromTeam": "alpha"})
    one = await served.reads("/api/teams/status", fromTeam="alpha", team="alpha")
    every = await served.reads("/api/teams/status", fromTeam="alpha")
    assert one >= 1 and every == one, (one, every)


async def test_listing_teams_with_processes_reads_the_store_once_however_many_processes(served: Served) -> None:
    await served.post("/api/teams/alpha/wake", {"fromTeam": "alpha"})
    with_one = await served.reads("/api/teams", includeProcesses="true")
    for team in ("beta", "gamma"):
        await served.post(f"/api/teams/{team}/wake", {"fromTeam": "alpha"})
    answer = await served.client.get("/api/teams", params={"includeProcesses": "true"}, headers=served.admin)
    processes = {team["name"]: team["processes"] for team in answer.json()["items"]}
    assert [len(processes[team]) for team in TEAMS] == [1, 1, 1, 0]
    assert all(isinstance(p["idleTimeRemaining"], int) for team in TEAMS for p in processes[team])
    with_three = await served.reads("/api/teams", includeProcesses="true")
    assert with_one >= 1 and with_three == with_one, (with_one, with_three)


async def test_a_scoped_system_status_reads_the_store_as_often_as_the_whole(served: Served) -> None:
    await served.post("/api/teams/beta/wake", {"fromTeam": "alpha"})
    whole = await served.reads("/api/status")
    scoped = await served.reads("/api/status", scoped=True)
    assert whole >= 1 and scoped == whole, (whole, scoped)
    answer = await served.client.get("/api/status", headers=served.scoped)
    assert answer.json()["teams"] == 1 and answer.json()["totalProcesses"] == 0


async def test_wake_reports_the_state_and_sleep_the_pid_it_stopped(served: Served) -> None:
    woke = await served.engine.wake("gamma", from_team="beta")
    assert woke.status == "awake" and woke.state == "idle" and woke.pid
    slept = await served.engine.sleep("gamma", from_team="beta")
    assert slept.status == "asleep" and slept.pid == woke.pid
    again = await served.engine.sleep("gamma", from_team="beta")
    assert again.status == "already_asleep" and again.pid is None

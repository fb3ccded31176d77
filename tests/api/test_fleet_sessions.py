"""The teams listing with their stored sessions: asleep ones too, each with its tell count, its cost so far and its
event position; within the key's team scope, capped per team, read from the store in one grouped query."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.conftest import ConfigFactory
from tests.support.counted import Counted, counted_app

TEAMS = ("alpha", "beta", "gamma")


class Served(Counted):
    """An app in this process, a client of it with an admin key and one scoped to alpha, and the store's SELECTs."""

    async def get(self, path: str, *, headers: dict[str, str] | None = None, **params: Any) -> Any:
        """A GET's JSON answer, after checking it succeeded."""
        answer = await self.client.get(path, params=params, headers=headers or self.admin)
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def post(self, path: str, body: dict[str, Any]) -> Any:
        """A POST's JSON answer, after checking it succeeded."""
        answer = await self.client.post(path, json=body, headers=self.admin)
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def tell(self, team: str, from_team: str, message: str) -> Any:
        """A completed tell's record."""
        told = await self.post("/api/teams/tell", {"toTeam": team, "fromTeam": from_team, "message": message})
        assert told["status"] == "completed", told
        return told

    async def sessions(self, *, headers: dict[str, str] | None = None, **params: Any) -> dict[str, Any]:
        """Each team of the listing with its sessions (`includeSessions=true`), by name."""
        page = await self.get("/api/teams", headers=headers, includeSessions="true", **params)
        return {team["name"]: team for team in page["items"]}

    async def selects_of(self, path: str, **params: Any) -> int:
        """How many SELECTs the store runs while answering one GET (after one answered alike, so that the engine's
        background work of the tells before has been recorded)."""
        await self.get(path, **params)
        before = len(self.selects)
        await self.get(path, **params)
        return len(self.selects) - before


@pytest.fixture
async def served(make_config: ConfigFactory) -> AsyncIterator[Served]:
    """Three teams on the stand-in, authentication on, an admin key and an admin key scoped to alpha."""
    async with counted_app(make_config, TEAMS, Served) as served:
        yield served


async def tells_of(served: Served, session_id: str) -> list[dict[str, Any]]:
    """Every stored tell record of a session (its cache)."""
    page = await served.get(f"/api/cache/{session_id}", limit=500)
    assert page["nextCursor"] is None
    tells: list[dict[str, Any]] = page["items"]
    return tells


async def test_asleep_sessions_are_listed_with_their_tells_costs_and_counts(served: Served) -> None:
    first = await served.tell("alpha", "external", "#cost:0.25 one")
    await served.tell("alpha", "external", "#cost:0.5 two")
    from_beta = await served.tell("alpha", "beta", "#cost:0.125 three")
    for caller in ("external", "beta"):
        slept = await served.post("/api/teams/alpha/sleep", {"fromTeam": caller})
        assert slept["status"] == "asleep", slept

    listing = await served.get("/api/teams", includeProcesses="true", includeSessions="true")
    alpha = next(team for team in listing["items"] if team["name"] == "alpha")
    assert alpha["processes"] == []  # asleep: no live process, yet listed as sessions
    assert alpha["sessionsTruncated"] is False
    by_caller = {session["fromTeam"]: session for session in alpha["sessions"]}
    assert set(by_caller) == {"external", "beta"}
    assert by_caller["external"]["sessionId"] == first["sessionId"]
    assert by_caller["beta"]["sessionId"] == from_beta["sessionId"]
    for session in alpha["sessions"]:
        tells = await tells_of(served, session["sessionId"])
        assert session["state"] == "stopped" and session["pid"] is None and session["queueLength"] == 0
        assert session["idleTimeRemaining"] is None and session["forkedFrom"] is None
        assert session["tellCount"] == len(tells) == session["messageCount"]
        assert session["costUsd"] == pytest.approx(sum(tell["costUsd"] for tell in tells))
        assert session["costUsd"] > 0 and session["lastActivity"] is not None and session["createdAt"]
        assert session["seq"] == served.engine.events.last_seq(session["sessionId"]) > 0
    assert by_caller["external"]["tellCount"] == 2
    assert by_caller["external"]["costUsd"] == pytest.approx(0.75, rel=0.05)
    assert by_caller["beta"]["costUsd"] == pytest.approx(0.125, rel=0.05)
    others = [team for team in listing["items"] if team["name"] != "alpha"]
    assert [team["sessions"] for team in others] == [[], []]
    assert all(team["sessionsTruncated"] is False for team in others)

    plain = await served.get("/api/teams")
    assert all("sessions" not in team and "sessionsTruncated" not in team for team in plain["items"])


async def test_an_awake_session_is_listed_with_its_process(served: Served) -> None:
    woke = await served.post("/api/teams/beta/wake", {"fromTeam": "gamma"})
    [session] = (await served.sessions())["beta"]["sessions"]
    assert session["sessionId"] == woke["sessionId"] and session["fromTeam"] == "gamma"
    assert session["state"] == "idle" and session["pid"] == woke["pid"]
    assert isinstance(session["idleTimeRemaining"], int) and session["idleTimeRemaining"] > 0
    assert session["tellCount"] == 0 and session["costUsd"] == 0


async def test_a_scoped_key_sees_only_the_sessions_of_pairs_within_its_scope(served: Served) -> None:
    for caller in ("external", "alpha", "beta"):
        await served.tell("alpha", caller, "hello")
    await served.tell("beta", "alpha", "hello")
    whole = await served.sessions()
    assert {s["fromTeam"] for s in whole["alpha"]["sessions"]} == {"external", "alpha", "beta"}
    scoped = await served.sessions(headers=served.scoped)
    assert set(scoped) == {"alpha"}
    assert {s["fromTeam"] for s in scoped["alpha"]["sessions"]} == {"external", "alpha"}
    assert scoped["alpha"]["sessionsTruncated"] is False
    only = await served.sessions(fromTeam="beta")
    assert [s["fromTeam"] for s in only["alpha"]["sessions"]] == ["beta"]
    assert [s["fromTeam"] for s in only["beta"]["sessions"]] == []
    refused = await served.client.get(
        "/api/teams", params={"includeSessions": "true", "fromTeam": "beta"}, headers=served.scoped
    )
    assert refused.status_code == 403, refused.text


async def test_a_team_with_more_sessions_than_the_limit_lists_the_latest_and_says_so(served: Served) -> None:
    for caller in ("external", "alpha", "beta"):
        await served.tell("gamma", caller, "hello")
    await served.post("/api/teams/gamma/sleep", {"fromTeam": "external"})
    await served.post("/api/teams/gamma/sleep", {"fromTeam": "alpha"})
    latest = await served.tell("gamma", "alpha", "again")  # wakes alpha → gamma: live and the latest
    capped = await served.sessions(sessionLimit=1)
    assert capped["gamma"]["sessionsTruncated"] is True
    assert [s["sessionId"] for s in capped["gamma"]["sessions"]] == [latest["sessionId"]]
    two = await served.sessions(sessionLimit=2)
    assert two["gamma"]["sessionsTruncated"] is True
    assert [s["fromTeam"] for s in two["gamma"]["sessions"]] == ["alpha", "beta"]  # oldest first
    every = await served.sessions(sessionLimit=3)
    assert every["gamma"]["sessionsTruncated"] is False and len(every["gamma"]["sessions"]) == 3
    assert every["alpha"]["sessionsTruncated"] is False
    for bad in ("0", "501", "many"):
        answer = await served.client.get(
            "/api/teams", params={"includeSessions": "true", "sessionLimit": bad}, headers=served.admin
        )
        assert answer.status_code == 400, answer.text
        assert "sessionLimit" in answer.text


async def test_listing_sessions_reads_the_store_the_same_however_many_sessions(served: Served) -> None:
    await served.tell("alpha", "external", "hello")
    with_one = await served.selects_of("/api/teams", includeSessions="true")
    for caller in ("alpha", "beta"):
        await served.tell("alpha", caller, "hello")
        await served.tell("beta", caller, "hello")
    with_five = await served.selects_of("/api/teams", includeSessions="true")
    assert with_one >= 1 and with_five == with_one, (with_one, with_five)
    without = await served.selects_of("/api/teams")
    assert with_one - without == 1, (with_one, without)  # one grouped query for the page's sessions

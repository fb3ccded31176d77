"""Team scope on a real uvicorn server: what a key limited to some teams may create, revoke, read and speak as.

The server has teams alpha, beta and gamma (gamma asks before any tool use) and conversations external → alpha,
beta → alpha and external → beta, made by an unscoped admin key. Keys limited to alpha must not reach the beta →
alpha conversation (its caller is outside their scope), beta's records, keys wider than themselves, or audit rows
and log records about other teams; a viewer sees no team folders; and with `api.requireAuth: false` no key can be
made at all.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from app.auth.audit import AuditLog
from app.auth.keys import CreatedKey
from app.auth.store import KeyStore
from app.config import IrisConfig
from app.standin import ModelStandIn
from tests.streams.test_websocket import receive, send
from tests.support.live import LiveServer, write_config

PAIRS = (("external", "alpha"), ("beta", "alpha"), ("external", "beta"))
"""The conversations the admin key starts: (caller, team)."""


def make_key(config: IrisConfig, name: str, **options: Any) -> CreatedKey:
    """A new key in the server's key store (made while it runs, as the CLI would)."""

    async def make() -> CreatedKey:
        async with KeyStore(config.api.key_store_path) as store:
            return await store.create(name, **options)

    return asyncio.run(make())


@dataclass
class World:
    """The server, its keys by name, and the seeded conversations by `caller→team`."""

    live: LiveServer
    keys: dict[str, CreatedKey]
    sessions: dict[str, str]
    requests: dict[str, str]

    def client(self, name: str) -> httpx.Client:
        """A client sending the named key."""
        return self.live.client(key=self.keys[name].key)

    def id(self, name: str) -> str:
        return self.keys[name].record.id


KEYS: dict[str, dict[str, Any]] = {
    "admin": {"role": "admin"},
    "developer": {"role": "developer"},
    "viewer": {"role": "viewer"},
    "alpha-admin": {"role": "admin", "teams": ["alpha"]},
    "alpha-developer": {"role": "developer", "teams": ["alpha"]},
    "alpha-operator": {"role": "operator", "teams": ["alpha"]},
    "alpha-viewer": {"role": "viewer", "teams": ["alpha"]},
    "gamma-operator": {"role": "operator", "teams": ["gamma"]},
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, standin: ModelStandIn) -> Iterator[World]:
    config = write_config(
        tmp_path_factory.mktemp("scope"),
        standin,
        {"alpha": {}, "beta": {}, "gamma": {"grantPermission": "ask"}},
        settings={"permissionTimeout": 60000},
        api={"requireAuth": True, "rateLimit": {"enabled": True, "maxRequests": 1_000_000}},
    )
    keys = {name: make_key(config, name, **options) for name, options in KEYS.items()}
    live = LiveServer(config, keys["admin"].key).start()
    sessions: dict[str, str] = {}
    requests: dict[str, str] = {}
    with live.client() as http:
        for caller, team in PAIRS:
            told = http.post("/api/teams/tell", json={"toTeam": team, "fromTeam": caller, "message": "hello"})
            assert told.status_code == 200, told.text
            sessions[f"{caller}→{team}"] = told.json()["sessionId"]
            requests[f"{caller}→{team}"] = told.json()["requestId"]
    yield World(live, keys, sessions, requests)
    live.stop()


def forbidden(response: httpx.Response, **details: Any) -> dict[str, Any]:
    """The body of a 403 ForbiddenError whose details carry `details`."""
    assert response.status_code == 403, f"{response.status_code} {response.text[:300]}"
    body: dict[str, Any] = response.json()
    assert body["error"] == "ForbiddenError" and body["statusCode"] == 403
    for name, value in details.items():
        assert (body.get("details") or {}).get(name) == value, body
    return body


def every(http: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a paged listing."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = http.get(path, params={**params, "limit": 500, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        cursor = page.json()["nextCursor"]
        if cursor is None:
            return items


def eventually(fn: Callable[[], Any], timeout: float = 30.0) -> Any:
    """The first truthy value of `fn()`, polled until `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_a_scoped_admin_creates_no_key_wider_than_itself(world: World) -> None:
    with world.client("alpha-admin") as http:
        unscoped = http.post("/api/keys", json={"name": "wide", "role": "admin"})
        forbidden(unscoped, field="teams", allowed=["alpha"])
        wider = http.post("/api/keys", json={"name": "wider", "role": "viewer", "teams": ["alpha", "beta"]})
        assert "beta" in forbidden(wider, field="teams")["message"]
        narrow = http.post("/api/keys", json={"name": "narrow", "role": "admin", "teams": ["alpha"]})
        assert narrow.status_code == 201, narrow.text
        assert narrow.json()["teams"] == ["alpha"]
    with world.client("admin") as http:
        names = {key["name"] for key in every(http, "/api/keys")}
        assert "narrow" in names and not names & {"wide", "wider"}
        refusals = every(http, "/api/audit", event="forbidden", keyId=world.id("alpha-admin"))
        assert len([r for r in refusals if r["path"] == "/api/keys" and r["method"] == "POST"]) == 2


def test_a_scoped_admin_sees_and_revokes_only_keys_within_its_scope(world: World) -> None:
    unscoped = make_key(world.live.config, "victim", role="viewer")
    wider = make_key(world.live.config, "victim-wider", role="viewer", teams=["alpha", "beta"])
    inside = make_key(world.live.config, "inside", role="viewer", teams=["alpha"])
    with world.client("alpha-admin") as http:
        forbidden(http.delete(f"/api/keys/{unscoped.record.id}"), keyId=unscoped.record.id)
        prefix = hashlib.sha256(unscoped.key.encode()).hexdigest()[:12]
        forbidden(http.delete(f"/api/keys/{prefix}"), keyId=unscoped.record.id)
        forbidden(http.delete(f"/api/keys/{wider.record.id}"), keyId=wider.record.id)
        listed = every(http, "/api/keys")
        ids = {key["id"] for key in listed}
        assert {inside.record.id, world.id("alpha-admin"), world.id("alpha-viewer")} <= ids
        assert not ids & {unscoped.record.id, wider.record.id, world.id("admin"), world.id("gamma-operator")}
        assert all(key["teams"] and set(key["teams"]) <= {"alpha"} for key in listed)
        revoked = http.delete(f"/api/keys/{inside.record.id}")
        assert revoked.status_code == 200 and revoked.json()["active"] is False
    with world.live.client(key=unscoped.key) as http:
        assert http.get("/api/status").status_code == 200  # the refused revocations did not happen
    with world.live.client(key=wider.key) as http:
        assert http.get("/api/status").status_code == 200


def test_a_scoped_admin_reads_audit_rows_of_its_teams_only(world: World) -> None:
    with world.live.client(key="iris_sk_" + "Z" * 40) as http:
        assert http.get("/api/status").status_code == 401  # an unknown client's failure: about no team
    with world.client("admin") as http:
        assert http.post("/api/teams/beta/wake", json={}).status_code == 200
        everything = every(http, "/api/audit")
        inside = {key["id"] for key in every(http, "/api/keys") if key["teams"] and set(key["teams"]) <= {"alpha"}}
    assert any(e["event"] == "auth_failure" and e["keyId"] is None for e in everything)
    assert any(e["event"] == "wake" and e["path"] == "/api/teams/beta/wake" for e in everything)
    with world.client("alpha-admin") as http:
        seen = every(http, "/api/audit")
    assert any(e["event"] == "tell" and e["team"] == "alpha" and e["fromTeam"] == "external" for e in seen)
    assert any(e["keyId"] == world.id("alpha-admin") for e in seen)
    for entry in seen:
        assert entry["team"] in (None, "alpha") and entry["fromTeam"] in (None, "external", "alpha"), entry
        if entry["team"] is None:  # about no team: only requests of keys within its scope
            assert entry["keyId"] in inside, entry
    assert len(seen) < len(everything)


def test_audit_rows_of_tells_record_the_caller_and_the_team(world: World) -> None:
    with world.client("admin") as http:
        again = http.post(
            "/api/teams/tell", json={"toTeam": "alpha", "sessionId": world.sessions["beta→alpha"], "message": "again"}
        )
        assert again.status_code == 200, again.text
        tells = every(http, "/api/audit", event="tell")
    pairs = [(e["fromTeam"], e["team"]) for e in tells if e["statusCode"] == 200]
    assert {("external", "alpha"), ("beta", "alpha"), ("external", "beta")} <= set(pairs)
    # the tell named only the session: its row names the session's pair
    assert pairs.count(("beta", "alpha")) >= 2


def test_a_scoped_key_speaks_only_as_callers_within_its_scope(world: World) -> None:
    as_beta = {"toTeam": "alpha", "fromTeam": "beta", "message": "as beta", "timeout": -1}
    with world.client("alpha-operator") as http:
        forbidden(http.post("/api/teams/tell", json=as_beta), fromTeam="beta")
        forbidden(http.post("/api/teams/ask", json=as_beta), fromTeam="beta")
        forbidden(http.post("/api/teams/quick-tell", json=as_beta), fromTeam="beta")
        forbidden(http.post("/api/teams/alpha/wake", json={"fromTeam": "beta"}), fromTeam="beta")
        forbidden(http.get("/api/teams/status", params={"fromTeam": "beta"}), fromTeam="beta")
        forbidden(http.get("/api/teams", params={"fromTeam": "beta"}), fromTeam="beta")
        for caller in ("external", "alpha"):
            told = http.post("/api/teams/tell", json={**as_beta, "fromTeam": caller, "message": f"as {caller}"})
            assert told.status_code in (200, 202), told.text
    with world.client("alpha-developer") as http:
        forbidden(http.get("/api/teams/alpha/report", params={"fromTeam": "beta"}), fromTeam="beta")
        forbidden(http.delete("/api/teams/alpha/reboot", params={"fromTeam": "beta"}), fromTeam="beta")
        forbidden(http.post("/api/teams/alpha/sleep", json={"fromTeam": "beta"}), fromTeam="beta")
    with world.client("alpha-admin") as http:
        for action in ("cancel", "fork", "compact", "launch"):
            forbidden(http.post(f"/api/teams/alpha/{action}", json={"fromTeam": "beta"}), fromTeam="beta")
        forbidden(http.delete("/api/teams/alpha/delete", params={"fromTeam": "beta"}), fromTeam="beta")
    with world.client("admin") as http:  # the beta → alpha conversation is untouched
        report = http.get("/api/teams/alpha/report", params={"fromTeam": "beta"})
        assert report.status_code == 200 and report.json()["session"]["sessionId"] == world.sessions["beta→alpha"]


def test_session_routes_check_the_sessions_caller_and_team(world: World) -> None:
    theirs, ours = world.sessions["beta→alpha"], world.sessions["external→alpha"]
    with world.client("alpha-developer") as http:
        forbidden(http.get(f"/api/cache/{theirs}"), fromTeam="beta")
        forbidden(http.get(f"/api/requests/{world.requests['beta→alpha']}"), fromTeam="beta")
        forbidden(http.get(f"/api/cache/{world.sessions['external→beta']}"), team="beta")
        assert http.get(f"/api/cache/{ours}").status_code == 200
        assert http.get(f"/api/requests/{world.requests['external→alpha']}").status_code == 200
    with world.client("alpha-admin") as http:
        forbidden(http.delete(f"/api/cache/{theirs}"), fromTeam="beta")
        forbidden(http.post("/api/teams/alpha/cancel", json={"sessionId": theirs}), fromTeam="beta")
        forbidden(http.post("/api/teams/alpha/fork", json={"sessionId": theirs}), fromTeam="beta")
        forbidden(http.delete("/api/teams/alpha/delete", params={"sessionId": theirs}), fromTeam="beta")
    with world.client("alpha-operator") as http:
        by_id = {"toTeam": "alpha", "sessionId": theirs, "message": "by id", "timeout": -1}
        forbidden(http.post("/api/teams/tell", json=by_id), fromTeam="beta")
        forbidden(http.post("/api/teams/quick-tell", json=by_id), fromTeam="beta")
    with world.client("admin") as http:  # nothing was cleared
        assert http.get(f"/api/cache/{theirs}").json()["items"]


async def _socket_refusals(world: World, session: str) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {world.keys['alpha-operator'].key}"}
    refusals = []
    async with connect(world.live.url.replace("http", "ws", 1) + "/ws", additional_headers=headers) as ws:
        for event, data in (
            ("tell:start", {"toTeam": "alpha", "fromTeam": "beta", "message": "over the socket"}),
            ("tell:start", {"toTeam": "alpha", "sessionId": session, "message": "by id over the socket"}),
            ("cache:subscribe", {"sessionId": session}),
        ):
            await send(ws, event, data)
            refusals.append(await receive(ws))
    return refusals


def test_streams_apply_the_same_caller_rule(world: World) -> None:
    theirs = world.sessions["beta→alpha"]
    refusals = asyncio.run(_socket_refusals(world, theirs))
    assert [r["event"] for r in refusals] == ["error"] * 3, refusals
    assert [r["data"]["error"] for r in refusals] == ["ForbiddenError"] * 3
    assert all(r["data"]["details"]["fromTeam"] == "beta" for r in refusals)
    with world.client("alpha-operator") as http, http.stream("GET", "/api/events", params={"session": theirs}) as sse:
        assert sse.status_code == 403
        sse.read()
        assert sse.json()["details"]["fromTeam"] == "beta"


def _sessions(world: World) -> list[tuple[str, str]]:
    with sqlite3.connect(world.live.config.database.path) as db:
        return [(str(caller), str(team)) for caller, team in db.execute("SELECT from_team, team FROM iris_session")]


def test_a_scoped_key_counts_only_its_pairs_in_the_status(world: World) -> None:
    with world.client("admin") as http:
        assert http.post("/api/teams/alpha/wake", json={"fromTeam": "beta"}).status_code == 200
        everything = http.get("/api/status").json()
        processes = [
            (p["fromTeam"], team["name"])
            for team in every(http, "/api/teams", includeProcesses="true")
            for p in team["processes"]
        ]
    with world.client("alpha-viewer") as http:
        scoped = http.get("/api/status").json()
    stored = _sessions(world)
    ours = [(c, t) for c, t in stored if t == "alpha" and c in ("external", "alpha")]
    assert everything["teams"] == 3 and scoped["teams"] == 1
    assert everything["sessions"] == len(stored) and scoped["sessions"] == len(ours) < len(stored)
    live_ours = [(c, t) for c, t in processes if t == "alpha" and c in ("external", "alpha")]
    assert ("beta", "alpha") in processes and everything["totalProcesses"] == len(processes)
    assert scoped["totalProcesses"] == len(live_ours) < len(processes)
    assert scoped["maxProcesses"] == everything["maxProcesses"]


def test_logs_show_a_scoped_key_only_records_about_its_teams(world: World) -> None:
    marker = uuid.uuid4().hex
    log = logging.getLogger("iris.scope-test")
    log.warning("%s about alpha", marker, extra={"team": "alpha"})
    log.warning("%s about beta", marker, extra={"team": "beta"})
    log.warning("%s beta calling alpha", marker, extra={"team": "alpha", "fromTeam": "beta"})
    log.warning("%s about no team", marker)
    with world.client("developer") as http:
        everything = [r["message"] for r in every(http, "/api/logs")]
    with world.client("alpha-developer") as http:
        scoped = [r["message"] for r in every(http, "/api/logs")]
    assert len([m for m in everything if marker in m]) == 4
    assert [m for m in scoped if marker in m] == [f"{marker} about alpha"]
    theirs = world.sessions["beta→alpha"]
    assert any(theirs in m for m in everything) and not any(theirs in m for m in scoped)


def test_team_listings_hide_folders_and_other_callers(world: World) -> None:
    folders = {name: team.path for name, team in world.live.config.teams.items()}
    with world.client("admin") as http:
        assert http.post("/api/teams/alpha/wake", json={"fromTeam": "beta"}).status_code == 200
        assert {t["name"]: t["path"] for t in every(http, "/api/teams")} == folders
    with world.client("developer") as http:
        assert {t["name"]: t["path"] for t in every(http, "/api/teams")} == folders
    with world.client("viewer") as http:
        assert [t["path"] for t in every(http, "/api/teams")] == [None, None, None]
    with world.client("alpha-viewer") as http:
        [alpha] = every(http, "/api/teams", includeProcesses="true")
        statuses = every(http, "/api/teams/status")
    assert alpha["name"] == "alpha" and alpha["path"] is None
    assert alpha["processes"] and {p["fromTeam"] for p in alpha["processes"]} <= {"external", "alpha"}
    assert [s["team"] for s in statuses] == ["alpha"]
    with world.client("alpha-admin") as http:
        [alpha] = every(http, "/api/teams")
        assert alpha["path"] == folders["alpha"]
    for name, shown in (("developer", True), ("viewer", False), ("alpha-viewer", False)):
        with world.client(name) as http:
            report = http.get("/api/teams/alpha/report", params={"includeMessages": "false"})
            assert report.status_code == 200, report.text
            assert bool(report.json()["session"]["launchCommand"]) is shown, name


def test_pending_permissions_of_callers_outside_the_scope_stay_hidden(world: World) -> None:
    folder = Path(world.live.config.teams["gamma"].path)
    with world.client("admin") as http:
        quick = http.post(
            "/api/teams/quick-tell", json={"toTeam": "gamma", "fromTeam": "beta", "message": "#bash:touch scope-file"}
        )
        assert quick.status_code == 202, quick.text
        [pending] = eventually(lambda: every(http, "/api/permissions", team="gamma"))
        assert pending["fromTeam"] == "beta"
        assert http.get("/api/status").json()["pendingPermissions"] == 1
    with world.client("gamma-operator") as http:
        assert every(http, "/api/permissions") == []
        assert http.get("/api/status").json()["pendingPermissions"] == 0
        decided = http.post(f"/api/permissions/{pending['permissionId']}", json={"decision": "approve"})
        forbidden(decided, fromTeam="beta")
    with world.client("admin") as http:
        denied = http.post(f"/api/permissions/{pending['permissionId']}", json={"decision": "deny"})
        assert denied.status_code == 200, denied.text
        done = eventually(lambda: http.get(f"/api/requests/{quick.json()['requestId']}").json()["status"] != "running")
        assert done
    assert not (folder / "scope-file").exists()


def test_key_routes_are_refused_without_authentication(tmp_path: Path, standin: ModelStandIn) -> None:
    config = write_config(tmp_path, standin, {"alpha": {}}, api={"requireAuth": False})
    live = LiveServer(config).start()  # no tell: it starts no Claude Code process
    try:
        with live.client() as http:
            for method, path, body in (
                ("POST", "/api/keys", {"name": "anonymous", "role": "admin"}),
                ("GET", "/api/keys", None),
                ("DELETE", "/api/keys/k_AAAAAAAAAA", None),
                ("GET", "/api/audit", None),
            ):
                refused = forbidden(http.request(method, path, json=body))
                assert "needs authentication" in refused["message"]
            assert http.get("/api/status").status_code == 200  # the rest of the API stays open
    finally:
        live.stop(orphans=True)  # the module's other server still runs its processes

    async def stored() -> tuple[int, list[str]]:
        async with KeyStore(config.api.key_store_path) as store:
            keys = (await store.list_keys()).items
        async with AuditLog(config.api.audit_log_path) as audit:
            rows = (await audit.query(event="forbidden")).items
        return len(keys), sorted(f"{r.method} {r.path}" for r in rows)

    count, refusals = asyncio.run(stored())
    assert count == 0
    assert refusals == ["DELETE /api/keys/k_AAAAAAAAAA", "GET /api/audit", "GET /api/keys", "POST /api/keys"]

"""The authorization matrix, generated from the app's route table: every route x every kind of caller.

Each route's `opt` names its operation and permission; the expected status follows from the spec:
no key, a malformed, unknown, expired or revoked key → 401; a role without the permission → 403 naming it;
a key scoped to another team → 403 naming the team for every operation that addresses team alpha; a key scoped
to alpha that names caller beta (`fromTeam`, or the beta → alpha session and tell) → 403 naming `fromTeam`;
either scoped admin creating a key without a team scope or revoking one → 403 naming `teams`; otherwise
anything but 401/403. The app runs in-process (its real lifespan: engine on the model stand-in, SQLite key store
and audit log), so the audit rows written by the matrix are then read back after a restart.
"""

from __future__ import annotations

import asyncio
import datetime
import re
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import msgspec
import yaml
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.api.app import create_app
from app.api.operations import table
from app.auth.audit import AUDIT_EVENTS
from app.auth.keys import ROLES, grants
from app.auth.store import KeyStore
from app.config import IrisConfig, RateLimitConfig
from app.spec import SPEC_PATH
from tests.conftest import ConfigFactory

CASES = (
    "no key",
    "malformed",
    "unknown",
    "expired",
    "revoked",
    "scoped",
    "caller",
    "viewer",
    "operator",
    "developer",
    "admin",
)
"""In the order they run: the destructive operations of the roles that may run them come last."""
UNAUTHENTICATED = ("no key", "malformed", "unknown", "expired", "revoked")
TEAM = "alpha"
OTHER = "beta"
"""The team every sample request addresses, and the only team of the scoped key (the caller key's is TEAM)."""
HOOK = "http://127.0.0.1:9/hook"
"""The webhook endpoint of the samples (nothing listens there: its deliveries stay pending)."""

BODIES: dict[str, Any] = {
    "tell": {"toTeam": TEAM, "message": "matrix", "timeout": -1},
    "ask": {"toTeam": TEAM, "message": "matrix", "timeout": -1},
    "quickTell": {"toTeam": TEAM, "message": "matrix"},
    "tellStream": {"toTeam": TEAM, "message": ""},  # 400 after authorization: the stream never opens
    "cancelTell": {},
    "compactSession": {"timeout": -1},
    "forkSession": {},
    "wakeTeam": {},
    "launchTeam": {},
    "sleepTeam": {},
    "wakeAll": {},
    "decidePermission": {"decision": "approve"},
    "createKey": {"name": "matrix"},
    "createWebhook": {"url": HOOK, "events": ["tell.completed"], "teams": [TEAM]},
}
QUERIES: dict[str, dict[str, str]] = {
    "teamStatus": {"team": TEAM},
    "listPermissions": {"team": TEAM},
    "events": {"team": TEAM, "session": "not-a-uuid"},  # 400 after authorization: the stream never opens
}
ADDRESSES_TEAM = {
    "tell",
    "ask",
    "quickTell",
    "tellStream",
    "teamStatus",
    "listPermissions",
    "events",
    "wakeAll",
    "getMetrics",
    "createWebhook",
}
"""Operations whose sample names team alpha outside the path (body, query, or every team for wake-all and metrics)."""
EVERY_TEAM = {"wakeAll", "getMetrics"}
KEY_SCOPE = {"createKey", "revokeKey"}
"""The sample creates a key without a team scope and revokes one (the victim): too wide for a scoped admin."""


def _from_team_operations() -> frozenset[str]:
    """The operations of the contract that take `fromTeam` (query parameter, or a property of the JSON body)."""
    spec = yaml.safe_load(SPEC_PATH.read_text())
    schemas = spec["components"]["schemas"]
    found = set()
    for item in spec["paths"].values():
        for op in item.values():
            if not isinstance(op, dict) or "operationId" not in op:
                continue
            if any(str(p.get("$ref", "")).endswith("/FromTeamQuery") for p in op.get("parameters", [])):
                found.add(op["operationId"])
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            ref = str(body.get("$ref", ""))
            if ref and "fromTeam" in schemas[ref.rsplit("/", 1)[1]].get("properties", {}):
                found.add(op["operationId"])
    return frozenset(found)


FROM_TEAM = _from_team_operations()
"""In the caller case these name `fromTeam: beta`; operations naming a session or a tell name beta → alpha's."""


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    operation: str
    permission: str


def route_table(app: Litestar) -> list[Route]:
    """Every route of the app with an operation in its `opt`."""
    routes = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            opt = handler.opt or {}
            if "operation" not in opt:
                continue
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                routes.append(Route(method, route.path, opt["operation"], opt["permission"]))
    return sorted(routes, key=lambda r: (r.path, r.method))


@dataclass
class Fixture:
    config: IrisConfig
    keys: dict[str, str]
    session_id: str
    request_id: str
    victim: str
    """The id of a key the matrix revokes."""
    beta_session_id: str = ""
    beta_request_id: str = ""
    webhook_id: str = ""
    delivery_id: str = ""
    """An endpoint of team alpha and one of its deliveries."""
    """The session and a tell of beta → alpha (the caller key may not reach them)."""


async def _keys(config: IrisConfig) -> tuple[dict[str, str], str]:
    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=3)
    async with KeyStore(config.api.key_store_path, clock=lambda: past) as old:
        expired = (await old.create("expired", role="admin", expires_in_days=1)).key
    async with KeyStore(config.api.key_store_path) as store:
        keys = {role: (await store.create(role, role=role)).key for role in ROLES}
        keys["scoped"] = (await store.create("scoped", role="admin", teams=[OTHER])).key
        keys["caller"] = (await store.create("caller", role="admin", teams=[TEAM])).key
        revoked = await store.create("revoked", role="admin")
        await store.revoke(revoked.record.id)
        victim = (await store.create("victim", role="viewer")).record.id
    keys |= {
        "expired": expired,
        "revoked": revoked.key,
        "malformed": "iris_sk_short",
        "unknown": "iris_sk_test_" + "A" * 40,
    }
    return keys, victim


def headers(keys: dict[str, str], case: str) -> dict[str, str]:
    return {} if case == "no key" else {"Authorization": f"Bearer {keys[case]}"}


def concrete(route: Route, f: Fixture, case: str = "admin") -> str:
    theirs = case == "caller"
    values = {
        "team": TEAM,
        "sessionId": f.beta_session_id if theirs else f.session_id,
        "requestId": f.beta_request_id if theirs else f.request_id,
        "permissionId": str(uuid.uuid4()),
        "keyId": f.victim,
        "webhookId": f.webhook_id,
        "deliveryId": f.delivery_id,
    }
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values[m.group(1)], route.path)


def expected(route: Route, case: str) -> tuple[int | None, dict[str, str] | None]:
    """(the exact status, the error details it must carry), or (None, None): anything but 401/403."""
    if route.permission == "none":
        return None, None
    if case in UNAUTHENTICATED:
        return 401, None
    if case == "scoped":
        names_team = "{" in route.path and route.operation not in {"decidePermission", "revokeKey"}
        if names_team or route.operation in ADDRESSES_TEAM:
            return 403, {"team": TEAM}
        if route.operation in KEY_SCOPE:
            return 403, {"field": "teams"}
        return None, None
    if case == "caller":
        if route.operation in EVERY_TEAM:
            return 403, {"team": OTHER}
        if route.operation in FROM_TEAM or "{sessionId" in route.path or "{requestId" in route.path:
            return 403, {"fromTeam": OTHER}
        if route.operation in KEY_SCOPE:
            return 403, {"field": "teams"}
        return None, None
    if not grants(ROLES[case], route.permission):
        return 403, {"permission": route.permission}
    return None, None


async def prepare(make_config: ConfigFactory, **api: Any) -> Fixture:
    """A config with teams alpha and beta, auth on, and every kind of key in its key store."""
    config = make_config(
        teams=(TEAM, OTHER),
        api={
            "requireAuth": True,
            "rateLimit": {"enabled": True, "maxRequests": 1_000_000},
            "webhooks": {"allowedHosts": ["127.0.0.1"]},
            **api,
        },
    )
    keys, victim = await _keys(config)
    return Fixture(config, keys, "", "", victim)


async def prime(client: httpx.AsyncClient, f: Fixture) -> None:
    """One finished tell to alpha: the session and request the sample requests name; an endpoint of alpha and the
    delivery of that tell's end to it."""
    hook = await client.post(
        "/api/webhooks",
        json={"url": HOOK, "events": ["tell.completed"], "teams": [TEAM]},
        headers=headers(f.keys, "admin"),
    )
    assert hook.status_code == 201, hook.text
    f.webhook_id = hook.json()["id"]
    told = await client.post(
        "/api/teams/tell", json={"toTeam": TEAM, "message": "hello"}, headers=headers(f.keys, "admin")
    )
    assert told.status_code == 200, told.text
    f.session_id, f.request_id = told.json()["sessionId"], told.json()["requestId"]
    theirs = await client.post(
        "/api/teams/tell",
        json={"toTeam": TEAM, "fromTeam": OTHER, "message": "hello"},
        headers=headers(f.keys, "admin"),
    )
    assert theirs.status_code == 200, theirs.text
    f.beta_session_id, f.beta_request_id = theirs.json()["sessionId"], theirs.json()["requestId"]
    for _ in range(200):
        found = await client.get(f"/api/webhooks/{f.webhook_id}/deliveries", headers=headers(f.keys, "admin"))
        if found.json()["items"]:
            f.delivery_id = found.json()["items"][0]["id"]
            break
        await asyncio.sleep(0.05)
    assert f.delivery_id, "the tell's delivery was not queued"


async def call(client: httpx.AsyncClient, route: Route, f: Fixture, case: str) -> httpx.Response:
    params = QUERIES.get(route.operation)
    body = BODIES.get(route.operation)
    if case == "caller" and route.operation in FROM_TEAM:
        if route.method == "POST":
            body = {**(body or {}), "fromTeam": OTHER}
        else:
            params = {**(params or {}), "fromTeam": OTHER}
    return await client.request(
        route.method,
        concrete(route, f, case),
        params=params,
        json=body,
        headers=headers(f.keys, case),
    )


async def test_every_route_for_every_caller(make_config: ConfigFactory) -> None:
    f = await prepare(make_config)
    app = create_app(f.config)
    routes = route_table(app)
    assert {r.operation for r in routes} == set(table().operations)
    assert len(routes) == len(table().operations)
    assert {r.operation for r in routes} >= set(BODIES) | set(QUERIES) | FROM_TEAM
    assert len(FROM_TEAM) == 17
    wrong: list[str] = []
    checked = 0
    async with AsyncTestClient(app, timeout=120) as client:
        await prime(client, f)
        for case in CASES:
            for route in routes:
                response = await call(client, route, f, case)
                checked += 1
                status, details = expected(route, case)
                got = response.status_code
                label = f"{case:9} {route.method} {route.path} ({route.operation})"
                if route.permission != "none" and "RateLimit-Limit" not in response.headers:
                    wrong.append(f"{label}: no RateLimit-* headers")
                if status is None:
                    if got in (401, 403):
                        wrong.append(f"{label}: expected to be allowed, got {got} {response.text[:200]}")
                    continue
                if got != status:
                    wrong.append(f"{label}: expected {status}, got {got} {response.text[:200]}")
                    continue
                error = response.json()
                expected_name = "UnauthorizedError" if status == 401 else "ForbiddenError"
                if error.get("error") != expected_name:
                    wrong.append(f"{label}: error {error.get('error')}, expected {expected_name}")
                for name, value in (details or {}).items():
                    if (error.get("details") or {}).get(name) != value:
                        wrong.append(f"{label}: details {error.get('details')}, expected {name}={value}")
    assert checked == len(routes) * len(CASES)
    assert wrong == [], "\n".join(wrong)


async def test_every_event_type_is_in_the_audit_log_after_a_restart(make_config: ConfigFactory) -> None:
    f = await prepare(make_config)
    admin = headers(f.keys, "admin")
    app = create_app(f.config)
    async with AsyncTestClient(app, timeout=120) as client:
        await prime(client, f)
        for route in route_table(app):  # every operation once, as admin: each state change is audited
            await call(client, route, f, "admin")
        assert (await client.get("/api/status")).status_code == 401
        assert (await client.get("/api/logs", headers=headers(f.keys, "viewer"))).status_code == 403
    tight = msgspec.structs.replace(
        f.config,
        api=msgspec.structs.replace(f.config.api, rate_limit=RateLimitConfig(enabled=True, max_requests=2)),
    )
    async with AsyncTestClient(create_app(tight), timeout=60) as client:
        viewer = headers(f.keys, "viewer")
        statuses = [(await client.get("/api/date", headers=viewer)).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
    # stopped and started again: a new app on the same files reads every event back
    async with AsyncTestClient(create_app(f.config), timeout=60) as client:
        seen: set[str] = set()
        for event in AUDIT_EVENTS:
            page = await client.get("/api/audit", params={"event": event, "limit": 1}, headers=admin)
            assert page.status_code == 200, page.text
            if page.json()["items"]:
                seen.add(event)
    assert sorted(set(AUDIT_EVENTS) - seen) == []


async def test_guessing_keys_is_throttled_per_address(make_config: ConfigFactory) -> None:
    f = await prepare(make_config, rateLimit={"enabled": True, "maxRequests": 5, "windowMs": 60_000})
    async with AsyncTestClient(create_app(f.config), timeout=60) as client:
        guesses = [
            await client.get("/api/status", headers={"Authorization": f"Bearer iris_sk_{i:040d}"}) for i in range(8)
        ]
        assert [r.status_code for r in guesses] == [401] * 5 + [429] * 3
        refused = guesses[-1]
        assert refused.json()["error"] == "TooManyRequestsError"
        assert int(refused.headers["Retry-After"]) > 0 and refused.headers["RateLimit-Remaining"] == "0"
        # even a good key is refused from that address until the window ends
        assert (await client.get("/api/status", headers=headers(f.keys, "admin"))).status_code == 429


async def test_rate_limit_headers_and_429_per_key(make_config: ConfigFactory) -> None:
    f = await prepare(make_config, rateLimit={"enabled": True, "maxRequests": 3, "windowMs": 60_000})
    async with AsyncTestClient(create_app(f.config), timeout=60) as client:
        viewer = headers(f.keys, "viewer")
        answers = [await client.get("/api/date", headers=viewer) for _ in range(4)]
        assert [r.status_code for r in answers] == [200, 200, 200, 429]
        assert [r.headers["RateLimit-Remaining"] for r in answers] == ["2", "1", "0", "0"]
        assert all(r.headers["RateLimit-Limit"] == "3" and "RateLimit-Policy" in r.headers for r in answers)
        assert "Retry-After" in answers[-1].headers
        # another key has its own window; errors carry the headers too
        forbidden = await client.get("/api/logs", headers=headers(f.keys, "operator"))
        assert forbidden.status_code == 403 and forbidden.headers["RateLimit-Remaining"] == "2"
        assert "RateLimit-Limit" not in (await client.get("/api/health")).headers  # public: not counted

"""The dashboard as the server serves it: its committed build at `dashboard.path` (same origin) and on a port of
its own (across origins through `api.cors`), its headers and `config.json`, the WebSocket's check of a page's
origin, `GET /api/keys/me` for every kind of key, the config that turns it off or moves it, and the check that
the committed build is what the sources build."""

from __future__ import annotations

import asyncio
import datetime
import importlib.util
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import msgspec
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from app.__main__ import _bind_dashboard, dashboard_url, demo_lines
from app.api.dashboard.controllers import STATIC
from app.api.server import serving_problem, where_lines
from app.auth.store import KeyStore
from app.config import load_config, parse_config
from app.errors import ConfigurationError
from app.standin import ModelStandIn
from tests.support.live import ROOT, LiveServer, free_port, write_config

FOREIGN = "http://evil.example"


@dataclass
class Served:
    live: LiveServer
    own_port: int
    keys: dict[str, str]
    """admin, viewer, scoped (operator on alpha, expiring), scraper (metrics:read alone), revoked."""

    @property
    def own_url(self) -> str:
        return f"http://127.0.0.1:{self.own_port}"


def _provision(path: str) -> dict[str, str]:
    async def make() -> dict[str, str]:
        async with KeyStore(path) as store:
            admin = await store.create("dash-admin", role="admin")
            viewer = await store.create("dash-viewer", role="viewer")
            scoped = await store.create("dash-scoped", role="operator", teams=["alpha"], expires_in_days=30)
            scraper = await store.create("dash-scraper", permissions=["metrics:read"])
            revoked = await store.create("dash-revoked", role="admin")
            await store.revoke(revoked.record.id)
        return {
            "admin": admin.key,
            "viewer": viewer.key,
            "scoped": scoped.key,
            "scraper": scraper.key,
            "revoked": revoked.key,
        }

    return asyncio.run(make())


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, standin: ModelStandIn) -> Iterator[Served]:
    """One server with authentication on, its dashboard at /dashboard and on a port of its own (an allowed origin)."""
    root = tmp_path_factory.mktemp("dashboard-server")
    own = free_port()
    config = write_config(
        root,
        standin,
        api={"requireAuth": True, "cors": {"enabled": True, "origins": [f"http://127.0.0.1:{own}"]}},
        dashboard={"port": own},
    )
    keys = _provision(config.api.key_store_path)
    with LiveServer(config) as live:
        yield Served(live, own, keys)


def _asset_names() -> list[str]:
    """The files `index.html` loads (`./assets/...`)."""
    return re.findall(r"""(?:src|href)="\./(assets/[^"]+)\"""", (STATIC / "index.html").read_text())


def _policy(response: httpx.Response) -> dict[str, list[str]]:
    policy = response.headers["content-security-policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


def _check_page_headers(response: httpx.Response) -> dict[str, list[str]]:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"] and policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    return policy


# ----------------------------------------------------------------------------- the same origin


def test_the_dashboard_is_served_at_its_path_without_a_key(served: Served) -> None:
    with httpx.Client(base_url=served.live.url) as http:  # no key
        moved = http.get("/dashboard")
        assert moved.status_code == 301 and moved.headers["location"] == "/dashboard/"
        page = http.get("/dashboard/")
        assert page.status_code == 200, page.text
        assert page.content == (STATIC / "index.html").read_bytes()
        assert page.headers["content-type"].startswith("text/html") and page.headers["cache-control"] == "no-cache"
        policy = _check_page_headers(page)
        assert policy["connect-src"] == ["'self'", f"ws://127.0.0.1:{served.live.port}"]
        settings = http.get("/dashboard/config.json")
        assert settings.status_code == 200 and settings.json() == {"apiBase": None}
        assert http.get("/api/status").status_code == 401  # what the page calls does need a key


def test_hashed_assets_are_immutable_and_nothing_else_is_served(served: Served) -> None:
    names = _asset_names()
    assert any(name.endswith(".js") for name in names), names
    with httpx.Client(base_url=served.live.url) as http:
        for name in names:
            asset = http.get(f"/dashboard/{name}")
            assert asset.status_code == 200, name
            assert asset.content == (STATIC / name).read_bytes()
            assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
            kind = "text/javascript" if name.endswith(".js") else "text/css"
            assert asset.headers["content-type"].startswith(kind), asset.headers["content-type"]
            _check_page_headers(asset)
        for path in ("/dashboard/assets/nope.js", "/dashboard/../app/api/app.py", "/dashboard/%2e%2e/controllers.py"):
            missing = http.get(path)
            assert missing.status_code == 404, path
            assert missing.json()["error"] == "NotFoundError" and str(STATIC.parent) not in missing.text


# ----------------------------------------------------------------------------- its own port


def test_its_own_port_serves_the_same_files_at_root_and_at_its_path_and_nothing_else(served: Served) -> None:
    with httpx.Client(base_url=served.own_url) as http:
        for path in ("/", "/dashboard/"):
            page = http.get(path)
            assert page.status_code == 200, path
            assert page.content == (STATIC / "index.html").read_bytes()
            policy = _check_page_headers(page)
            api = served.live.url
            assert policy["connect-src"] == ["'self'", api, api.replace("http://", "ws://")]
        for name in _asset_names():
            assert (
                http.get(f"/{name}").content == http.get(f"/dashboard/{name}").content == (STATIC / name).read_bytes()
            )
        for path in ("/config.json", "/dashboard/config.json"):
            assert http.get(path).json() == {"apiBase": served.live.url}
        for path in ("/api/health", "/schema/openapi.json", "/mcp"):
            assert http.get(path).status_code == 404, path  # the API stays on its own port


def test_the_page_on_its_own_port_calls_the_api_across_origins(served: Served) -> None:
    origin = served.own_url
    with httpx.Client(base_url=served.live.url) as http:
        preflight = http.options(
            "/api/keys/me",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        assert preflight.status_code in (200, 204), preflight.text
        assert preflight.headers["access-control-allow-origin"] == origin
        assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
        called = http.get(
            "/api/keys/me", headers={"Origin": origin, "Authorization": f"Bearer {served.keys['viewer']}"}
        )
        assert called.status_code == 200 and called.json()["name"] == "dash-viewer"
        assert called.headers["access-control-allow-origin"] == origin
        refused = http.options("/api/keys/me", headers={"Origin": FOREIGN, "Access-Control-Request-Method": "GET"})
        assert refused.status_code == 400 and refused.json()["details"]["field"] == "Origin"
        theirs = http.get(
            "/api/keys/me", headers={"Origin": FOREIGN, "Authorization": f"Bearer {served.keys['admin']}"}
        )
        assert "access-control-allow-origin" not in theirs.headers


async def test_the_websocket_opens_for_the_dashboards_origins_and_refuses_others(served: Served) -> None:
    url = served.live.ws_url
    for origin in (served.own_url, served.live.url, None):  # the own port, the same origin, not a browser
        async with connect(url, origin=origin) as ws:  # type: ignore[arg-type]
            await ws.send(msgspec.json.encode({"event": "auth", "data": {"token": served.keys["viewer"]}}).decode())
            await ws.send("not json")  # an open, authenticated socket answers with an error event and stays open
            answer = msgspec.json.decode(await asyncio.wait_for(ws.recv(), 10))
            assert answer["event"] == "error" and answer["data"]["error"] == "ValidationError", answer
    with pytest.raises(InvalidStatus) as refused:
        async with connect(url, origin=FOREIGN):  # type: ignore[arg-type]
            pass
    response = refused.value.response
    assert response.status_code == 403
    body = msgspec.json.decode(response.body)
    assert body["error"] == "ForbiddenError" and body["details"] == {"origin": FOREIGN}
    async with served.live.async_client(key=served.keys["admin"]) as http:
        rows = (await http.get("/api/audit", params={"event": "forbidden", "limit": 50})).json()["items"]
    assert any(row["path"] == "/ws" and row["details"].get("origin") == FOREIGN for row in rows), rows


# ----------------------------------------------------------------------------- GET /api/keys/me


def test_keys_me_says_what_each_key_may_do(served: Served) -> None:
    with httpx.Client(base_url=served.live.url) as http:

        def me(kind: str) -> httpx.Response:
            return http.get("/api/keys/me", headers={"Authorization": f"Bearer {served.keys[kind]}"})

        admin = me("admin").json()
        assert admin["authenticated"] is True and admin["name"] == "dash-admin" and admin["role"] == "admin"
        assert admin["permissions"] == ["admin"] and admin["teams"] is None and admin["expiresAt"] is None
        assert admin["id"].startswith("k_") and admin["createdAt"] and admin["usageCount"] >= 1
        assert admin["lastUsedAt"] is not None
        viewer = me("viewer").json()
        assert viewer["role"] == "viewer" and sorted(viewer["permissions"]) == ["cache:read", "status:read"]
        scoped = me("scoped").json()
        assert scoped["teams"] == ["alpha"] and "team:tell" in scoped["permissions"]
        expires = datetime.datetime.fromisoformat(scoped["expiresAt"])
        assert (
            datetime.timedelta(days=29) < expires - datetime.datetime.now(datetime.UTC) <= datetime.timedelta(days=30)
        )
        scraper = me("scraper").json()  # any valid key may ask, whatever it holds
        assert scraper["permissions"] == ["metrics:read"] and scraper["role"] is None
        revoked = me("revoked")
        assert revoked.status_code == 401 and revoked.json()["error"] == "UnauthorizedError"
        assert "revoked" in revoked.json()["message"].lower()
        assert http.get("/api/keys/me").status_code == 401
        for field in ("key", "keyHash", "hash"):
            assert field not in admin
        rows = http.get(
            "/api/audit",
            params={"event": "auth_success", "limit": 200},
            headers={"Authorization": f"Bearer {served.keys['admin']}"},
        ).json()["items"]
    assert any(r["path"] == "/api/keys/me" and r["keyName"] == "dash-scoped" and r["statusCode"] == 200 for r in rows)


def test_without_authentication_keys_me_and_a_warning_about_cors(tmp_path: Path, standin: ModelStandIn) -> None:
    own = free_port()
    config = write_config(
        tmp_path,
        standin,
        api={"requireAuth": False, "cors": {"origins": ["http://localhost:1"]}},
        dashboard={"port": own},
    )
    with LiveServer(config) as live, live.client() as http:
        me = http.get("/api/keys/me")
        assert me.status_code == 200, me.text
        body = me.json()
        assert body["authenticated"] is False and body["id"] is None and body["name"] is None and body["teams"] is None
        assert "admin" not in body["permissions"] and {"team:tell", "status:read", "team:sleep"} <= set(
            body["permissions"]
        )
        assert httpx.get(f"http://127.0.0.1:{own}/config.json").json() == {"apiBase": live.url}
        logged = http.get("/api/logs", params={"level": "warning", "limit": 500}).json()["items"]
    warned = [r["message"] for r in logged if "api.cors.origins" in r["message"]]
    assert warned and f"http://localhost:{own}" in warned[0], logged


def test_a_disabled_dashboard_is_not_served_anywhere(tmp_path: Path, standin: ModelStandIn) -> None:
    own = free_port()
    config = write_config(tmp_path, standin, dashboard={"enabled": False, "port": own})
    with LiveServer(config) as live, live.client() as http:
        for path in ("/dashboard", "/dashboard/", "/dashboard/config.json"):
            missing = http.get(path)
            assert missing.status_code == 404 and missing.json()["error"] == "NotFoundError", path
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://127.0.0.1:{own}/")


# ----------------------------------------------------------------------------- config and addresses


def test_the_config_and_where_the_dashboard_is_said_to_be(tmp_path: Path) -> None:
    example = load_config(ROOT / "config.example.yaml", env={"IRIS_HOME": str(tmp_path)})
    assert example.dashboard.enabled and example.dashboard.path == "/dashboard" and example.dashboard.port == 3100
    assert example.dashboard.host == "127.0.0.1" and "http://localhost:3100" in example.api.cors.origins
    defaults = parse_config("teams: {}\n", "<string>", {"IRIS_HOME": str(tmp_path)}).dashboard
    assert (defaults.enabled, defaults.path, defaults.port, defaults.host) == (True, "/dashboard", None, "127.0.0.1")
    for path in ("/api", "/api/dash", "/ws", "/schema", "/metrics", "/mcp"):
        with pytest.raises(ConfigurationError, match=r"dashboard\.path"):
            parse_config(f"dashboard: {{path: {path}}}\nteams: {{}}\n", "<string>", {"IRIS_HOME": str(tmp_path)})
    for path in ("dashboard", "/dash/", "/"):
        with pytest.raises(ConfigurationError, match=r"dashboard\.path"):
            parse_config(f"dashboard: {{path: '{path}'}}\nteams: {{}}\n", "<string>", {"IRIS_HOME": str(tmp_path)})
    lines = "\n".join(where_lines(example))
    assert "http://127.0.0.1:1615/dashboard/" in lines and "http://localhost:3100/" in lines
    assert dashboard_url(example) == "http://127.0.0.1:1615/dashboard/"
    demo = "\n".join(demo_lines(example, "iris_sk_" + "a" * 40, 100))
    assert f"http://127.0.0.1:1615/dashboard/#key=iris_sk_{'a' * 40}" in demo
    off = msgspec.structs.replace(example, dashboard=msgspec.structs.replace(example.dashboard, enabled=False))
    assert dashboard_url(off) is None and "dashboard" not in "\n".join(where_lines(off))


def test_a_non_loopback_dashboard_host_needs_authentication(tmp_path: Path) -> None:
    text = "api: {requireAuth: false}\ndashboard: {port: 3100, host: 0.0.0.0}\nteams: {}\n"
    config = parse_config(text, "<string>", {"IRIS_HOME": str(tmp_path)})
    problem = serving_problem(config, "127.0.0.1", command=False)
    assert problem is not None and "dashboard.host 0.0.0.0" in problem
    secured = parse_config(text.replace("false", "true"), "<string>", {"IRIS_HOME": str(tmp_path)})
    assert serving_problem(secured, "127.0.0.1", command=False) is None


def test_a_free_port_for_the_dashboard_keeps_its_origin_allowed(tmp_path: Path) -> None:
    config = load_config(ROOT / "config.example.yaml", env={"IRIS_HOME": str(tmp_path)})
    moved, sock = _bind_dashboard(config, any_port=True)
    assert sock is not None
    with sock:
        port = sock.getsockname()[1]
        assert moved.dashboard.port == port != 3100
        assert (
            f"http://localhost:{port}" in moved.api.cors.origins and "http://localhost:3100" in moved.api.cors.origins
        )


def test_the_build_check_names_every_file_that_differs(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("dashboard_script", ROOT / "scripts" / "dashboard.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    fresh, committed = tmp_path / "fresh", tmp_path / "committed"
    for folder in (fresh, committed):
        (folder / "assets").mkdir(parents=True)
        (folder / "index.html").write_bytes(b"<!doctype html>")
    assert script.differences(fresh, committed) == []
    (fresh / "assets" / "index-new.js").write_bytes(b"new")
    (committed / "assets" / "index-old.js").write_bytes(b"old")
    (committed / "index.html").write_bytes(b"<!doctype html>\n")
    assert script.differences(fresh, committed) == [
        "assets/index-new.js: missing from the committed build",
        "assets/index-old.js: not in a fresh build",
        "index.html: differs",
    ]

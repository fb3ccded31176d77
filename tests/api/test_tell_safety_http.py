"""Over HTTP, the WebSocket and SSE: a tell's text runs no command without its permission; a full pool is a 503."""

from __future__ import annotations

import asyncio
import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

from app.standin import ModelStandIn
from tests.support.live import LiveServer, create_key, write_config


def tell(http: httpx.Client, message: str, key: str, team: str = "alpha") -> httpx.Response:
    """POST /api/teams/tell with `key`, waiting for the end."""
    return http.post(
        "/api/teams/tell", json={"toTeam": team, "message": message}, headers={"Authorization": f"Bearer {key}"}
    )


def forbidden(response: httpx.Response, permission: str) -> None:
    """A 403 in the contract's shape, naming the permission and the field."""
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["error"] == "ForbiddenError" and body["statusCode"] == 403
    assert body["details"] == {"permission": permission, "field": "message"}


async def ws_events(url: str, key: str, message: str) -> list[dict[str, Any]]:
    """The events of one `tell:start` over /ws, up to its end or an error."""
    events = []
    async with connect(url, additional_headers={"Authorization": f"Bearer {key}"}) as ws:
        await ws.send(json.dumps({"event": "tell:start", "data": {"toTeam": "alpha", "message": message}}))
        async with asyncio.timeout(30):
            while True:
                event = json.loads(await ws.recv())
                events.append(event)
                if event["event"] in ("tell:complete", "tell:error", "error"):
                    return events


def test_commands_need_the_allowlist_and_their_permission(tmp_path: Path, standin: ModelStandIn) -> None:
    config = write_config(
        tmp_path,
        standin,
        {"alpha": {}},
        settings={"allowedSlashCommands": ["compact", "cost"]},
        api={"requireAuth": True},
    )
    admin = create_key(config)
    tell_only = create_key(config, "tell only", role=None, permissions=["team:tell"])
    compacter = create_key(config, "compacter", role=None, permissions=["team:tell", "team:compact"])
    developer = create_key(config, "developer", role="developer")
    server = LiveServer(config, admin).start()
    try:
        with server.client() as http:
            as_text = tell(http, "/config permissionMode=acceptEdits", tell_only)
            assert as_text.status_code == 200, as_text.text
            assert as_text.json()["response"] == "echo[n=1]: /config permissionMode=acceptEdits"
            assert not (tmp_path / "home" / ".claude" / "settings.json").exists()

            forbidden(tell(http, "/compact", tell_only), "team:compact")
            quick = http.post(
                "/api/teams/quick-tell",
                json={"toTeam": "alpha", "message": "/compact now"},
                headers={"Authorization": f"Bearer {tell_only}"},
            )
            forbidden(quick, "team:compact")
            streamed = http.post(
                "/api/teams/tell/stream",
                json={"toTeam": "alpha", "message": "/compact"},
                headers={"Authorization": f"Bearer {tell_only}"},
            )
            forbidden(streamed, "team:compact")
            forbidden(tell(http, "/cost", developer), "admin")

            compacted = tell(http, "/compact", compacter)
            assert compacted.status_code == 200 and compacted.json()["status"] == "completed", compacted.text
            assert not (compacted.json().get("response") or "").startswith("echo[")
            cost = tell(http, "/cost", admin)
            assert cost.status_code == 200 and "cost" in cost.json()["response"].lower(), cost.text
            assert not cost.json()["response"].startswith("echo[")
            deadline = time.monotonic() + 10
            while True:  # the audit log is written in the background
                rows = http.get("/api/audit", params={"event": "tell", "limit": 500}).json()["items"]
                ran = sorted((r["details"] or {}).get("command", "") for r in rows if r["statusCode"] == 200)
                if len(rows) >= 7 or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            assert ran == ["", "compact", "cost"]  # the /config tell ran as text; the two commands say so
            assert sorted(r["statusCode"] for r in rows) == [200, 200, 200, 403, 403, 403, 403]

            ws_url = server.url.replace("http://", "ws://") + "/ws"
            refused = asyncio.run(ws_events(ws_url, tell_only, "/compact"))
            assert [e["event"] for e in refused] == ["error"]
            assert refused[0]["data"]["statusCode"] == 403
            assert refused[0]["data"]["details"] == {
                "permission": "team:compact",
                "field": "message",
                "event": "tell:start",
            }
            delivered = asyncio.run(ws_events(ws_url, tell_only, "/model claude-opus-4-1"))
            assert delivered[0]["event"] == "tell:accepted" and delivered[-1]["event"] == "tell:complete"
            assert delivered[-1]["data"]["response"].endswith(": /model claude-opus-4-1")
    finally:
        server.stop()


def test_a_full_pool_is_a_503_with_retry_after_never_a_failed_200(tmp_path: Path, standin: ModelStandIn) -> None:
    config = write_config(
        tmp_path, standin, {"alpha": {}, "beta": {}}, settings={"maxProcesses": 1, "shutdownGrace": 5000}
    )
    slow_to_stop = {"hooks": {"SessionEnd": [{"hooks": [{"type": "command", "command": "sleep 2"}]}]}}
    (tmp_path / "projects" / "alpha" / ".claude").mkdir()
    (tmp_path / "projects" / "alpha" / ".claude" / "settings.json").write_text(json.dumps(slow_to_stop))
    server = LiveServer(config).start()
    try:
        with server.client() as http, ThreadPoolExecutor(1) as pool:
            warm = http.post("/api/teams/tell", json={"toTeam": "alpha", "message": "warm"})
            assert warm.status_code == 200 and warm.json()["status"] == "completed", warm.text

            def make_room() -> httpx.Response:
                with server.client() as other:
                    return other.post("/api/teams/tell", json={"toTeam": "beta", "message": "make room"})

            evicting = pool.submit(make_room)  # beta's tell puts idle alpha to sleep, which takes a while
            deadline = time.monotonic() + 20
            while True:
                [status] = http.get("/api/teams/status", params={"team": "alpha"}).json()["items"]
                if status["state"] == "terminating":
                    break
                assert time.monotonic() < deadline, f"alpha was never put to sleep: {status}"
                time.sleep(0.02)
            refused = http.post("/api/teams/tell", json={"toTeam": "alpha", "message": "too late"})
            assert refused.status_code == 503, refused.text
            assert refused.headers["Retry-After"] == "5"
            body = refused.json()
            assert body["error"] == "ProcessPoolLimitError" and body["statusCode"] == 503
            assert body["details"]["maxProcesses"] == 1
            made = evicting.result(timeout=60)
            assert made.status_code == 200 and made.json()["status"] == "completed", made.text
            again = http.post("/api/teams/tell", json={"toTeam": "alpha", "message": "my turn"})
            assert again.status_code == 200 and again.json()["status"] == "completed", again.text
    finally:
        server.stop()

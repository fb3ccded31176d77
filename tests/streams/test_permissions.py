"""grantPermission ask over the API: requests announced on the stream, listed, approved and denied for real."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from httpx_sse import aconnect_sse

from app.standin import ModelStandIn
from tests.streams.conftest import conforms
from tests.support.live import LiveServer, write_config


async def test_ask_mode_approve_and_deny(
    servers: Callable[..., LiveServer], tmp_path: Path, standin: ModelStandIn
) -> None:
    config = write_config(
        tmp_path, standin, {"alpha": {"grantPermission": "ask"}}, settings={"permissionTimeout": 30000}
    )
    server = servers(config)
    project = tmp_path / "projects" / "alpha"
    async with (
        server.async_client() as http,
        aconnect_sse(http, "GET", "/api/events", params={"team": "alpha"}) as source,
    ):
        events = source.aiter_sse()

        async def next_named(name: str) -> dict[str, Any]:
            async with asyncio.timeout(30):
                async for event in events:
                    conforms(event.data)
                    if event.event == name:
                        return dict(json.loads(event.data)["data"])
            raise AssertionError(f"the stream ended before {name}")

        outcomes = {}
        for file, decision in (("approved-file", "approve"), ("denied-file", "deny")):
            started = await http.post(
                "/api/teams/quick-tell", json={"toTeam": "alpha", "message": f"#bash:touch {file}"}
            )
            assert started.status_code == 202, started.text
            request_id = started.json()["requestId"]
            request = await next_named("permission:request")
            assert request["toolName"] == "Bash" and file in request["toolInput"]["command"]
            assert request["requestId"] == request_id and request["team"] == "alpha"

            pending = (await http.get("/api/permissions", params={"team": "alpha"})).json()["items"]
            assert [p["permissionId"] for p in pending] == [request["permissionId"]]

            body = {"decision": decision, **({"reason": "not on this runner"} if decision == "deny" else {})}
            decided = await http.post(f"/api/permissions/{request['permissionId']}", json=body)
            assert decided.status_code == 200, decided.text
            resolved = await next_named("permission:resolved")
            assert resolved["permissionId"] == request["permissionId"]
            assert resolved["decision"] == decision and resolved["resolvedBy"] == "api"

            record = (await http.get(f"/api/requests/{request_id}")).json()
            for _ in range(300):
                if record["status"] not in ("queued", "running"):
                    break
                await asyncio.sleep(0.1)
                record = (await http.get(f"/api/requests/{request_id}")).json()
            outcomes[file] = record
            assert (await http.get("/api/permissions")).json()["items"] == []

        assert outcomes["approved-file"]["status"] == "completed"
        assert outcomes["approved-file"]["response"].startswith("tool said")
        assert (project / "approved-file").exists()
        assert outcomes["denied-file"]["status"] == "completed"
        assert outcomes["denied-file"]["response"].startswith("tool error")
        assert "not on this runner" in outcomes["denied-file"]["response"]
        assert not (project / "denied-file").exists()

        # still pending when its session goes away: resolved (denied) by the shutdown of its process
        started = await http.post("/api/teams/quick-tell", json={"toTeam": "alpha", "message": "#bash:touch never"})
        request = await next_named("permission:request")
        deleted = await http.delete("/api/teams/alpha/delete")
        assert deleted.status_code == 200, deleted.text
        resolved = await next_named("permission:resolved")
        assert resolved["permissionId"] == request["permissionId"]
        assert resolved["decision"] == "deny" and resolved["resolvedBy"] == "shutdown"
        assert started.json()["requestId"] == request["requestId"]
        assert not (project / "never").exists()

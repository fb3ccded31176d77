"""Following a team that is not configured: a 404 listing the configured teams the key may follow."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

from app.standin import ModelStandIn
from tests.support.live import LiveServer, create_key, write_config


def test_an_unknown_team_lists_only_the_teams_within_the_keys_scope(
    servers: Callable[..., LiveServer], tmp_path: Path, standin: ModelStandIn
) -> None:
    config = write_config(tmp_path, standin, {"alpha": {}, "beta": {}, "gamma": {}}, api={"requireAuth": True})
    server = servers(config)
    keys = {"every team": create_key(config, "admin"), "alpha only": create_key(config, "alpha", teams=["alpha"])}
    with server.client(key=keys["every team"]) as http:
        response = http.get("/api/events", params={"team": "nobody"})
    assert response.status_code == 404 and response.json()["details"]["configuredTeams"] == ["alpha", "beta", "gamma"]

    async def subscribe(key: str) -> dict[str, Any]:
        async with connect(server.ws_url, additional_headers={"Authorization": f"Bearer {key}"}) as ws:
            await ws.send(json.dumps({"event": "process:subscribe", "data": {"team": "nobody"}}))
            while True:
                event = json.loads(await asyncio.wait_for(ws.recv(), 30))
                if event["event"] == "error":
                    return dict(event["data"])

    every, scoped = (asyncio.run(subscribe(keys[name])) for name in ("every team", "alpha only"))
    assert every["error"] == scoped["error"] == "TeamNotFoundError"
    assert every["details"]["configuredTeams"] == ["alpha", "beta", "gamma"]
    assert every["message"] == "Team 'nobody' is not configured (configured: alpha, beta, gamma)"
    assert scoped["details"]["configuredTeams"] == ["alpha"]
    assert scoped["message"] == "Team 'nobody' is not configured (configured: alpha)"

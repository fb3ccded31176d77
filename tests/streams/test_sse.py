"""Server-Sent Events on a real server: the streamed tell, subscriptions, replay across reconnects, heartbeats."""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from httpx_sse import ServerSentEvent, aconnect_sse

from app.api.streams import StreamSettings
from app.engine.records import TellChunk
from app.standin import ModelStandIn
from tests.streams.conftest import assert_ids, conforms, sse_events, wake
from tests.streams.test_limits import make_key
from tests.support.live import LiveServer, write_config


def _data(event: ServerSentEvent) -> dict[str, Any]:
    return dict(json.loads(event.data)["data"])


async def test_streamed_tell_chunks_concatenate_to_the_response(server: LiveServer) -> None:
    async with server.async_client() as http:
        events = [
            event
            async for event in sse_events(
                http, "POST", "/api/teams/tell/stream", json={"toTeam": "alpha", "message": "#slow:12:15 stream me"}
            )
        ]
        names = [event.event for event in events]
        assert names[0] == "tell:accepted"
        assert names[-1] == "tell:complete"
        assert set(names[1:-1]) == {"tell:chunk"} and len(names) >= 14, names
        accepted, complete = _data(events[0]), _data(events[-1])
        chunks = "".join(_data(event)["chunk"] for event in events[1:-1])
        assert chunks == complete["response"] == "echo[n=1]: #slow:12:15 stream me"
        assert complete["status"] == "completed" and complete["duration"] >= 0
        assert {_data(event)["requestId"] for event in events} == {accepted["requestId"]}
        seqs = [_data(event)["seq"] for event in events]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
        assert_ids(events)
        record = (await http.get(f"/api/requests/{accepted['requestId']}")).json()
        assert record["response"] == chunks

        # errors before acceptance are ordinary JSON errors
        response = await http.post("/api/teams/tell/stream", json={"toTeam": "nobody", "message": "hi"})
        assert response.status_code == 404 and response.json()["error"] == "TeamNotFoundError"
        response = await http.post("/api/teams/tell/stream", json={"toTeam": "alpha"})
        assert response.status_code == 400 and response.json()["error"] == "ValidationError"


async def test_session_events_replay_across_a_reconnect(server: LiveServer) -> None:
    async with server.async_client() as http:
        session = await wake(http)
        seen: list[ServerSentEvent] = []
        # first connection: subscribe, start a tell, read a few events, then drop it mid-tell
        async with aconnect_sse(http, "GET", "/api/events", params={"session": session}) as source:
            queued = await http.post("/api/teams/quick-tell", json={"toTeam": "alpha", "message": "#slow:30:20 long"})
            assert queued.status_code == 202
            request_id = queued.json()["requestId"]
            async for event in source.aiter_sse():
                conforms(event.data)
                seen.append(event)
                if len(seen) == 6:
                    break
        last_id = seen[-1].id
        await asyncio.sleep(0.2)  # events keep coming while nobody listens
        async for event in sse_events(
            http,
            "GET",
            "/api/events",
            params={"session": session},
            headers={"Last-Event-ID": last_id},
            until=lambda e: e.event == "tell:complete",
        ):
            seen.append(event)
        assert_ids(seen)
        seqs = [_data(event)["seq"] for event in seen]
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), seqs  # no gap, no duplicate
        names = [event.event for event in seen]
        assert {"tell:queued", "tell:started", "tell:chunk", "cache:message", "tell:complete"} <= set(names)
        complete = _data(seen[-1])
        assert complete["requestId"] == request_id
        chunks = "".join(_data(e)["chunk"] for e in seen if e.event == "tell:chunk")
        assert chunks == complete["response"]
        message = next(_data(e)["message"] for e in seen if e.event == "cache:message")
        assert {"seq", "type", "timestamp", "data"} <= set(message)


async def test_reset_when_the_missed_events_are_gone(
    servers: Callable[..., LiveServer], tmp_path: Path, standin: ModelStandIn
) -> None:
    config = write_config(tmp_path, standin, settings={"eventsRetained": 5})
    server = servers(config)
    async with server.async_client() as http:
        session = await wake(http)
        result = await http.post("/api/teams/tell", json={"toTeam": "alpha", "message": "#slow:10:1 x"})
        assert result.status_code == 200
        events = []
        async for event in sse_events(
            http, "GET", "/api/events", params={"session": session}, headers={"Last-Event-ID": f"{session}:1"}
        ):
            events.append(event)
            break
        assert events[0].event == "reset" and _data(events[0]) == {"sessionId": session, "reason": "gap"}

        # retained: exactly what was missed, in order
        last = server.call(lambda: server.engine.events.last_seq(session))
        got = []
        async for event in sse_events(
            http, "GET", "/api/events", params={"session": session}, headers={"Last-Event-ID": f"{session}:{last - 3}"}
        ):
            got.append(_data(event)["seq"])
            if len(got) == 3:
                break
        assert got == [last - 2, last - 1, last]


async def test_team_system_and_heartbeat(servers: Callable[..., LiveServer], config: Any) -> None:
    server = servers(config, settings=StreamSettings(heartbeat_seconds=0.3))
    async with server.async_client() as http:
        names: list[str] = []

        async def listen() -> None:
            async for event in sse_events(
                http,
                "GET",
                "/api/events",
                params={"team": "alpha", "system": "true"},
                until=lambda e: e.event == "process:terminated",
            ):
                names.append(event.event)

        listener = asyncio.create_task(listen())
        await server.eventually(lambda: server.layer.bus.subscribers("team:alpha"), 1)
        session = await wake(http)
        response = await http.post("/api/teams/alpha/sleep", json={})
        assert response.status_code == 200, response.text
        await asyncio.wait_for(listener, 30)
        assert {"heartbeat", "health:check", "process:spawned", "process:terminated"} <= set(names), names
        assert session


async def test_bad_subscriptions(server: LiveServer) -> None:
    async with server.async_client() as http:
        cases: list[tuple[dict[str, str], dict[str, str], int, str]] = [
            ({}, {}, 400, "ValidationError"),
            ({"team": "nobody"}, {}, 404, "TeamNotFoundError"),
            ({"session": "not-a-uuid"}, {}, 400, "ValidationError"),
            ({"system": "true"}, {"Last-Event-ID": "garbage"}, 400, "ValidationError"),
        ]
        for params, headers, status, error in cases:
            response = await http.get("/api/events", params=params, headers=headers)
            assert response.status_code == status, (params, response.text)
            assert response.json()["error"] == error


async def test_process_error_event(servers: Callable[..., LiveServer], tmp_path: Path, standin: ModelStandIn) -> None:
    config = write_config(tmp_path, standin, {"broken": {"claudePath": str(tmp_path / "no-such-claude")}})
    server = servers(config)
    async with server.async_client() as http:
        got: list[dict[str, Any]] = []

        async def listen() -> None:
            async for event in sse_events(
                http, "GET", "/api/events", params={"team": "broken"}, until=lambda e: e.event == "process:error"
            ):
                got.append(_data(event))

        listener = asyncio.create_task(listen())
        await server.eventually(lambda: server.layer.bus.subscribers("team:broken"), 1)
        response = await http.post("/api/teams/broken/wake", json={})
        assert response.status_code >= 400
        await asyncio.wait_for(listener, 30)
        assert got[-1]["team"] == "broken" and got[-1]["error"]
        conforms(json.dumps({"event": "process:error", "data": got[-1]}))

        # a streamed tell Iris cannot run (its process will not start) ends with tell:error, not tell:complete
        events = [
            event
            async for event in sse_events(
                http, "POST", "/api/teams/tell/stream", json={"toTeam": "broken", "message": "anyone there?"}
            )
        ]
        assert [event.event for event in events] == ["tell:accepted", "tell:error"]
        error = _data(events[-1])
        assert error["error"] == "ProcessError" and error["requestId"] == _data(events[0])["requestId"]
        record = (await http.get(f"/api/requests/{error['requestId']}")).json()
        assert record["status"] == "failed"


async def test_permission_timeout_denies(
    servers: Callable[..., LiveServer], tmp_path: Path, standin: ModelStandIn
) -> None:
    config = write_config(tmp_path, standin, {"alpha": {"grantPermission": "ask"}}, settings={"permissionTimeout": 800})
    server = servers(config)
    async with server.async_client() as http:
        names, resolved = [], {}
        async with aconnect_sse(http, "GET", "/api/events", params={"team": "alpha"}) as source:
            told = await http.post("/api/teams/quick-tell", json={"toTeam": "alpha", "message": "#bash:touch late"})
            async with asyncio.timeout(30):
                async for event in source.aiter_sse():
                    conforms(event.data)
                    names.append(event.event)
                    if event.event == "permission:resolved":
                        resolved = _data(event)
                        break
        assert names.index("permission:request") < names.index("permission:resolved")
        assert resolved["decision"] == "deny" and resolved["resolvedBy"] == "timeout"
        outcome = await http.get(f"/api/requests/{told.json()['requestId']}")
        for _ in range(100):
            if outcome.json()["status"] not in ("queued", "running"):
                break
            await asyncio.sleep(0.1)
            outcome = await http.get(f"/api/requests/{told.json()['requestId']}")
        assert outcome.json()["response"].startswith("tool error")
        assert not (tmp_path / "projects" / "alpha" / "late").exists()


async def test_no_gap_or_duplicate_at_the_replay_live_seam(
    servers: Callable[..., LiveServer], tmp_path: Path, standin: ModelStandIn
) -> None:
    """Subscribers drop and resume (`Last-Event-ID`) again and again while events pour in. Every event stays
    retained, so a subscriber that a loaded machine lets fall far behind still resumes where it was: what is
    checked is the seam between replay and live, not how far behind a resume may start."""
    session, request_id, total = str(uuid.uuid4()), str(uuid.uuid4()), 1500
    server = servers(write_config(tmp_path, standin, settings={"eventsRetained": total}))

    async def pump() -> None:
        hub = server.engine.events
        for index in range(total):
            hub.publish(TellChunk(session_id=uuid.UUID(session), request_id=uuid.UUID(request_id), chunk=str(index)))
            if index % 10 == 9:
                await asyncio.sleep(0.002)

    async def subscriber(http: httpx.AsyncClient, seed: int) -> list[int]:
        rng = random.Random(seed)
        seqs: list[int] = []
        last_id: str | None = None
        while not seqs or seqs[-1] < total:
            headers = {"Last-Event-ID": last_id} if last_id else {}
            quota = rng.randint(5, 150)
            async with aconnect_sse(http, "GET", "/api/events", params={"session": session}, headers=headers) as src:
                async for event in src.aiter_sse():
                    assert event.event == "tell:chunk", event
                    seqs.append(_data(event)["seq"])
                    last_id = event.id
                    quota -= 1
                    if quota == 0 or seqs[-1] == total:
                        break
        return seqs

    limits = httpx.Limits(max_connections=50)
    async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=60) as http:
        first = await http.get("/api/health")
        assert first.status_code == 200
        pumping = asyncio.ensure_future(server.run(pump()))
        results = await asyncio.wait_for(asyncio.gather(*(subscriber(http, seed) for seed in range(10))), 60)
        await pumping
    for seqs in results:
        assert seqs == list(range(seqs[0], total + 1)), "a gap or a duplicate at a reconnect"


async def test_a_client_that_hangs_up_before_the_stream_starts_gives_its_place_back(
    servers: Callable[..., LiveServer], tmp_path: Path, standin: ModelStandIn
) -> None:
    config = write_config(tmp_path, standin, api={"requireAuth": True, "maxStreamsPerKey": 2})
    server = servers(config)
    key, key_id = await make_key(server, "hangs-up")

    def open_streams() -> int:
        assert server.layer is not None
        return server.layer.streams_of(f"key:{key_id}")

    def in_hand() -> tuple[int, int]:
        """The server's open connections and the requests it is still handling."""
        assert server.server is not None
        state = server.server.server_state
        return len(state.connections), len(state.tasks)

    for _ in range(10):  # each asks for a stream and hangs up while the server is still accepting it
        for line in ("GET /api/events?system=true", "POST /api/teams/tell/stream"):
            body = b'{"toTeam": "alpha", "message": "gone"}' if line.startswith("POST") else b""
            _, writer = await asyncio.open_connection("127.0.0.1", server.port)
            head = f"{line} HTTP/1.1\r\nHost: iris\r\nAuthorization: Bearer {key}\r\n"
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            writer.write(head.encode() + body)
            writer.transport.abort()
    await server.eventually(in_hand, (0, 0))  # every one of them handled to its end
    assert server.call(open_streams) == 0
    async with server.async_client(key=key) as http:  # and the allowance is whole again
        for _ in range(2):
            async with aconnect_sse(http, "GET", "/api/events", params={"system": "true"}) as source:
                assert source.response.status_code == 200

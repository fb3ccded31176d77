"""Every tell ends through one path, nobody waits forever, one server per store, and logs a scoped key may read."""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

from app.config import IrisConfig
from app.engine import Engine
from app.engine.events import Subscription, session_channel
from app.engine.logs import LogBuffer
from app.errors import ConfigurationError
from app.standin import ModelStandIn
from tests.conftest import ConfigFactory, claude_processes
from tests.support.live import LiveServer, create_key, write_config
from tests.support.waiting import until

Start = Callable[[IrisConfig], Any]


def completions(subscription: Subscription) -> dict[str, dict[str, Any]]:
    """The `tell:complete` events a subscription has received so far, by request id."""
    found = {}
    while not subscription.queue.empty():
        event = subscription.queue.get_nowait()
        if event.name == "tell:complete":
            found[event.data["requestId"]] = event.data
    return found


async def hanging(engine: Engine, team: str = "alpha") -> Any:
    """A tell that runs until it is stopped, and the live session running it."""
    told = await engine.tell(team, "#hang", timeout=-1)
    runtime = next(r for r in engine.live_sessions() if r.session_id == told.session_id)
    await until(lambda: runtime.state == "processing", what=f"{team}'s tell to run")
    return told, runtime


async def queued_waiter(engine: Engine, team: str, message: str) -> tuple[asyncio.Task[Any], uuid.UUID]:
    """A caller waiting to the end (`timeout: 0`) on a tell queued behind a running one; its request id."""
    waiter = asyncio.create_task(engine.tell(team, message, timeout=0))
    runtime = await until(lambda: next((r for r in engine.live_sessions() if r.team == team and r.queue), None))
    return waiter, runtime.queue[-1].request_id


# every tell ends through one path


@pytest.mark.parametrize("operation", ["delete", "reboot"])
async def test_a_deleted_session_ends_its_queued_tells_for_whoever_waits(engine: Engine, operation: str) -> None:
    running, runtime = await hanging(engine)
    subscription = engine.events.subscribe([session_channel(str(runtime.session_id))])
    waiter, queued_id = await queued_waiter(engine, "alpha", "behind the hang")
    await getattr(engine, operation)("alpha")
    ended = await asyncio.wait_for(waiter, 10)  # released, not left waiting forever
    assert ended.request_id == queued_id and ended.status == "cancelled"
    assert ended.reason and ended.reason.startswith("cancelled"), ended.reason
    published = completions(subscription)
    assert published[str(queued_id)]["status"] == "cancelled"  # the same outcome as every other end
    assert published[str(running.request_id)]["status"] == "cancelled"


async def test_a_tell_sent_during_a_delete_goes_to_a_fresh_session(engine: Engine) -> None:
    _running, runtime = await hanging(engine)
    old = runtime.session_id
    late = asyncio.create_task(engine.tell("alpha", "sent while the session goes"))
    deleted = await engine.delete("alpha")  # the tell above is sent during the delete's first wait
    assert deleted.session_id == old
    told = await asyncio.wait_for(late, 30)
    assert told.status == "completed" and told.session_id != old, told
    assert await engine.store.get_session(old) is None
    assert [r.session_id for r in engine.live_sessions() if r.pid is not None] == [told.session_id]
    assert len(claude_processes()) == 1  # nothing runs for the deleted session


async def test_a_team_removed_on_reload_ends_its_tells(make_config: ConfigFactory, engine_factory: Start) -> None:
    engine = await engine_factory(make_config(teams=("alpha", "beta")))
    running, runtime = await hanging(engine, "beta")
    subscription = engine.events.subscribe([session_channel(str(runtime.session_id))])
    waiter, queued_id = await queued_waiter(engine, "beta", "for a team about to go")
    engine.apply_config(make_config(teams=("alpha",)))
    ended = await asyncio.wait_for(waiter, 10)
    assert ended.request_id == queued_id and ended.status == "failed"
    assert ended.reason and ended.reason.startswith("team_removed"), ended.reason
    stopped = await engine.wait_for(running.request_id, 20)
    assert stopped.status == "cancelled" and stopped.reason and stopped.reason.startswith("team_removed")
    await until(lambda: runtime.pid is None, what="the removed team's process to stop")
    published = completions(subscription)
    assert {published[str(r)]["status"] for r in (queued_id, running.request_id)} == {"failed", "cancelled"}
    await engine.recorded()
    stored = await engine.store.get_tell(queued_id)
    assert stored is not None and stored.status == "failed"


# nobody waits forever on a stopped server


async def test_a_tell_after_shutdown_is_kept_and_its_caller_released(
    make_config: ConfigFactory, engine_factory: Start
) -> None:
    config = make_config()
    engine = await engine_factory(config)
    await hanging(engine)
    waiter, queued_id = await queued_waiter(engine, "alpha", "before the stop")
    await engine.shutdown()
    before = await asyncio.wait_for(waiter, 10)
    assert before.request_id == queued_id and before.status == "queued"
    late = await asyncio.wait_for(engine.tell("alpha", "after the stop", timeout=0), 10)
    assert late.status == "queued"  # accepted, kept, and its caller let go
    await engine.store.close()
    engine = await engine_factory(config)
    done = [await engine.wait_for(r, 60) for r in (queued_id, late.request_id)]
    assert [t.status for t in done] == ["completed", "completed"], done
    assert done[1].response and done[1].response.endswith("after the stop")


# one server per store


async def test_a_second_engine_on_the_same_store_refuses_to_start(
    make_config: ConfigFactory, engine_factory: Start, tmp_path: Path
) -> None:
    config = make_config()
    first = await engine_factory(config)
    told = await first.tell("alpha", "#hang", timeout=-1)
    second = Engine(config)
    with pytest.raises(ConfigurationError) as refused:
        await second.start()
    assert refused.value.message == f"another Iris server is running on iris.db (pid {os.getpid()})"
    assert (await first.get_request(told.request_id)).status in ("queued", "running")  # left alone
    database = msgspec.structs.replace(config.database, path=str(tmp_path / "b.db"))
    other = msgspec.structs.replace(config, database=database)
    elsewhere = await engine_factory(other)  # another store: another server may run on it
    assert (await elsewhere.tell("beta", "on its own store")).status == "completed"
    deadline = time.monotonic() + 60
    while (await first.get_request(told.request_id)).status != "running":  # a running tell is cancelled at a stop
        assert time.monotonic() < deadline, "the #hang tell never started"
        await asyncio.sleep(0.05)
    await first.shutdown()
    again = await engine_factory(config)  # the lock is released at shutdown
    assert (await again.get_request(told.request_id)).status == "cancelled"


# logs


def test_the_log_buffer_keeps_no_key(standin: ModelStandIn) -> None:
    key = "iris_sk_test_" + "A1b2C3d4E5" * 4
    buffer = LogBuffer(10)
    logger = logging.getLogger("iris.test-redaction")
    logger.addHandler(buffer)
    try:
        try:
            raise ValueError(f"bad credential {key}")
        except ValueError:
            logger.exception("refused %s", f"Bearer {key}", extra={"header": f"Authorization: Bearer {key}"})
        logger.warning("as an object: %r", {"key": key}, extra={"value": [key]})
    finally:
        logger.removeHandler(buffer)
    entries = list(buffer.entries)
    assert len(entries) == 2
    text = repr([(e.message, e.context) for e in entries])
    assert key not in text and key[8:] not in text and "[REDACTED]" in text
    assert entries[0].context["exception"] == "ValueError: bad credential iris_sk_[REDACTED]"


def test_a_scoped_key_reads_its_teams_engine_logs(tmp_path: Path, standin: ModelStandIn) -> None:
    config = write_config(tmp_path, standin, {"alpha": {}, "beta": {}}, api={"requireAuth": True})
    live = LiveServer(config, create_key(config)).start()
    scoped = create_key(config, "alpha-dev", role="developer", teams=["alpha"])
    try:
        with live.client() as admin, live.client(key=scoped) as alpha:
            woken = {team: admin.post(f"/api/teams/{team}/wake", json={}) for team in ("alpha", "beta")}
            assert all(answer.status_code == 200 for answer in woken.values()), woken
            sessions = {team: answer.json()["sessionId"] for team, answer in woken.items()}

            def spawned(client: httpx.Client) -> dict[str, dict[str, Any]]:
                page = client.get("/api/logs", params={"limit": 500})
                assert page.status_code == 200, page.text
                return {
                    item["context"]["team"]: item["context"]
                    for item in page.json()["items"]
                    if item["message"].startswith("spawned Claude Code")
                }

            everything = spawned(admin)
            assert set(everything) == {"alpha", "beta"}
            assert everything["beta"] == {"team": "beta", "fromTeam": "external", "sessionId": sessions["beta"]}
            seen = spawned(alpha)
            assert set(seen) == {"alpha"}  # its team's record, and not the other team's
            assert seen["alpha"]["fromTeam"] == "external"
    finally:
        live.stop()

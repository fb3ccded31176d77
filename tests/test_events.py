"""Typed engine events and typed tell failures: the wire event follows the failure's kind (never its reason's
text), the kind survives a restart, and an event that does not fit the contract is never sent."""

from __future__ import annotations

import asyncio
import datetime
import json
import logging
import os
import signal
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest
from claude_agent_sdk.types import AssistantMessage, TextBlock
from httpx_sse import aconnect_sse

from app.api import models as m
from app.api.streams.schemas import ContractError, control_event, map_event, terminal_from_view
from app.clock import utcnow
from app.config import IrisConfig
from app.db.store import Store
from app.engine import Engine
from app.engine.events import EventHub, team_channel
from app.engine.messages import Said, read
from app.engine.records import CacheMessage, ProcessSpawned, Record, TellEnded, TellQueued
from app.engine.restart import SERVER_RESTART
from app.engine.tells import Failure, FailureKind, KeptMessage, TellStatus
from app.engine.views import TellView
from app.errors import ProcessPoolLimitError
from app.standin import ModelStandIn
from tests.conftest import ConfigFactory
from tests.support.live import LiveServer, write_config
from tests.support.records import stored_tell
from tests.support.waiting import until

Start = Callable[[IrisConfig], Any]
_server_event = msgspec.json.Decoder(m.ServerEvent)


def wire_of(record: Record) -> Any:
    """The contract's event a record goes out as (on its first channel), decoded strictly."""
    [event, *_] = EventHub().publish(record)
    return _server_event.decode(map_event(event).body)


def ended(failure: Failure | None, *, status: TellStatus = TellStatus.FAILED, is_error: bool = False) -> TellEnded:
    """The end of a tell with that failure."""
    return TellEnded(
        session_id=uuid.uuid4(),
        request_id=uuid.uuid4(),
        status=status,
        response="said so far",
        failure=failure,
        is_error=is_error,
        duration_ms=12,
        cost_usd=None,
    )


# the wire event follows the failure's kind


@pytest.mark.parametrize(
    ("kind", "detail", "error"),
    [
        (FailureKind.POOL_FULL, "every process is busy", m.ErrorName.process_pool_limit_error),
        (FailureKind.START_TIMEOUT, "Claude Code was not ready in time", m.ErrorName.timeout_error),
        (FailureKind.START_FAILED, "Claude Code could not start", m.ErrorName.process_error),
        (FailureKind.PROCESS_EXITED, "Claude Code went away", m.ErrorName.process_error),
        (FailureKind.INTERNAL_ERROR, "something broke inside", m.ErrorName.internal_server_error),
    ],
)
def test_an_iris_failure_ends_as_tell_error_whatever_its_reason_says(
    kind: FailureKind, detail: str, error: m.ErrorName
) -> None:
    event = wire_of(ended(Failure(kind, detail)))
    assert isinstance(event, m.TellErrorEvent), event
    assert event.data.error is error and event.data.message == detail


@pytest.mark.parametrize(
    ("failure", "status", "is_error"),
    [
        (Failure(FailureKind.TEAM_REMOVED, "internal_error: reads like Iris's own"), TellStatus.FAILED, False),
        (Failure(FailureKind.CLAUDE_ERROR, "process_exited: what the model said"), TellStatus.FAILED, True),
        (Failure(FailureKind.CANCELLED, "ProcessError: text a caller chose"), TellStatus.CANCELLED, False),
        (Failure(FailureKind.STALLED, "TimeoutError: quiet for 5 ms"), TellStatus.STALLED, False),
    ],
)
def test_any_other_end_is_tell_complete_with_its_reason_unchanged(
    failure: Failure, status: TellStatus, is_error: bool
) -> None:
    event = wire_of(ended(failure, status=status, is_error=is_error))
    assert isinstance(event, m.TellCompleteEvent), event
    assert event.data.reason == failure.detail and event.data.status == status.value
    assert event.data.is_error is is_error


def test_an_engine_error_names_its_failure_kind() -> None:
    failure = Failure.not_started(ProcessPoolLimitError("All 2 processes are busy"))
    assert failure == Failure(FailureKind.POOL_FULL, "ProcessPoolLimitError: All 2 processes are busy")


# the kind survives a restart


async def test_a_stored_failure_reads_back_by_its_kind_not_its_text(tmp_path: Path) -> None:
    store = Store(f"sqlite+aiosqlite:///{tmp_path / 'iris.db'}")
    await store.open()
    try:
        tell = await stored_tell(store, status="running")
        crashed, waiting = await store.recover_after_restart(
            utcnow(), reason=SERVER_RESTART.detail, failure_kind=str(SERVER_RESTART.kind)
        )
        assert (crashed, waiting) == (1, [])
        stored = await store.get_tell(tell.id)
        assert stored is not None
        assert TellView.from_record(stored).failure == SERVER_RESTART

        # the same reason text with another kind: the kind decides, the text is only shown
        await store.update_tell(tell.id, failure_kind="process_exited")
        stored = await store.get_tell(tell.id)
        assert stored is not None
        view = TellView.from_record(stored)
        assert view.failure == Failure(FailureKind.PROCESS_EXITED, SERVER_RESTART.detail)
        assert view.reason == "server_restart: the server stopped during the tell"
        terminal = _server_event.decode(terminal_from_view(view, 7).body)
        assert isinstance(terminal, m.TellErrorEvent) and terminal.data.error is m.ErrorName.process_error
    finally:
        await store.close()


async def test_a_crashed_tell_keeps_its_failure_kind_across_a_restart(
    make_config: ConfigFactory, engine_factory: Start
) -> None:
    config = make_config()
    engine: Engine = await engine_factory(config)
    running = await engine.tell("alpha", "#slow:40:200 a long story", timeout=-1)
    await until(lambda: next(iter(engine.live_sessions())).state == "processing", what="processing")
    [status] = await engine.team_status(team="alpha")
    assert status.pid is not None
    os.kill(status.pid, signal.SIGKILL)
    live = await engine.wait_for(running.request_id, 20)
    assert live.failure is not None and live.failure.kind is FailureKind.PROCESS_EXITED
    await engine.shutdown()

    again: Engine = await engine_factory(config)
    stored = await again.get_request(running.request_id)  # from the store now
    assert stored.failure == live.failure and stored.reason == live.reason
    terminal = _server_event.decode(terminal_from_view(stored, None).body)
    assert isinstance(terminal, m.TellErrorEvent) and terminal.data.error is m.ErrorName.process_error


# an event that does not fit the contract is never sent


@pytest.mark.parametrize(
    ("record", "field"),
    [
        (ProcessSpawned(team="alpha", from_team="external", session_id=uuid.uuid4(), pid=0), "$.data.pid"),
        (TellQueued(session_id=uuid.uuid4(), request_id=uuid.uuid4(), position=0), "$.data.position"),
        (ProcessSpawned(team="a" * 65, from_team="external", session_id=uuid.uuid4(), pid=7), "$.data.team"),
    ],
)
def test_an_event_that_does_not_fit_the_contract_fails_when_encoded(record: Record, field: str) -> None:
    [event, *_] = EventHub().publish(record)
    with pytest.raises(ContractError, match=field.replace("$", r"\$")):
        map_event(event)


def test_a_stream_event_that_does_not_fit_the_contract_fails_when_encoded() -> None:
    with pytest.raises(ContractError, match=r"\$\.data\.reason"):
        control_event("reset", {"reason": 5})
    with pytest.raises(ContractError, match="unknown field"):
        control_event("reset", {"reason": "gap", "extra": True})


class _Kept(logging.Handler):
    """Keeps the records logged while it is attached."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def test_a_live_subscriber_never_gets_an_event_outside_the_contract(
    tmp_path: Path, standin: ModelStandIn
) -> None:
    kept = _Kept()
    events_log = logging.getLogger("iris.events")
    events_log.addHandler(kept)
    session = uuid.uuid4()
    try:
        with LiveServer(write_config(tmp_path, standin)) as server:
            layer = server.layer
            assert layer is not None
            async with (
                server.async_client() as http,
                aconnect_sse(http, "GET", "/api/events", params={"team": "alpha"}) as source,
            ):
                await server.eventually(lambda: layer.bus.subscribers(team_channel("alpha")), 1)
                for pid in (0, 4242):  # a pid of 0 is outside the contract (pid ≥ 1)
                    spawned = ProcessSpawned(team="alpha", from_team="external", session_id=session, pid=pid)
                    server.call(lambda record=spawned: server.engine.events.publish(record))
                async with asyncio.timeout(30):
                    async for sent in source.aiter_sse():
                        if sent.event == "process:spawned":
                            first = json.loads(sent.data)["data"]
                            break
        assert first["sessionId"] == str(session) and first["pid"] == 4242  # the pid-0 event never went out
        refused = [r for r in kept.records if r.exc_info and isinstance(r.exc_info[1], ContractError)]
        assert len(refused) == 1 and "$.data.pid" in str(refused[0].exc_info[1])  # type: ignore[index]
    finally:
        events_log.removeHandler(kept)


def test_every_engine_record_keeps_its_wire_name_and_channel() -> None:
    session, request = uuid.uuid4(), uuid.uuid4()
    queued = TellQueued(session_id=session, request_id=request, position=1)
    [event] = EventHub().publish(queued)
    wire = map_event(event)
    assert (event.name, event.channel, event.seq) == ("tell:queued", f"session:{session}", 1)
    assert (wire.name, wire.channel, wire.seq, wire.request_id) == ("tell:queued", event.channel, 1, str(request))
    assert event.data == {"sessionId": str(session), "requestId": str(request), "position": 1, "seq": 1}
    assert json.loads(wire.body) == {
        "event": "tell:queued",
        "data": {"requestId": str(request), "seq": 1, "position": 1, "sessionId": str(session)},
    }


def test_a_kept_message_maps_to_the_same_bytes_whenever_it_is_mapped() -> None:
    said = read(AssistantMessage(content=[TextBlock("hi")], model="claude-test", parent_tool_use_id=None))
    assert isinstance(said, Said)
    session, request = uuid.uuid4(), uuid.uuid4()
    [event] = EventHub().publish(CacheMessage(session_id=session, request_id=request, message=KeptMessage.of(said)))
    live = map_event(event)
    time.sleep(0.01)  # a replay made later (once the bus has forgotten the live form) is the same bytes
    assert map_event(event).body == live.body
    cached = json.loads(live.body)["data"]["message"]
    assert cached["data"] == said.data and cached["type"] == "assistant" and cached["seq"] == 1
    stamped = datetime.datetime.fromisoformat(cached["timestamp"])
    assert stamped == said.at.replace(microsecond=said.at.microsecond // 1000 * 1000)  # when Iris read it

"""The Python client's stream helpers (iris_client.streams) against the scripted stream server.

The scripted server drops connections on purpose, so resuming (SSE `Last-Event-ID`, WebSocket
`afterSeq`) is tested deterministically; test_python_client.py runs the same helpers on the real server.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid

import pytest
from iris_client import AuthenticatedClient
from iris_client.models import LogRecord, TellChunk, TellComplete, TellStartRequest
from iris_client.streams import (
    EVENT_MODELS,
    IrisApiError,
    IrisAuthError,
    IrisStreamError,
    IrisWebSocket,
    SSEDecoder,
    asubscribe,
    atell_stream,
    parse_event,
    subscribe,
    tell_stream,
    websocket_url,
)

from app.spec import spec_document
from tests.clients.fake_streams import API_KEY, FakeServer


@pytest.fixture
def client(fake: FakeServer) -> AuthenticatedClient:
    return AuthenticatedClient(base_url=fake.url, token=API_KEY)


def test_sse_decoder_follows_the_whatwg_rules() -> None:
    decoder = SSEDecoder()
    lines = [": comment", "event: tell:chunk", "id: s:1", 'data: {"a":', "data: 1}", "retry: 250", ""]
    out = [m for m in (decoder.feed(line) for line in lines) if m]
    assert len(out) == 1
    assert (out[0].event, out[0].id, out[0].data, out[0].retry) == ("tell:chunk", "s:1", '{"a":\n1}', 250)
    assert decoder.feed("") is None  # a blank line with nothing pending dispatches nothing


def test_parse_event_gives_the_generated_model() -> None:
    sid, rid = str(uuid.uuid4()), str(uuid.uuid4())
    event = parse_event({"event": "tell:chunk", "data": {"requestId": rid, "sessionId": sid, "seq": 3, "chunk": "x"}})
    assert isinstance(event.data, TellChunk)
    assert (event.data.chunk, event.seq, event.session_id, event.request_id) == ("x", 3, sid, rid)
    unknown = parse_event({"event": "future:event", "data": {"x": 1}})
    assert unknown.data == {"x": 1}


def test_every_event_of_the_contract_has_its_model() -> None:
    schemas = spec_document()["components"]["schemas"]
    mapping = schemas["ServerEvent"]["discriminator"]["mapping"]
    assert set(EVENT_MODELS) == set(mapping)
    for name, ref in mapping.items():
        data = schemas[ref.rsplit("/", 1)[1]]["properties"]["data"]["$ref"].rsplit("/", 1)[1]
        assert EVENT_MODELS[name].__name__ == data, name


def test_websocket_url() -> None:
    assert websocket_url("http://127.0.0.1:1615") == "ws://127.0.0.1:1615/ws"
    assert websocket_url("https://iris.example/") == "wss://iris.example/ws"


def test_tell_stream_yields_accepted_chunks_then_complete(client: AuthenticatedClient) -> None:
    events = list(tell_stream(client, TellStartRequest(to_team="alpha", message="hi")))
    assert [e.event for e in events] == ["tell:accepted", "tell:chunk", "tell:chunk", "tell:complete"]
    assert "".join(e.data.chunk for e in events if isinstance(e.data, TellChunk)) == "Hello"
    assert isinstance(events[-1].data, TellComplete) and events[-1].data.response == "Hello"
    session = events[0].session_id
    assert [e.id for e in events] == [f"{session}:{n}" for n in (1, 2, 3, 4)]


@pytest.mark.parametrize(
    ("team", "status", "name"), [("nope", 404, "TeamNotFoundError"), ("secret", 403, "ForbiddenError")]
)
def test_tell_stream_raises_typed_errors(client: AuthenticatedClient, team: str, status: int, name: str) -> None:
    with pytest.raises(IrisApiError) as caught:
        list(tell_stream(client, {"toTeam": team, "message": "hi"}))
    assert (caught.value.status_code, caught.value.name) == (status, name)
    assert caught.value.error is not None and caught.value.error.status_code == status


def test_tell_stream_without_a_key_is_401(fake: FakeServer) -> None:
    anonymous = AuthenticatedClient(base_url=fake.url, token="iris_sk_wrong")
    with pytest.raises(IrisApiError) as caught:
        list(tell_stream(anonymous, {"toTeam": "alpha", "message": "hi"}))
    assert caught.value.name == "UnauthorizedError"


async def test_atell_stream(client: AuthenticatedClient) -> None:
    events = [e async for e in atell_stream(client, {"toTeam": "alpha", "message": "hi"})]
    assert events[-1].event == "tell:complete"


def test_subscribe_resumes_with_last_event_id(client: AuthenticatedClient, fake: FakeServer) -> None:
    session = str(uuid.uuid4())
    events = list(itertools.islice(subscribe(client, session=session, retry_delay=0.05), 10))
    assert [e.seq for e in events] == list(range(1, 11))  # nothing lost, nothing twice
    asked = [r["last_event_id"] for r in fake.fake.log if r.get("query", {}).get("session") == session]
    assert asked[:2] == [None, f"{session}:4"]


async def test_asubscribe_resumes_and_follows_live_events(client: AuthenticatedClient, fake: FakeServer) -> None:
    session = str(uuid.uuid4())
    stream = asubscribe(client, session=session, retry_delay=0.05)
    seqs = [(await anext(stream)).seq for _ in range(10)]
    assert seqs == list(range(1, 11))
    fake.fake.sessions[session].add("tell:chunk", requestId=str(uuid.uuid4()), chunk="live")  # published later
    event = await asyncio.wait_for(anext(stream), 5)
    assert (event.event, event.seq) == ("tell:chunk", 11)
    await stream.aclose()


def test_subscribe_passes_a_reset_through(client: AuthenticatedClient) -> None:
    gone = "00000000-0000-4000-8000-000000000000"
    event = next(subscribe(client, session=gone, last_event_id=f"{gone}:0", retry_delay=0.05))
    assert event.event == "reset" and event.raw["reason"] == "gap"


def test_subscribe_team_and_system(client: AuthenticatedClient) -> None:
    names = {e.event for e in itertools.islice(subscribe(client, team="alpha", system=True, retry_delay=0.05), 2)}
    assert names == {"process:spawned", "health:check"}


def test_subscribe_logs(client: AuthenticatedClient, fake: FakeServer) -> None:
    event = next(subscribe(client, logs="warning", retry_delay=0.05))
    assert event.event == "log:record" and isinstance(event.data, LogRecord) and event.id is None
    assert event.data.message == "subscribed at warning"
    assert fake.fake.log[-1]["query"] == {"logs": "warning"}


def test_subscribe_refused_raises_at_once(client: AuthenticatedClient) -> None:
    with pytest.raises(IrisApiError) as caught:
        next(subscribe(client, team="secret"))
    assert caught.value.status_code == 403
    with pytest.raises(ValueError, match="at least one"):
        next(subscribe(client))


@pytest.mark.parametrize("auth", ["header", "message"])
async def test_websocket_tell_with_either_kind_of_auth(
    client: AuthenticatedClient, fake: FakeServer, auth: str
) -> None:
    async with IrisWebSocket.connect(client, auth=auth) as ws:
        events = [e async for e in ws.tell({"toTeam": "alpha", "message": "hi"})]
    assert [e.event for e in events] == ["tell:accepted", "tell:chunk", "tell:chunk", "tell:complete"]
    assert fake.fake.log[-1]["auth"] == auth


async def test_websocket_refused_tell_raises(client: AuthenticatedClient) -> None:
    async with IrisWebSocket.connect(client) as ws:
        with pytest.raises(IrisStreamError, match="ForbiddenError"):
            [e async for e in ws.tell({"toTeam": "secret", "message": "hi"})]
        # the socket is still usable
        events = [e async for e in ws.tell({"toTeam": "alpha", "message": "again"})]
        assert events[-1].event == "tell:complete"


async def test_websocket_bad_key_is_4401(fake: FakeServer) -> None:
    ws = IrisWebSocket.connect(fake.url, "iris_sk_wrong", auth="message")
    await ws.open()
    with pytest.raises(IrisAuthError):
        await ws.next_event(timeout=5)
    await ws.close()


async def test_websocket_subscriptions_replay_after_seq(client: AuthenticatedClient) -> None:
    session = str(uuid.uuid4())
    async with IrisWebSocket.connect(client) as ws:
        await ws.subscribe_session(session, after_seq=7)
        await ws.subscribe_team("alpha")
        await ws.subscribe_system()
        got = [await ws.next_event(timeout=5) for _ in range(5)]
    assert sorted(e.seq for e in got if e.seq) == [8, 9, 10]
    assert {e.event for e in got} >= {"process:spawned", "health:check"}


async def test_websocket_logs_are_resubscribed_at_their_level_after_a_drop(
    client: AuthenticatedClient, fake: FakeServer
) -> None:
    async with IrisWebSocket.connect(client, retry_delay=0.05) as ws:
        await ws.subscribe_logs("error")
        first = await ws.next_event(timeout=5)
        assert first.event == "log:record" and isinstance(first.data, LogRecord)
        [e async for e in ws.tell({"toTeam": "alpha", "message": "#drop"})]  # the socket drops, then reconnects
        assert ws.reconnects == 1
        records = []
        async with asyncio.timeout(5):
            while not records:
                event = await ws.next_event(timeout=5)
                if event.event == "log:record":
                    records.append(event)
        assert isinstance(records[0].data, LogRecord) and records[0].data.message == "subscribed at error"
        await ws.unsubscribe_logs()
        assert ws.logs is None
    sockets = [entry for entry in fake.fake.log if entry["path"] == "/ws"][-2:]
    sent = [[m for m in entry["messages"] if m["event"].startswith("logs:")] for entry in sockets]
    assert sent[0] == [{"event": "logs:subscribe", "data": {"level": "error"}}]
    assert sent[1][0] == {"event": "logs:subscribe", "data": {"level": "error"}}


async def test_websocket_tell_resumes_after_a_dropped_connection(client: AuthenticatedClient) -> None:
    async with IrisWebSocket.connect(client, retry_delay=0.05) as ws:
        events = [e async for e in ws.tell({"toTeam": "alpha", "message": "#drop"})]
        assert ws.reconnects == 1
    # accepted and the first chunk before the drop; the rest replayed after re-subscribing with afterSeq
    assert [e.event for e in events] == ["tell:accepted", "tell:chunk", "tell:chunk", "tell:complete"]
    assert [e.seq for e in events] == [1, 2, 3, 4]

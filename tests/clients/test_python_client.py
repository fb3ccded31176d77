"""The Python client (iris_client, generated + streams) against a live Iris server.

Every operation of the contract is called at least once (`covers` records which; the last test
checks the record against openapi/iris.yaml), through the sync and the async API, with the typed
error paths (404, 403), a 202 tell fetched later and streamed tells over SSE and the WebSocket.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from iris_client import AuthenticatedClient, Client
from iris_client.api.audit import audit_log
from iris_client.api.cache import clear_cache, read_cache
from iris_client.api.keys import create_key, current_key, list_keys, revoke_key
from iris_client.api.permissions import decide_permission, list_permissions
from iris_client.api.processes import launch_team, sleep_team, wake_all, wake_team
from iris_client.api.sessions import (
    cancel_tell,
    compact_session,
    delete_session,
    fork_session,
    reboot_session,
    session_report,
)
from iris_client.api.status import get_date, get_logs, get_metrics, health, system_status, team_status
from iris_client.api.teams import ask, get_request, list_teams, quick_tell, tell
from iris_client.api.webhooks import (
    create_webhook,
    delete_webhook,
    list_webhook_deliveries,
    list_webhooks,
    redeliver_webhook,
)
from iris_client.models import (
    ApiKey,
    AuditEventType,
    Budget,
    BudgetPeriod,
    CancelRequest,
    CompactRequest,
    CreatedApiKey,
    CreatedWebhook,
    CreateKeyRequest,
    CreateWebhookRequest,
    Error,
    ErrorName,
    ForkRequest,
    KeyRole,
    LogLevel,
    Permission,
    PermissionDecision,
    PermissionDecisionRequest,
    ProcessRestart,
    SleepRequest,
    TellChunk,
    TellComplete,
    TellRequest,
    TellResponse,
    TellStartRequest,
    TellStatus,
    WakeAllRequest,
    WakeRequest,
    WebhookDeliveryStatus,
    WebhookEventType,
)
from iris_client.streams import IrisApiError, IrisStreamError, IrisWebSocket, asubscribe, tell_stream, unwrap

from tests.clients.conftest import LiveIris, operation_ids

COVERED: set[str] = set()
F = TypeVar("F", bound=Callable[..., Any])
TERMINAL = {TellStatus.COMPLETED, TellStatus.FAILED, TellStatus.CANCELLED, TellStatus.STALLED}


def covers(*operations: str) -> Callable[[F], F]:
    """Record the operations a test calls (checked against the contract by test_every_operation_is_covered)."""
    COVERED.update(operations)

    def mark(test: F) -> F:
        return test

    return mark


@pytest.fixture
def iris(live_iris: LiveIris) -> Iterator[AuthenticatedClient]:
    with AuthenticatedClient(base_url=live_iris.url, token=live_iris.keys.admin, timeout=60) as client:
        yield client


@pytest.fixture
def viewer(live_iris: LiveIris) -> Iterator[AuthenticatedClient]:
    """status:read and cache:read, team alpha only."""
    with AuthenticatedClient(base_url=live_iris.url, token=live_iris.keys.viewer_alpha, timeout=60) as client:
        yield client


def wait_for_end(iris: AuthenticatedClient, request_id: uuid.UUID, seconds: float = 60) -> TellResponse:
    """Poll GET /api/requests/{id} until the tell reaches a terminal status."""
    deadline = time.monotonic() + seconds
    while True:
        record = unwrap(get_request.sync_detailed(request_id, client=iris))
        if record.status in TERMINAL or time.monotonic() > deadline:
            return record
        time.sleep(0.1)


# ----------------------------------------------------------------------------- status


@covers("health", "getDate", "systemStatus", "listTeams", "teamStatus", "getLogs")
def test_status_operations(live_iris: LiveIris, iris: AuthenticatedClient) -> None:
    anonymous = Client(base_url=live_iris.url)
    assert unwrap(health.sync_detailed(client=anonymous)).status in ("ok", "degraded")
    now = unwrap(get_date.sync_detailed(client=iris))
    assert abs(now.unix_ms / 1000 - time.time()) < 60
    assert unwrap(system_status.sync_detailed(client=iris)).teams == 2
    teams = unwrap(list_teams.sync_detailed(client=iris, include_processes=True))
    assert [t.name for t in teams.items] == ["alpha", "beta"]
    statuses = unwrap(team_status.sync_detailed(client=iris, team="beta"))
    assert [s.team for s in statuses.items] == ["beta"]
    logs = unwrap(get_logs.sync_detailed(client=iris, limit=5))
    assert len(logs.items) <= 5


@covers("getMetrics")
def test_metrics(iris: AuthenticatedClient, viewer: AuthenticatedClient) -> None:
    text = unwrap(get_metrics.sync_detailed(client=iris))
    assert "# TYPE iris_tells_total counter" in text and 'iris_processes{state="idle"}' in text
    refused = get_metrics.sync_detailed(client=viewer)
    assert refused.status_code == 403 and isinstance(refused.parsed, Error)
    assert refused.parsed.details and refused.parsed.details["permission"] == "metrics:read"


# ----------------------------------------------------------------------------- tells


@covers("tell", "ask", "getRequest", "readCache", "sessionReport", "listTeams")
def test_tell_and_ask_then_read_them_back(iris: AuthenticatedClient) -> None:
    told = tell.sync_detailed(client=iris, body=TellRequest(to_team="alpha", message="hello from python", timeout=0))
    assert told.status_code == 200
    record = unwrap(told)
    assert record.status == TellStatus.COMPLETED and "hello from python" in str(record.response)
    asked = unwrap(ask.sync_detailed(client=iris, body=TellRequest(to_team="alpha", message="and again")))
    assert asked.session_id == record.session_id  # the same caller -> team pair, the same session
    again = unwrap(get_request.sync_detailed(record.request_id, client=iris, include_messages=True))
    assert again.request_id == record.request_id and again.response == record.response
    cache = unwrap(read_cache.sync_detailed(record.session_id, client=iris, include_messages=False))
    assert {t.request_id for t in cache.items} >= {record.request_id, asked.request_id}
    report = unwrap(session_report.sync_detailed("alpha", client=iris, limit=1))
    assert report.session.session_id == record.session_id and len(report.items) == 1
    listed = unwrap(list_teams.sync_detailed(client=iris, include_sessions=True, session_limit=500))
    [alpha] = [team for team in listed.items if team.name == "alpha"]
    assert alpha.sessions_truncated is False and isinstance(alpha.sessions, list)
    [session] = [s for s in alpha.sessions if s.session_id == record.session_id]
    assert session.from_team == "external" and session.tell_count == len(cache.items) >= 2
    assert session.cost_usd == pytest.approx(sum(t.cost_usd or 0.0 for t in cache.items))
    assert session.cost_usd == pytest.approx(report.session.totals.cost_usd)


@covers("tell", "quickTell", "getRequest")
def test_a_202_tell_is_fetched_later(iris: AuthenticatedClient) -> None:
    body = TellRequest(to_team="beta", from_team="alpha", message="#slow:3:100 later please", timeout=-1)
    accepted = tell.sync_detailed(client=iris, body=body)
    assert accepted.status_code == 202
    first = unwrap(accepted)
    assert first.status in (TellStatus.QUEUED, TellStatus.RUNNING)
    assert accepted.headers["location"] == f"/api/requests/{first.request_id}"
    done = wait_for_end(iris, first.request_id)
    assert done.status == TellStatus.COMPLETED and "later please" in str(done.response)

    quick = quick_tell.sync_detailed(client=iris, body=TellStartRequest(to_team="beta", message="quick one"))
    assert quick.status_code == 202
    assert wait_for_end(iris, unwrap(quick).request_id).status == TellStatus.COMPLETED


@covers("tell", "getRequest")
async def test_async_api(iris: AuthenticatedClient) -> None:
    response = await tell.asyncio_detailed(client=iris, body=TellRequest(to_team="alpha", message="async hello"))
    record = unwrap(response)
    fetched = await get_request.asyncio(record.request_id, client=iris)
    assert isinstance(fetched, TellResponse) and fetched.request_id == record.request_id


# ----------------------------------------------------------------------------- typed errors


@covers("tell", "getRequest", "readCache", "decidePermission", "listPermissions")
def test_typed_404s(iris: AuthenticatedClient) -> None:
    unknown_team = tell.sync_detailed(client=iris, body=TellRequest(to_team="nobody", message="hi"))
    assert unknown_team.status_code == 404
    assert isinstance(unknown_team.parsed, Error) and unknown_team.parsed.error == ErrorName.TEAMNOTFOUNDERROR

    with pytest.raises(IrisApiError) as caught:
        unwrap(get_request.sync_detailed(uuid.uuid4(), client=iris))
    assert (caught.value.status_code, caught.value.name) == (404, "RequestNotFoundError")

    with pytest.raises(IrisApiError) as caught:
        unwrap(read_cache.sync_detailed(uuid.uuid4(), client=iris))
    assert caught.value.name == "SessionNotFoundError"

    assert unwrap(list_permissions.sync_detailed(client=iris)).items == []
    body = PermissionDecisionRequest(decision=PermissionDecision.DENY, reason="no such request")
    undecided = decide_permission.sync_detailed(uuid.uuid4(), client=iris, body=body)
    assert undecided.status_code == 404 and isinstance(undecided.parsed, Error)


@covers("tell", "teamStatus", "getRequest")
def test_typed_403s(live_iris: LiveIris, iris: AuthenticatedClient, viewer: AuthenticatedClient) -> None:
    refused = tell.sync_detailed(client=viewer, body=TellRequest(to_team="alpha", message="hi"))
    assert refused.status_code == 403
    assert isinstance(refused.parsed, Error) and refused.parsed.error == ErrorName.FORBIDDENERROR
    assert refused.parsed.details and refused.parsed.details["permission"] == "team:tell"

    with pytest.raises(IrisApiError) as caught:  # outside the key's team scope
        unwrap(team_status.sync_detailed(client=viewer, team="beta"))
    assert (caught.value.status_code, caught.value.name) == (403, "ForbiddenError")

    record = unwrap(tell.sync_detailed(client=iris, body=TellRequest(to_team="beta", message="scoped")))
    assert get_request.sync_detailed(record.request_id, client=viewer).status_code == 403

    unauthenticated = AuthenticatedClient(base_url=live_iris.url, token="iris_sk_test_" + "x" * 40)
    assert system_status.sync_detailed(client=unauthenticated).status_code == 401


# ----------------------------------------------------------------------------- sessions and processes


@covers("wakeTeam", "launchTeam", "sleepTeam", "wakeAll", "teamStatus")
def test_process_lifecycle(iris: AuthenticatedClient) -> None:
    woke = unwrap(wake_team.sync_detailed("beta", client=iris, body=WakeRequest(from_team="beta")))
    assert woke.pid > 0
    launched = launch_team.sync_detailed("alpha", client=iris, body=WakeRequest(from_team="beta"))
    assert launched.status_code == 202
    slept = unwrap(sleep_team.sync_detailed("beta", client=iris, body=SleepRequest(from_team="beta")))
    assert slept.session_id == woke.session_id
    everyone = unwrap(wake_all.sync_detailed(client=iris, body=WakeAllRequest(from_team="beta", parallel=True)))
    assert everyone.summary.total == 2 and everyone.summary.failed == 0
    statuses = unwrap(team_status.sync_detailed(client=iris, from_team="beta"))
    assert {s.team for s in statuses.items} == {"alpha", "beta"}


@covers("tell", "forkSession", "deleteSession", "cancelTell", "compactSession", "clearCache", "rebootSession")
def test_session_operations(iris: AuthenticatedClient) -> None:
    pair = {"from_team": "alpha"}
    first = unwrap(tell.sync_detailed(client=iris, body=TellRequest(to_team="beta", message="remember 7", **pair)))
    fork = unwrap(fork_session.sync_detailed("beta", client=iris, body=ForkRequest(**pair)))
    assert fork.forked_from == first.session_id and fork.session_id != first.session_id
    on_fork = TellRequest(to_team="beta", message="on the fork", session_id=fork.session_id, **pair)
    assert unwrap(tell.sync_detailed(client=iris, body=on_fork)).session_id == fork.session_id
    deleted = unwrap(delete_session.sync_detailed("beta", client=iris, from_team="alpha", session_id=fork.session_id))
    assert deleted.deleted and deleted.session_id == fork.session_id

    cancelled = unwrap(cancel_tell.sync_detailed("beta", client=iris, body=CancelRequest(**pair, drop_queued=True)))
    assert cancelled.cancelled is False  # nothing was running
    compact = compact_session.sync_detailed("beta", client=iris, body=CompactRequest(**pair, timeout=-1))
    assert compact.status_code == 202
    wait_for_end(iris, unwrap(compact).request_id)
    cleared = unwrap(clear_cache.sync_detailed(first.session_id, client=iris))
    assert cleared.cleared >= 1
    rebooted = unwrap(reboot_session.sync_detailed("beta", client=iris, from_team="alpha"))
    assert rebooted.old_session_id == first.session_id and rebooted.new_session_id != first.session_id


# ----------------------------------------------------------------------------- keys and audit


@covers("createKey", "listKeys", "revokeKey", "auditLog")
def test_keys_and_audit(iris: AuthenticatedClient) -> None:
    body = CreateKeyRequest(name="from-python", role=KeyRole.OPERATOR, teams=["alpha"])
    created = create_key.sync_detailed(client=iris, body=body)
    assert created.status_code == 201
    key = unwrap(created)
    assert isinstance(key, CreatedApiKey) and key.key.startswith("iris_sk_")
    listed = unwrap(list_keys.sync_detailed(client=iris, active=True))
    assert key.id in {k.id for k in listed.items}
    revoked = unwrap(revoke_key.sync_detailed(key.id, client=iris))
    assert isinstance(revoked, ApiKey) and revoked.active is False
    deadline = time.monotonic() + 10  # the audit log is written in batches: wait for the entry
    entries = unwrap(audit_log.sync_detailed(client=iris, event=AuditEventType.KEY_CREATED, limit=5))
    while not entries.items and time.monotonic() < deadline:
        time.sleep(0.2)
        entries = unwrap(audit_log.sync_detailed(client=iris, event=AuditEventType.KEY_CREATED, limit=5))
    assert entries.items and all(e.event == AuditEventType.KEY_CREATED for e in entries.items)


@covers("createKey", "listKeys", "tell", "quickTell")
def test_budgets_and_per_tell_options(live_iris: LiveIris, iris: AuthenticatedClient) -> None:
    body = CreateKeyRequest(
        name="python-budget", permissions=[Permission.TEAMTELL], budget_usd=0.05, budget_period=BudgetPeriod.MONTH
    )
    made = unwrap(create_key.sync_detailed(client=iris, body=body))
    with AuthenticatedClient(base_url=live_iris.url, token=made.key, timeout=60) as budgeted:
        over = unwrap(tell.sync_detailed(client=budgeted, body=TellRequest(to_team="beta", message="#cost:0.1 over")))
        assert over.status == TellStatus.FAILED and isinstance(over.reason, str)
        assert over.reason.startswith("budget_exceeded: ")
        refused = quick_tell.sync_detailed(client=budgeted, body=TellStartRequest(to_team="beta", message="again"))
        assert refused.status_code == 402
        assert isinstance(refused.parsed, Error) and refused.parsed.error == ErrorName.BUDGETEXCEEDEDERROR
        with pytest.raises(IrisApiError) as raised:
            unwrap(tell.sync_detailed(client=budgeted, body=TellRequest(to_team="beta", message="and again")))
        assert raised.value.status_code == 402
    listed = {k.id: k for k in unwrap(list_keys.sync_detailed(client=iris, limit=500)).items}
    shown = listed[made.id].budget
    assert isinstance(shown, Budget) and shown.limit_usd == 0.05 and shown.period == BudgetPeriod.MONTH
    assert shown.spent_usd == pytest.approx(0.1, abs=1e-6)

    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    # a plain tell first: the session's process runs with the team's own options, so the next one restarts it
    unwrap(tell.sync_detailed(client=iris, body=TellRequest(to_team="beta", message="plain first")))
    shaped = unwrap(
        tell.sync_detailed(
            client=iris,
            body=TellRequest(to_team="beta", message='#json:{"n": 5}', output_schema=schema, model="claude-haiku-4-5"),
        )
    )
    assert shaped.status == TellStatus.COMPLETED and shaped.output == {"n": 5}
    assert isinstance(shaped.process_restart, ProcessRestart)
    assert [option.value for option in shaped.process_restart.options] == ["outputSchema"]


@covers("createWebhook", "listWebhooks", "listWebhookDeliveries", "redeliverWebhook", "deleteWebhook", "tell")
def test_webhooks(live_iris: LiveIris, iris: AuthenticatedClient) -> None:
    hook_url = f"{live_iris.url}/hook-from-python"  # the server itself: it answers 404, so each delivery fails
    body = CreateWebhookRequest(url=hook_url, events=[WebhookEventType.TELL_COMPLETED], teams=["alpha"])
    created = create_webhook.sync_detailed(client=iris, body=body)
    assert created.status_code == 201
    hook = unwrap(created)
    assert isinstance(hook, CreatedWebhook) and hook.secret.startswith("whsec_")
    assert hook.id in {h.id for h in unwrap(list_webhooks.sync_detailed(client=iris)).items}
    told = unwrap(
        tell.sync_detailed(client=iris, body=TellRequest(to_team="alpha", message="hook", callback_url=hook_url))
    )
    deadline = time.monotonic() + 20
    page = unwrap(list_webhook_deliveries.sync_detailed(hook.id, client=iris))
    while not (page.items and page.items[0].attempts) and time.monotonic() < deadline:
        time.sleep(0.2)
        page = unwrap(list_webhook_deliveries.sync_detailed(hook.id, client=iris))
    [delivery] = page.items
    assert delivery.request_id == told.request_id and delivery.status == WebhookDeliveryStatus.FAILED
    assert delivery.attempts[0].status_code == 404
    again = redeliver_webhook.sync_detailed(hook.id, delivery.id, client=iris)
    assert again.status_code == 202 and unwrap(again).message_id == delivery.message_id
    deleted = unwrap(delete_webhook.sync_detailed(hook.id, client=iris))
    assert deleted.id == hook.id
    assert hook.id not in {h.id for h in unwrap(list_webhooks.sync_detailed(client=iris)).items}


@covers("currentKey")
def test_the_calling_key(iris: AuthenticatedClient, viewer: AuthenticatedClient, live_iris: LiveIris) -> None:
    admin = unwrap(current_key.sync_detailed(client=iris))
    assert admin.authenticated is True and admin.name == "clients-admin" and admin.teams is None
    assert [p.value for p in admin.permissions] == ["admin"]
    scoped = unwrap(current_key.sync_detailed(client=viewer))
    assert sorted(p.value for p in scoped.permissions) == ["cache:read", "status:read"] and scoped.teams == ["alpha"]
    with AuthenticatedClient(base_url=live_iris.url, token="iris_sk_test_" + "x" * 40) as nobody:
        assert current_key.sync_detailed(client=nobody).status_code == 401


# ----------------------------------------------------------------------------- streams


@covers("tellStream")
def test_streamed_tell_over_sse(iris: AuthenticatedClient) -> None:
    events = list(tell_stream(iris, TellStartRequest(to_team="alpha", message="#slow:3:50 streamed")))
    names = [e.event for e in events]
    assert names[0] == "tell:accepted" and names[-1] == "tell:complete"
    text = "".join(e.data.chunk for e in events if isinstance(e.data, TellChunk))
    assert isinstance(events[-1].data, TellComplete) and text == events[-1].data.response
    with pytest.raises(IrisApiError) as caught:
        list(tell_stream(iris, TellStartRequest(to_team="nobody", message="hi")))
    assert caught.value.name == "TeamNotFoundError"


@covers("events", "tell", "quickTell", "getRequest")
async def test_subscription_over_sse_follows_and_resumes(iris: AuthenticatedClient) -> None:
    first = unwrap(tell.sync_detailed(client=iris, body=TellRequest(to_team="beta", message="open the session")))
    session = str(first.session_id)
    cached = unwrap(get_request.sync_detailed(first.request_id, client=iris, include_messages=True))
    assert cached.messages
    mark = max(m.seq for m in cached.messages)
    # Subscribe from the first tell's last message: the rest of its events are replayed, then the
    # second tell's arrive live (whether they are published before or after the stream opens).
    stream = asubscribe(iris, session=session, last_event_id=f"{session}:{mark}")
    second = unwrap(quick_tell.sync_detailed(client=iris, body=TellStartRequest(to_team="beta", message="live")))
    events = []
    async with asyncio.timeout(30):
        while not (events and events[-1].event == "tell:complete" and events[-1].request_id == str(second.request_id)):
            events.append(await anext(stream))
    await stream.aclose()
    seqs = [e.seq for e in events]
    assert seqs == list(range(mark + 1, mark + 1 + len(seqs)))  # in order, none missing
    assert all(e.id == f"{session}:{e.seq}" for e in events)
    live = [e for e in events if e.request_id == str(second.request_id)]
    assert len(live) >= 3 and live[-1].event == "tell:complete"

    # A new subscription that presents the id of an event gets the rest replayed, from the next one.
    resumed = asubscribe(iris, session=session, last_event_id=events[2].id)
    async with asyncio.timeout(30):
        replayed = [await anext(resumed) for _ in range(len(events) - 3)]
    await resumed.aclose()
    assert [e.seq for e in replayed] == seqs[3:]


@covers("tell")
async def test_streamed_tell_over_the_websocket(iris: AuthenticatedClient) -> None:
    async with IrisWebSocket.connect(iris) as ws:
        events = [e async for e in ws.tell({"toTeam": "alpha", "message": "#slow:2:50 over ws"})]
        assert events[0].event == "tell:accepted" and events[-1].event == "tell:complete"
        with pytest.raises(IrisStreamError):
            [e async for e in ws.tell({"toTeam": "nobody", "message": "hi"})]
    async with IrisWebSocket.connect(iris, auth="message") as ws:
        events = [e async for e in ws.tell({"toTeam": "alpha", "message": "auth by message"})]
        assert events[-1].event == "tell:complete"


@covers("events", "getLogs")
async def test_log_records_live_over_sse_and_the_websocket(
    iris: AuthenticatedClient, viewer: AuthenticatedClient
) -> None:
    marker = uuid.uuid4().hex[:8]
    writer = logging.getLogger("iris.tests.clients")
    async with IrisWebSocket.connect(iris) as ws:
        await ws.subscribe_logs("warning")
        stream = asubscribe(iris, logs="warning")

        async def first_of_mine() -> Any:
            async for event in stream:
                if event.event == "log:record" and event.raw["message"].startswith(marker):
                    return event
            return None

        reading = asyncio.create_task(first_of_mine())
        async with asyncio.timeout(30):
            while not reading.done():  # until the SSE subscription is in place and a record reached it
                writer.info("%s below the level", marker)
                writer.warning("%s over both", marker)
                await asyncio.sleep(0.2)
            over_sse = reading.result()
            over_ws = await ws.next_event(timeout=10)
            while over_ws.event != "log:record" or not over_ws.raw["message"].startswith(marker):
                over_ws = await ws.next_event(timeout=10)
        await stream.aclose()
        await ws.unsubscribe_logs()
    assert over_sse.raw["message"] == over_ws.raw["message"] == f"{marker} over both"
    assert over_sse.id is None and over_sse.raw["level"] == "warning"
    listed = unwrap(get_logs.sync_detailed(client=iris, level=LogLevel.WARNING, limit=500))
    assert f"{marker} over both" in [record.message for record in listed.items]
    with pytest.raises(IrisApiError) as refused:  # the viewer key holds no debug:read
        await anext(asubscribe(viewer, logs="info"))
    assert refused.value.status_code == 403 and refused.value.details["permission"] == "debug:read"


# ----------------------------------------------------------------------------- coverage


def test_every_operation_is_covered() -> None:
    assert set(operation_ids()) - COVERED == set()
    assert COVERED - set(operation_ids()) == set()

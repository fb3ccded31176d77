"""Webhooks: the engine's events as signed Standard Webhooks deliveries, through a durable outbox.

Every event an endpoint subscribed to (within its team filter, or of a tell naming it as `callbackUrl`) becomes a
delivery row before its first attempt, so a restart resumes it. Each attempt is signed afresh, sent with its own
deadline, and recorded; a 2xx delivers, a 410 drops, a 5xx, 408, 409, 425, 429, a timeout or a connection error
is retried (exponential backoff with jitter until `retry.retryForMs` after the event), any other status fails.
Each endpoint has its own number of attempts in flight, and nothing here runs in a tell's path: the event hub's
sink only queues the event.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime
import logging
import random
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
import msgspec
from standardwebhooks import Webhook

from app.clock import utcnow
from app.config import IrisConfig, WebhooksConfig
from app.db.outbox import AttemptRecord, DeliveryPage, DeliveryRecord, Outbox, WebhookRecord
from app.engine.events import Event
from app.engine.records import PermissionRequested, ProcessTerminated, Record, TellEnded
from app.engine.webhook_hosts import Allowed, IPAddress, check_addresses, parse_url
from app.errors import NotFoundError, ValidationError

__all__ = ["EVENT_TYPES", "Endpoint", "Sent", "TellFacts", "Transport", "Webhooks", "http_transport"]

log = logging.getLogger("iris.webhooks")

EVENT_TYPES = (
    "tell.completed",
    "tell.failed",
    "tell.stalled",
    "tell.cancelled",
    "permission.requested",
    "process.terminated",
    "budget.reached",
)
"""Every event an endpoint may subscribe to."""
TELL_EVENTS = frozenset({"tell.completed", "tell.failed", "tell.stalled", "tell.cancelled", "permission.requested"})
"""The events that belong to one tell (a `callbacksOnly` endpoint gets them only for tells naming it)."""
BUDGET_REACHED = "budget:reached"
"""The engine's event behind `budget.reached`."""
RETRIED = frozenset({408, 409, 425, 429})
"""The 4xx statuses retried like a 5xx."""
FIRST_RETRY_S = 30.0
"""The first retry comes within this many seconds, whatever the jitter."""


@dataclass(frozen=True)
class TellFacts:
    """What routing a tell's event needs: its pair and the endpoint its `callbackUrl` named."""

    team: str
    from_team: str
    callback: uuid.UUID | None


@dataclass(frozen=True)
class Endpoint:
    """A registered endpoint, as routing and signing need it."""

    id: uuid.UUID
    url: str
    events: frozenset[str]
    teams: tuple[str, ...] | None
    callbacks_only: bool
    secret: str

    @classmethod
    def of(cls, record: WebhookRecord) -> Endpoint:
        """The endpoint of a stored record."""
        teams = tuple(record.teams) if record.teams is not None else None
        return cls(record.id, record.url, frozenset(record.events), teams, record.callbacks_only, record.secret)

    def covers(self, team: str | None, from_team: str | None) -> bool:
        """Whether an event about this caller → team pair (or no team) passes the team filter."""
        if self.teams is None:
            return True
        if team is None or team not in self.teams:
            return False
        return from_team is None or from_team == "external" or from_team in self.teams


@dataclass(frozen=True)
class Sent:
    """What one attempt's request got back: the status, or why none came."""

    status_code: int | None
    error: str | None


class Transport(Protocol):
    """Sends one signed request: POST `body` to `url` with `headers`, within `timeout` seconds, connecting only
    to `addresses` (those its host was checked to resolve to, tried in turn)."""

    def __call__(
        self, url: str, headers: dict[str, str], body: bytes, timeout: float, addresses: Sequence[IPAddress]
    ) -> Awaitable[Sent]:
        """The answer's status, or the error that stopped it."""
        ...


def pinned(url: str, address: IPAddress) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The URL with its host replaced by the checked address, the `Host` header it had, and (for https) the name
    TLS checks the certificate against: no second lookup can lead elsewhere."""
    parts = httpx.URL(url)
    literal = f"[{address}]" if address.version == 6 else str(address)
    host = parts.host if parts.port is None else f"{parts.host}:{parts.port}"
    if ":" in parts.host and parts.port is None:
        host = f"[{parts.host}]"
    elif ":" in parts.host:
        host = f"[{parts.host}]:{parts.port}"
    extensions: dict[str, Any] = {"sni_hostname": parts.host} if parts.scheme == "https" else {}
    return str(parts.copy_with(host=literal.strip("[]"))), {"host": host}, extensions


def http_transport(client: httpx.AsyncClient) -> Transport:
    """The transport over an httpx client (no redirects followed, no proxy from the environment), connecting to
    the checked address."""

    async def send(
        url: str, headers: dict[str, str], body: bytes, timeout: float, addresses: Sequence[IPAddress]
    ) -> Sent:
        failed = Sent(None, "no address to connect to")
        for address in addresses:
            target, host, extensions = pinned(url, address)
            request = client.build_request(
                "POST", target, content=body, headers={**headers, **host}, timeout=timeout, extensions=extensions
            )
            try:
                response = await client.send(request)
            except httpx.ConnectError as error:
                failed = Sent(None, f"connection failed ({type(error).__name__})")
                continue  # the next address of the host
            except httpx.TimeoutException:
                return Sent(None, f"timed out after {int(timeout * 1000)} ms")
            except httpx.HTTPError as error:
                return Sent(None, f"connection failed ({type(error).__name__})")
            return Sent(response.status_code, None if response.is_success else f"HTTP {response.status_code}")
        return failed

    return send


def new_secret() -> str:
    """A Standard Webhooks signing secret (`whsec_` and 24 random bytes in base64)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def _iso(moment: datetime.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class Webhooks:
    """The endpoints, the outbox and the delivery worker of one engine."""

    def __init__(
        self,
        config: Callable[[], IrisConfig],
        outbox: Outbox,
        tells: Callable[[uuid.UUID], Awaitable[TellFacts | None]],
        *,
        transport: Transport | None = None,
        clock: Callable[[], datetime.datetime] = utcnow,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self._config = config
        self.outbox = outbox
        self._tells = tells
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._clock = clock
        self._rng = rng
        self._endpoints: dict[uuid.UUID, Endpoint] = {}
        self._intake: asyncio.Queue[Record] = asyncio.Queue()
        self._wake = asyncio.Event()
        self._in_flight: dict[uuid.UUID, uuid.UUID] = {}
        """Delivery id → endpoint id of every attempt started and not yet recorded."""
        self._attempts: set[asyncio.Task[None]] = set()
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def settings(self) -> WebhooksConfig:
        """`api.webhooks` of the current config."""
        return self._config().api.webhooks

    # life cycle

    async def start(self) -> None:
        """Load the endpoints and start taking events and delivering (pending deliveries of a previous run too)."""
        self._endpoints = {record.id: Endpoint.of(record) for record in await self.outbox.endpoints()}
        if self._transport is None:
            self._client = httpx.AsyncClient(follow_redirects=False, trust_env=False)
            self._transport = http_transport(self._client)
        self._tasks = [
            asyncio.create_task(self._take(), name="iris-webhooks-intake"),
            asyncio.create_task(self._deliver(), name="iris-webhooks-worker"),
        ]

    async def stop(self, grace: float = 2.0) -> None:
        """Store the events still queued (within `grace` seconds), then stop; attempts cut short stay pending."""
        if not self._tasks:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(grace):
                await self._intake.join()
        for task in [*self._tasks, *self._attempts]:
            task.cancel()
        await asyncio.gather(*self._tasks, *self._attempts, return_exceptions=True)
        self._tasks = []
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # events

    def sink(self, event: Event) -> None:
        """The event hub's sink: queue each record once (a record on two channels arrives twice)."""
        record = event.record
        if isinstance(record, PermissionRequested) and event.channel.startswith("team:"):
            return
        wanted = (
            isinstance(record, TellEnded | PermissionRequested | ProcessTerminated) or record.name == BUDGET_REACHED
        )
        if wanted and self._endpoints:
            self._intake.put_nowait(record)

    async def _take(self) -> None:
        while True:
            record = await self._intake.get()
            try:
                await self._enqueue(record)
            except Exception:
                log.exception("could not queue the webhook deliveries of %s", record.name)
            finally:
                self._intake.task_done()

    async def _enqueue(self, record: Record) -> None:
        """The deliveries of one event, stored (then the worker is woken)."""
        routed = await self._route(record)
        if routed is None:
            return
        event_type, team, from_team, request_id, callback, data = routed
        now = self._clock()
        body = msgspec.json.encode({"type": event_type, "timestamp": _iso(now), "data": data}).decode()
        message_id = f"msg_{uuid.uuid4().hex}"
        rows = [
            DeliveryRecord(
                id=uuid.uuid4(),
                webhook_id=endpoint.id,
                message_id=message_id,
                event=event_type,
                body=body,
                team=team,
                request_id=request_id,
                status="pending",
                created_at=now,
                next_attempt_at=now,
                attempt_count=0,
            )
            for endpoint in self._targets(event_type, team, from_team, callback)
        ]
        if rows:
            await self.outbox.enqueue(rows)
            self._wake.set()

    async def _route(
        self, record: Record
    ) -> tuple[str, str | None, str | None, uuid.UUID | None, uuid.UUID | None, dict[str, Any]] | None:
        """(event type, team, caller, request id, callback endpoint, body data) of a record."""
        if isinstance(record, TellEnded):
            facts = await self._tells(record.request_id)
            if facts is None:
                return None
            data: dict[str, Any] = {
                "requestId": str(record.request_id),
                "sessionId": str(record.session_id),
                "from": facts.from_team,
                "to": facts.team,
                "status": str(record.status),
                "reason": record.failure.detail if record.failure is not None else None,
                "response": record.response,
                "isError": record.is_error,
                "durationMs": record.duration_ms,
                "costUsd": record.cost_usd,
            }
            return f"tell.{record.status}", facts.team, facts.from_team, record.request_id, facts.callback, data
        if isinstance(record, PermissionRequested):
            facts = await self._tells(record.request_id) if record.request_id is not None else None
            data = {
                "permissionId": str(record.permission_id),
                "sessionId": str(record.session_id),
                "requestId": str(record.request_id) if record.request_id is not None else None,
                "from": record.from_team,
                "to": record.team,
                "tool": record.tool,
                "input": record.input,
                "createdAt": _iso(record.created_at),
                "expiresAt": _iso(record.expires_at) if record.expires_at is not None else None,
            }
            callback = facts.callback if facts is not None else None
            return "permission.requested", record.team, record.from_team, record.request_id, callback, data
        if isinstance(record, ProcessTerminated):
            data = {
                "sessionId": str(record.session_id),
                "from": record.from_team,
                "to": record.team,
                "reason": record.reason,
                "exitCode": record.exit_code,
            }
            return "process.terminated", record.team, record.from_team, None, None, data
        if record.name == BUDGET_REACHED:
            data = msgspec.to_builtins(record)
            team = data.get("team") if data.get("budget") == "team" else None
            request = data.get("requestId")
            return "budget.reached", team, None, uuid.UUID(request) if request else None, None, data
        return None

    def _targets(
        self, event_type: str, team: str | None, from_team: str | None, callback: uuid.UUID | None
    ) -> list[Endpoint]:
        """The endpoints an event goes to (each once)."""
        found = []
        for endpoint in self._endpoints.values():
            if event_type not in endpoint.events:
                continue
            broadcast = not (endpoint.callbacks_only and event_type in TELL_EVENTS)
            if endpoint.id == callback or (broadcast and endpoint.covers(team, from_team)):
                found.append(endpoint)
        return found

    # endpoints

    async def create(
        self,
        url: str,
        events: Iterable[str],
        *,
        teams: list[str] | None,
        callbacks_only: bool,
        description: str | None,
        created_by: str | None,
    ) -> tuple[WebhookRecord, str]:
        """Register an endpoint whose host is allowed (ValidationError naming `url`); returns it and its secret."""
        allowed = Allowed(self.settings.allowed_hosts)
        await check_addresses(parse_url(url, allowed), allowed)
        secret = new_secret()
        record = WebhookRecord(
            id=uuid.uuid4(),
            url=url,
            events=[event for event in EVENT_TYPES if event in set(events)],
            teams=teams,
            callbacks_only=callbacks_only,
            description=description,
            secret=secret,
            created_at=self._clock(),
            created_by=created_by,
        )
        await self.outbox.add_endpoint(record)
        self._endpoints[record.id] = Endpoint.of(record)
        return record, secret

    async def endpoints(self) -> list[WebhookRecord]:
        """Every endpoint, newest first."""
        return await self.outbox.endpoints()

    async def endpoint(self, webhook_id: uuid.UUID) -> WebhookRecord:
        """One endpoint (NotFoundError naming `webhookId`)."""
        record = await self.outbox.endpoint(webhook_id)
        if record is None:
            raise NotFoundError(f"No webhook {webhook_id}", {"webhookId": str(webhook_id)})
        return record

    async def delete(self, webhook_id: uuid.UUID) -> WebhookRecord:
        """Forget an endpoint and its deliveries; nothing more is sent to it."""
        record = await self.endpoint(webhook_id)
        self._endpoints.pop(webhook_id, None)
        await self.outbox.delete_endpoint(webhook_id)
        return record

    def callback(self, url: str) -> list[Endpoint]:
        """The endpoints registered with exactly this URL, newest first."""
        return [endpoint for endpoint in reversed(self._endpoints.values()) if endpoint.url == url]

    async def deliveries(
        self, webhook_id: uuid.UUID, *, limit: int, before: tuple[datetime.datetime, uuid.UUID] | None
    ) -> DeliveryPage:
        """An endpoint's deliveries, newest first, with their attempts."""
        await self.endpoint(webhook_id)
        return await self.outbox.deliveries(webhook_id, limit=limit, before=before)

    async def redeliver(self, webhook_id: uuid.UUID, delivery_id: uuid.UUID) -> DeliveryRecord:
        """A new pending delivery of the same message (NotFoundError naming `deliveryId` if none)."""
        await self.endpoint(webhook_id)
        old = await self.outbox.delivery(delivery_id)
        if old is None or old.webhook_id != webhook_id:
            raise NotFoundError(f"No delivery {delivery_id} of webhook {webhook_id}", {"deliveryId": str(delivery_id)})
        now = self._clock()
        record = DeliveryRecord(
            id=uuid.uuid4(),
            webhook_id=webhook_id,
            message_id=old.message_id,
            event=old.event,
            body=old.body,
            team=old.team,
            request_id=old.request_id,
            status="pending",
            created_at=now,
            next_attempt_at=now,
            attempt_count=0,
        )
        await self.outbox.enqueue([record])
        self._wake.set()
        return record

    # delivering

    def _saturated(self) -> set[uuid.UUID]:
        """The endpoints with as many attempts in flight as they may have."""
        counts: dict[uuid.UUID, int] = {}
        for endpoint_id in self._in_flight.values():
            counts[endpoint_id] = counts.get(endpoint_id, 0) + 1
        limit = self.settings.concurrency
        return {endpoint_id for endpoint_id, count in counts.items() if count >= limit}

    async def _deliver(self) -> None:
        """Start the attempts that are due, each endpoint at most `concurrency` at once; sleep until the next
        (with no endpoint, until a delivery is queued: nothing can be due)."""
        while True:
            self._wake.clear()
            if not self._endpoints:
                await self._wake.wait()
                continue
            try:
                full = self._saturated()
                due = await self.outbox.due(self._clock(), skip=self._in_flight, limit=200, skip_webhooks=full)
                for delivery in due:
                    if delivery.id in self._in_flight or delivery.webhook_id in full:
                        continue
                    endpoint = self._endpoints.get(delivery.webhook_id)
                    if endpoint is None:
                        continue
                    self._in_flight[delivery.id] = endpoint.id
                    task = asyncio.create_task(self._attempt(endpoint, delivery))
                    self._attempts.add(task)
                    task.add_done_callback(self._attempts.discard)
                    full = self._saturated()
                wait = await self._until_next()
            except Exception:
                log.exception("webhook delivery worker failed; retrying")
                wait = 1.0
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._wake.wait()

    async def _until_next(self) -> float:
        """Seconds until the earliest pending delivery not in flight is due (at most 5)."""
        earliest = await self.outbox.next_due(skip=self._in_flight, skip_webhooks=self._saturated())
        if earliest is None:
            return 5.0
        return min(5.0, max(0.0, (earliest - self._clock()).total_seconds()))

    def _headers(self, endpoint: Endpoint, delivery: DeliveryRecord, now: datetime.datetime) -> dict[str, str]:
        """The Standard Webhooks headers of one attempt, signed now."""
        signature = Webhook(endpoint.secret).sign(delivery.message_id, now, delivery.body)
        return {
            "webhook-id": delivery.message_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signature,
            "content-type": "application/json",
            "user-agent": "Iris-Webhooks",
        }

    async def _attempt(self, endpoint: Endpoint, delivery: DeliveryRecord) -> None:
        """One attempt: check where the host leads now, send, record the outcome and when to try again."""
        settings = self.settings
        at = self._clock()
        started = time.monotonic()
        try:
            allowed = Allowed(settings.allowed_hosts)
            try:
                addresses = await check_addresses(parse_url(endpoint.url, allowed), allowed)
            except ValidationError as refused:
                sent = Sent(None, refused.message.removeprefix("url: "))
            else:
                assert self._transport is not None
                headers = self._headers(endpoint, delivery, self._clock())
                body = delivery.body.encode()
                sent = await self._transport(endpoint.url, headers, body, settings.timeout_ms / 1000, addresses)
            duration = int((time.monotonic() - started) * 1000)
            status, next_at = self._outcome(delivery, sent.status_code)
            attempt = AttemptRecord(
                id=uuid.uuid4(),
                delivery_id=delivery.id,
                at=at,
                status_code=sent.status_code,
                duration_ms=duration,
                error=sent.error,
            )
            try:
                await self.outbox.attempted(delivery.id, attempt, status=status, next_attempt_at=next_at)
            except Exception:
                if delivery.webhook_id in self._endpoints:
                    raise
                return  # the endpoint was deleted meanwhile
            if status == "dropped":
                log.info("webhook %s answered 410: delivery %s dropped", endpoint.id, delivery.id)
        except Exception:
            log.exception("webhook delivery %s could not be attempted", delivery.id)
        finally:
            self._in_flight.pop(delivery.id, None)
            self._wake.set()

    def _outcome(self, delivery: DeliveryRecord, status_code: int | None) -> tuple[str, datetime.datetime | None]:
        """The delivery's status after an attempt that got `status_code` (None: none came), and its next time."""
        if status_code is not None and 200 <= status_code < 300:
            return "delivered", None
        if status_code == 410:
            return "dropped", None
        if status_code is not None and status_code < 500 and status_code not in RETRIED:
            return "failed", None
        next_at = self.next_attempt(delivery.created_at, delivery.attempt_count + 1, self._clock())
        return ("pending", next_at) if next_at is not None else ("failed", None)

    def next_attempt(
        self, created_at: datetime.datetime, attempts: int, now: datetime.datetime
    ) -> datetime.datetime | None:
        """When to try again after `attempts` failed ones (None: `retryForMs` has passed since the event).

        The first retry comes after `firstDelayMs` (within 30 s), each later one `factor` times later, at most
        `maxDelayMs`, each moved by up to `jitter` of itself either way; the last one at the `retryForMs` mark.
        """
        retry = self.settings.retry
        deadline = created_at + datetime.timedelta(milliseconds=retry.retry_for_ms)
        if now >= deadline:
            return None
        delay = min(retry.first_delay_ms * retry.factor ** max(0, attempts - 1), retry.max_delay_ms) / 1000
        delay *= 1 + retry.jitter * (2 * self._rng() - 1)
        if attempts <= 1:
            delay = min(delay, FIRST_RETRY_S)
        return min(now + datetime.timedelta(seconds=max(0.0, delay)), deadline)

"""Webhook endpoints and the durable outbox of their deliveries, with every attempt, in the sessions database."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from advanced_alchemy.base import UUIDBase
from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import Boolean, ForeignKey, Index, Integer, Select, String, Text, delete, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from app.db.store import Store

__all__ = ["AttemptRecord", "DeliveryRecord", "Outbox", "WebhookRecord"]

PENDING = "pending"
T = TypeVar("T", bound=tuple[Any, ...])


class WebhookRecord(UUIDBase):
    """A registered endpoint: where to send which events, and the secret that signs them (never shown again)."""

    __tablename__ = "iris_webhook"

    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[list[str]] = mapped_column(JsonB)
    teams: Mapped[list[str] | None] = mapped_column(JsonB, nullable=True)
    """Only events about these teams (null: every team)."""
    callbacks_only: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str | None] = mapped_column(String(200), nullable=True)
    secret: Mapped[str] = mapped_column(String(128))
    """The `whsec_` signing secret: read only to sign."""
    created_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    created_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class DeliveryRecord(UUIDBase):
    """One event for one endpoint: its signed body's content, where it stands and when it is tried next."""

    __tablename__ = "iris_webhook_delivery"
    __table_args__ = (
        Index("ix_iris_webhook_delivery_due", "status", "next_attempt_at"),
        Index("ix_iris_webhook_delivery_hook", "webhook_id", "created_at"),
    )

    webhook_id: Mapped[UUID] = mapped_column(ForeignKey("iris_webhook.id", ondelete="CASCADE"))
    message_id: Mapped[str] = mapped_column(String(64))
    """The `webhook-id` of every attempt."""
    event: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    """The JSON body, as sent."""
    team: Mapped[str | None] = mapped_column(String(64), nullable=True)
    request_id: Mapped[UUID | None] = mapped_column(nullable=True)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    next_attempt_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)


class AttemptRecord(UUIDBase):
    """One try of a delivery: when, the status that came back (if any), how long it took, and why it failed."""

    __tablename__ = "iris_webhook_attempt"
    __table_args__ = (Index("ix_iris_webhook_attempt_delivery", "delivery_id", "at"),)

    delivery_id: Mapped[UUID] = mapped_column(ForeignKey("iris_webhook_delivery.id", ondelete="CASCADE"))
    at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    duration_ms: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


@dataclass(frozen=True)
class DeliveryPage:
    """Deliveries newest first, each with its attempts oldest first."""

    items: list[tuple[DeliveryRecord, list[AttemptRecord]]]
    more: bool


def _without(statement: Select[T], skip: Iterable[UUID], skip_webhooks: Iterable[UUID]) -> Select[T]:
    """The statement without the deliveries in `skip` and those of the endpoints in `skip_webhooks`."""
    skipped, busy = list(skip), list(skip_webhooks)
    if skipped:
        statement = statement.where(DeliveryRecord.id.not_in(skipped))
    if busy:
        statement = statement.where(DeliveryRecord.webhook_id.not_in(busy))
    return statement


class Outbox:
    """Endpoints, deliveries and attempts, on the store's database."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # endpoints

    async def add_endpoint(self, record: WebhookRecord) -> WebhookRecord:
        """Register an endpoint."""
        async with self.store.session() as db:
            db.add(record)
            await db.commit()
            return record

    async def endpoints(self) -> list[WebhookRecord]:
        """Every endpoint, newest first."""
        async with self.store.session() as db:
            statement = select(WebhookRecord).order_by(WebhookRecord.created_at.desc(), WebhookRecord.id.desc())
            return list((await db.execute(statement)).scalars())

    async def endpoint(self, webhook_id: UUID) -> WebhookRecord | None:
        """One endpoint by id."""
        async with self.store.session() as db:
            return await db.get(WebhookRecord, webhook_id)

    async def delete_endpoint(self, webhook_id: UUID) -> None:
        """Forget an endpoint with its deliveries and their attempts."""
        async with self.store.session() as db:
            deliveries = select(DeliveryRecord.id).where(DeliveryRecord.webhook_id == webhook_id)
            await db.execute(delete(AttemptRecord).where(AttemptRecord.delivery_id.in_(deliveries)))
            await db.execute(delete(DeliveryRecord).where(DeliveryRecord.webhook_id == webhook_id))
            await db.execute(delete(WebhookRecord).where(WebhookRecord.id == webhook_id))
            await db.commit()

    # deliveries

    async def enqueue(self, records: Iterable[DeliveryRecord]) -> None:
        """Store new deliveries (durable before their first attempt)."""
        async with self.store.session() as db:
            db.add_all(list(records))
            await db.commit()

    async def due(
        self, now: datetime.datetime, skip: Iterable[UUID], limit: int = 100, skip_webhooks: Iterable[UUID] = ()
    ) -> list[DeliveryRecord]:
        """Pending deliveries whose time has come, oldest first, except those in `skip` (in flight) and those of
        the endpoints in `skip_webhooks` (as busy as they may be)."""
        async with self.store.session() as db:
            statement = select(DeliveryRecord).where(
                DeliveryRecord.status == PENDING, DeliveryRecord.next_attempt_at <= now
            )
            statement = _without(statement, skip, skip_webhooks)
            statement = statement.order_by(DeliveryRecord.next_attempt_at, DeliveryRecord.created_at).limit(limit)
            return list((await db.execute(statement)).scalars())

    async def next_due(self, skip: Iterable[UUID] = (), skip_webhooks: Iterable[UUID] = ()) -> datetime.datetime | None:
        """When the earliest pending delivery (but those in `skip` and of `skip_webhooks`) is due (None: none)."""
        async with self.store.session() as db:
            statement = select(func.min(DeliveryRecord.next_attempt_at)).where(DeliveryRecord.status == PENDING)
            statement = _without(statement, skip, skip_webhooks)
            found: datetime.datetime | None = (await db.execute(statement)).scalar()
            return found

    async def attempted(
        self, delivery_id: UUID, attempt: AttemptRecord, *, status: str, next_attempt_at: datetime.datetime | None
    ) -> None:
        """Record an attempt and where its delivery stands now, in one transaction."""
        async with self.store.session() as db:
            db.add(attempt)
            await db.execute(
                update(DeliveryRecord)
                .where(DeliveryRecord.id == delivery_id)
                .values(
                    status=status,
                    next_attempt_at=next_attempt_at,
                    attempt_count=DeliveryRecord.attempt_count + 1,
                )
            )
            await db.commit()

    async def delivery(self, delivery_id: UUID) -> DeliveryRecord | None:
        """One delivery by id."""
        async with self.store.session() as db:
            return await db.get(DeliveryRecord, delivery_id)

    async def deliveries(
        self, webhook_id: UUID, *, limit: int, before: tuple[datetime.datetime, UUID] | None = None
    ) -> DeliveryPage:
        """An endpoint's deliveries newest first (older than the `before` cursor), with their attempts.

        One statement, so each delivery's status and its attempts come from the same snapshot.
        """
        newest = DeliveryRecord.created_at.desc(), DeliveryRecord.id.desc()
        chosen = select(DeliveryRecord.id).where(DeliveryRecord.webhook_id == webhook_id)
        if before is not None:
            at, last = before
            chosen = chosen.where(
                (DeliveryRecord.created_at < at) | ((DeliveryRecord.created_at == at) & (DeliveryRecord.id < last))
            )
        page = chosen.order_by(*newest).limit(limit + 1).subquery()
        statement = (
            select(DeliveryRecord, AttemptRecord)
            .join(page, page.c.id == DeliveryRecord.id)
            .outerjoin(AttemptRecord, AttemptRecord.delivery_id == DeliveryRecord.id)
            .order_by(*newest, AttemptRecord.at, AttemptRecord.id)
        )
        async with self.store.session() as db:
            found: dict[UUID, tuple[DeliveryRecord, list[AttemptRecord]]] = {}
            for record, attempt in (await db.execute(statement)).tuples():
                _, attempts = found.setdefault(record.id, (record, []))
                if attempt is not None:
                    attempts.append(attempt)
        items = list(found.values())
        return DeliveryPage(items[:limit], len(items) > limit)

    async def attempts(self, delivery_id: UUID) -> list[AttemptRecord]:
        """A delivery's attempts, oldest first."""
        async with self.store.session() as db:
            statement = select(AttemptRecord).where(AttemptRecord.delivery_id == delivery_id).order_by(AttemptRecord.at)
            return list((await db.execute(statement)).scalars())

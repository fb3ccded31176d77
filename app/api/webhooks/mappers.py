"""Webhook endpoints and deliveries of the outbox → the contract's models (never a secret)."""

from __future__ import annotations

from app.api import models as m
from app.db.outbox import AttemptRecord, DeliveryRecord, WebhookRecord

__all__ = ["created_webhook", "webhook", "webhook_delivery"]


def _fields(record: WebhookRecord) -> dict[str, object]:
    return {
        "id": record.id,
        "url": record.url,
        "events": [m.WebhookEventType(event) for event in record.events],
        "teams": list(record.teams) if record.teams is not None else None,
        "callbacks_only": record.callbacks_only,
        "description": record.description,
        "created_at": record.created_at,
        "created_by": record.created_by,
    }


def webhook(record: WebhookRecord) -> m.Webhook:
    """A stored endpoint as the contract's `Webhook` (without its secret)."""
    return m.Webhook(**_fields(record))  # type: ignore[arg-type]


def created_webhook(record: WebhookRecord, secret: str) -> m.CreatedWebhook:
    """A new endpoint with its secret, this once."""
    return m.CreatedWebhook(**_fields(record), secret=secret)  # type: ignore[arg-type]


def webhook_delivery(record: DeliveryRecord, attempts: list[AttemptRecord]) -> m.WebhookDelivery:
    """A delivery with its attempts, oldest first."""
    return m.WebhookDelivery(
        id=record.id,
        webhook_id=record.webhook_id,
        message_id=record.message_id,
        event=m.WebhookEventType(record.event),
        status=m.WebhookDeliveryStatus(record.status),
        team=record.team,
        request_id=record.request_id,
        created_at=record.created_at,
        next_attempt_at=record.next_attempt_at if record.status == "pending" else None,
        attempts=[
            m.WebhookAttempt(at=a.at, status_code=a.status_code, duration_ms=a.duration_ms, error=a.error)
            for a in attempts
        ],
    )

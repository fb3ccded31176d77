"""Webhook endpoints (`/api/webhooks`): register, list, delete; an endpoint's deliveries, and redelivery.

The guard has already refused an endpoint outside the calling key's team scope (`app.api.auth.webhooks`); here a
scoped key registers only endpoints whose team filter lies within its scope, and lists only those.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from litestar import Controller, Request, Response, delete, get, post

from app.api import models as m
from app.api.auth.state import audit_details, audit_scope, key_of
from app.api.auth.webhooks import key_within_endpoint, outside_endpoint
from app.api.deps import given, json_body
from app.api.paging import page
from app.api.params import CursorQuery, LimitQuery, UuidPath, as_uuid
from app.api.routing import operation
from app.api.webhooks.mappers import created_webhook, webhook, webhook_delivery
from app.cursors import decode_cursor, encode_cursor
from app.engine import Engine
from app.errors import ValidationError

__all__ = ["WebhooksController"]

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class WebhooksController(Controller):
    """Register, list and delete webhook endpoints; their deliveries."""

    path = "/webhooks"
    tags = ["webhooks"]

    @get("/", opt=operation("listWebhooks"))
    async def list_webhooks(
        self, request: Request[Any, Any, Any], engine: Engine, cursor: CursorQuery = None, limit: LimitQuery = 50
    ) -> m.WebhookPage:
        """Endpoints, newest first; a scoped key sees only those within its scope."""
        key = key_of(request)
        found = sorted(
            (r for r in await engine.webhooks.endpoints() if key_within_endpoint(key, r.teams)),
            key=lambda r: (-(r.created_at - _EPOCH).total_seconds(), str(r.id)),
        )
        items, next_cursor = page(
            found, lambda r: [-int((r.created_at - _EPOCH).total_seconds() * 1e6), str(r.id)], limit, cursor
        )
        return m.WebhookPage(items=[webhook(r) for r in items], next_cursor=next_cursor)

    @post(
        "/",
        opt=operation("createWebhook"),
        dependencies={"payload": json_body(m.CreateWebhookRequest)},
        status_code=201,
    )
    async def create_webhook(
        self, request: Request[Any, Any, Any], engine: Engine, payload: m.CreateWebhookRequest
    ) -> m.CreatedWebhook:
        """A new endpoint; its secret is in this response only."""
        teams = given(payload.teams)
        if len(set(payload.events)) != len(payload.events):
            raise ValidationError("events: expected distinct items", {"field": "events"})
        if teams is not None and len(set(teams)) != len(teams):
            raise ValidationError("teams: expected distinct items", {"field": "teams"})
        key = key_of(request)
        if key is not None and not key_within_endpoint(key, teams):
            raise outside_endpoint(key, teams)
        record, secret = await engine.webhooks.create(
            payload.url,
            [event.value for event in payload.events],
            teams=list(teams) if teams is not None else None,
            callbacks_only=bool(given(payload.callbacks_only)),
            description=given(payload.description),
            created_by=key.id if key is not None else None,
        )
        audit_details(request, webhookId=str(record.id), events=record.events)
        audit_scope(request, record.teams)
        return created_webhook(record, secret)

    @delete("/{webhookId:str}", opt=operation("deleteWebhook"), status_code=200)
    async def delete_webhook(self, request: Request[Any, Any, Any], engine: Engine, webhookId: UuidPath) -> m.Webhook:
        """Delete an endpoint with its deliveries."""
        audit_details(request, webhookId=webhookId)
        record = await engine.webhooks.delete(as_uuid(webhookId))
        audit_scope(request, record.teams)
        return webhook(record)

    @get("/{webhookId:str}/deliveries", opt=operation("listWebhookDeliveries"))
    async def list_deliveries(
        self, engine: Engine, webhookId: UuidPath, cursor: CursorQuery = None, limit: LimitQuery = 50
    ) -> m.WebhookDeliveryPage:
        """An endpoint's deliveries, newest first, each with every attempt."""
        before = None
        if cursor is not None:
            at, last = decode_cursor(cursor, ["", ""])
            try:
                before = (datetime.datetime.fromisoformat(at), uuid.UUID(last))
            except ValueError:
                raise ValidationError("cursor is not one this server gave out", {"field": "cursor"}) from None
        found = await engine.webhooks.deliveries(as_uuid(webhookId), limit=limit, before=before)
        next_cursor = None
        if found.more and found.items:
            last_record = found.items[-1][0]
            next_cursor = encode_cursor([last_record.created_at.isoformat(), str(last_record.id)])
        return m.WebhookDeliveryPage(
            items=[webhook_delivery(record, attempts) for record, attempts in found.items], next_cursor=next_cursor
        )

    @post(
        "/{webhookId:str}/deliveries/{deliveryId:str}/redeliver",
        opt=operation("redeliverWebhook"),
        status_code=202,
    )
    async def redeliver(
        self,
        request: Request[Any, Any, Any],
        engine: Engine,
        webhookId: UuidPath,
        deliveryId: UuidPath,
    ) -> Response[m.WebhookDelivery]:
        """Queue the same message again."""
        audit_details(request, webhookId=webhookId, deliveryId=deliveryId)
        endpoint = await engine.webhooks.endpoint(as_uuid(webhookId))
        audit_scope(request, endpoint.teams)
        record = await engine.webhooks.redeliver(endpoint.id, as_uuid(deliveryId))
        return Response(webhook_delivery(record, []), status_code=202)

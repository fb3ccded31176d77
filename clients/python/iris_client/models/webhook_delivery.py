from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.webhook_delivery_status import WebhookDeliveryStatus
from ..models.webhook_event_type import WebhookEventType

if TYPE_CHECKING:
    from ..models.webhook_attempt import WebhookAttempt


T = TypeVar("T", bound="WebhookDelivery")


@_attrs_define
class WebhookDelivery:
    """
    Attributes:
        id (UUID): A webhook delivery's id.
        webhook_id (UUID): A webhook endpoint's id.
        message_id (str): The `webhook-id` header of every attempt (a redelivery keeps it).
        event (WebhookEventType): An event a webhook endpoint may subscribe to (the body of each is in
            the top-level `webhooks`): a tell ended (`tell.completed`,
            `tell.failed`, `tell.stalled`, `tell.cancelled`), a tool use waits for
            a decision (`permission.requested`), a session's process ended
            (`process.terminated`), a cost budget was reached (`budget.reached`).
        status (WebhookDeliveryStatus): pending - to be tried (again); delivered - a 2xx answered; dropped - a
            410 answered (not retried); failed - retries ran out, or a 4xx other
            than 408, 409, 425 and 429 answered.
        team (None | str):
        request_id (None | UUID): The tell it is about, if any.
        created_at (datetime.datetime):
        next_attempt_at (datetime.datetime | None): When it is tried next (null once it is no longer pending).
        attempts (list[WebhookAttempt]): Every attempt, oldest first.
    """

    id: UUID
    webhook_id: UUID
    message_id: str
    event: WebhookEventType
    status: WebhookDeliveryStatus
    team: None | str
    request_id: None | UUID
    created_at: datetime.datetime
    next_attempt_at: datetime.datetime | None
    attempts: list[WebhookAttempt]

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        webhook_id = str(self.webhook_id)

        message_id = self.message_id

        event = self.event.value

        status = self.status.value

        team: None | str
        team = self.team

        request_id: None | str
        if isinstance(self.request_id, UUID):
            request_id = str(self.request_id)
        else:
            request_id = self.request_id

        created_at = self.created_at.isoformat()

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        attempts = []
        for attempts_item_data in self.attempts:
            attempts_item = attempts_item_data.to_dict()
            attempts.append(attempts_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "webhookId": webhook_id,
                "messageId": message_id,
                "event": event,
                "status": status,
                "team": team,
                "requestId": request_id,
                "createdAt": created_at,
                "nextAttemptAt": next_attempt_at,
                "attempts": attempts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.webhook_attempt import WebhookAttempt

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        webhook_id = UUID(d.pop("webhookId"))

        message_id = d.pop("messageId")

        event = WebhookEventType(d.pop("event"))

        status = WebhookDeliveryStatus(d.pop("status"))

        def _parse_team(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        team = _parse_team(d.pop("team"))

        def _parse_request_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                request_id_type_0 = UUID(data)

                return request_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        request_id = _parse_request_id(d.pop("requestId"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        def _parse_next_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("nextAttemptAt"))

        attempts = []
        _attempts = d.pop("attempts")
        for attempts_item_data in _attempts:
            attempts_item = WebhookAttempt.from_dict(attempts_item_data)

            attempts.append(attempts_item)

        webhook_delivery = cls(
            id=id,
            webhook_id=webhook_id,
            message_id=message_id,
            event=event,
            status=status,
            team=team,
            request_id=request_id,
            created_at=created_at,
            next_attempt_at=next_attempt_at,
            attempts=attempts,
        )

        return webhook_delivery

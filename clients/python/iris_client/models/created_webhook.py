from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.webhook_event_type import WebhookEventType

T = TypeVar("T", bound="CreatedWebhook")


@_attrs_define
class CreatedWebhook:
    """A newly registered endpoint, with its signing secret (shown this once).

    Attributes:
        id (UUID): A webhook endpoint's id.
        url (str): An http or https URL whose host `api.webhooks.allowedHosts` allows.
        events (list[WebhookEventType]):
        teams (list[str] | None):
        callbacks_only (bool):
        description (None | str):
        created_at (datetime.datetime):
        created_by (None | str):
        secret (str): The Standard Webhooks signing secret; store it now, it cannot be shown again.
    """

    id: UUID
    url: str
    events: list[WebhookEventType]
    teams: list[str] | None
    callbacks_only: bool
    description: None | str
    created_at: datetime.datetime
    created_by: None | str
    secret: str

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        url = self.url

        events = []
        for events_item_data in self.events:
            events_item = events_item_data.value
            events.append(events_item)

        teams: list[str] | None
        if isinstance(self.teams, list):
            teams = self.teams

        else:
            teams = self.teams

        callbacks_only = self.callbacks_only

        description: None | str
        description = self.description

        created_at = self.created_at.isoformat()

        created_by: None | str
        created_by = self.created_by

        secret = self.secret

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "url": url,
                "events": events,
                "teams": teams,
                "callbacksOnly": callbacks_only,
                "description": description,
                "createdAt": created_at,
                "createdBy": created_by,
                "secret": secret,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        url = d.pop("url")

        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = WebhookEventType(events_item_data)

            events.append(events_item)

        def _parse_teams(data: object) -> list[str] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                teams_type_0 = cast(list[str], data)

                return teams_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None, data)

        teams = _parse_teams(d.pop("teams"))

        callbacks_only = d.pop("callbacksOnly")

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        def _parse_created_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        created_by = _parse_created_by(d.pop("createdBy"))

        secret = d.pop("secret")

        created_webhook = cls(
            id=id,
            url=url,
            events=events,
            teams=teams,
            callbacks_only=callbacks_only,
            description=description,
            created_at=created_at,
            created_by=created_by,
            secret=secret,
        )

        return created_webhook

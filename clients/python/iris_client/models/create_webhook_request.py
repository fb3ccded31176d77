from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.webhook_event_type import WebhookEventType
from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateWebhookRequest")


@_attrs_define
class CreateWebhookRequest:
    """
    Attributes:
        url (str): An http or https URL whose host `api.webhooks.allowedHosts` allows.
        events (list[WebhookEventType]):
        teams (list[str] | Unset): Only events about these teams (a caller → team pair whose team is
            one of them and whose caller is `external` or one of them; a key
            budget's event only without a filter). Absent - every team.
        callbacks_only (bool | Unset): Tell events (`tell.*`, `permission.requested`) only of the tells
            that name this endpoint as their `callbackUrl`; other events as
            subscribed.
             Default: False.
        description (str | Unset):
    """

    url: str
    events: list[WebhookEventType]
    teams: list[str] | Unset = UNSET
    callbacks_only: bool | Unset = False
    description: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        events = []
        for events_item_data in self.events:
            events_item = events_item_data.value
            events.append(events_item)

        teams: list[str] | Unset = UNSET
        if not isinstance(self.teams, Unset):
            teams = self.teams

        callbacks_only = self.callbacks_only

        description = self.description

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "url": url,
                "events": events,
            }
        )
        if teams is not UNSET:
            field_dict["teams"] = teams
        if callbacks_only is not UNSET:
            field_dict["callbacksOnly"] = callbacks_only
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        url = d.pop("url")

        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = WebhookEventType(events_item_data)

            events.append(events_item)

        teams = cast(list[str], d.pop("teams", UNSET))

        callbacks_only = d.pop("callbacksOnly", UNSET)

        description = d.pop("description", UNSET)

        create_webhook_request = cls(
            url=url,
            events=events,
            teams=teams,
            callbacks_only=callbacks_only,
            description=description,
        )

        return create_webhook_request

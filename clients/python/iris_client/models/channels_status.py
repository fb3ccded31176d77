from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.channels_backend import ChannelsBackend

T = TypeVar("T", bound="ChannelsStatus")


@_attrs_define
class ChannelsStatus:
    """The backend that carries live events between server instances
    (`channels.backend`). While a Redis backend is disconnected, events
    between instances stop (and `status` is `degraded`); it reconnects by
    itself with backoff.

        Attributes:
            backend (ChannelsBackend):
            connected (bool): Whether the backend is reachable (always true for memory).
            disconnected_since (datetime.datetime | None): When the connection was lost (null while connected).
            last_error (None | str): The last connection error (its kind and message), if any since start.
            last_error_at (datetime.datetime | None):
            reconnects (int): Times the connection was lost and made again since start.
            dropped_events (int): Events this instance could not publish (the backend was down) since start.
    """

    backend: ChannelsBackend
    connected: bool
    disconnected_since: datetime.datetime | None
    last_error: None | str
    last_error_at: datetime.datetime | None
    reconnects: int
    dropped_events: int

    def to_dict(self) -> dict[str, Any]:
        backend = self.backend.value

        connected = self.connected

        disconnected_since: None | str
        if isinstance(self.disconnected_since, datetime.datetime):
            disconnected_since = self.disconnected_since.isoformat()
        else:
            disconnected_since = self.disconnected_since

        last_error: None | str
        last_error = self.last_error

        last_error_at: None | str
        if isinstance(self.last_error_at, datetime.datetime):
            last_error_at = self.last_error_at.isoformat()
        else:
            last_error_at = self.last_error_at

        reconnects = self.reconnects

        dropped_events = self.dropped_events

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "backend": backend,
                "connected": connected,
                "disconnectedSince": disconnected_since,
                "lastError": last_error,
                "lastErrorAt": last_error_at,
                "reconnects": reconnects,
                "droppedEvents": dropped_events,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        backend = ChannelsBackend(d.pop("backend"))

        connected = d.pop("connected")

        def _parse_disconnected_since(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                disconnected_since_type_0 = datetime.datetime.fromisoformat(data)

                return disconnected_since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        disconnected_since = _parse_disconnected_since(d.pop("disconnectedSince"))

        def _parse_last_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_error = _parse_last_error(d.pop("lastError"))

        def _parse_last_error_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_error_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_error_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_error_at = _parse_last_error_at(d.pop("lastErrorAt"))

        reconnects = d.pop("reconnects")

        dropped_events = d.pop("droppedEvents")

        channels_status = cls(
            backend=backend,
            connected=connected,
            disconnected_since=disconnected_since,
            last_error=last_error,
            last_error_at=last_error_at,
            reconnects=reconnects,
            dropped_events=dropped_events,
        )

        return channels_status

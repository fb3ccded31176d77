from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.audit_event_type import AuditEventType

if TYPE_CHECKING:
    from ..models.audit_entry_details_type_0 import AuditEntryDetailsType0


T = TypeVar("T", bound="AuditEntry")


@_attrs_define
class AuditEntry:
    """
    Attributes:
        id (int):
        timestamp (datetime.datetime):
        event (AuditEventType): The kind of an audit entry.
        key_id (None | str):
        key_name (None | str):
        client_address (None | str):
        method (None | str):
        path (None | str):
        status_code (int | None):
        error (None | str):
        details (AuditEntryDetailsType0 | None):
        team (None | str): The team of the caller → team pair the operation acted on (null when none).
        from_team (None | str): The caller of that pair (`external` or a team; null when none).
    """

    id: int
    timestamp: datetime.datetime
    event: AuditEventType
    key_id: None | str
    key_name: None | str
    client_address: None | str
    method: None | str
    path: None | str
    status_code: int | None
    error: None | str
    details: AuditEntryDetailsType0 | None
    team: None | str
    from_team: None | str

    def to_dict(self) -> dict[str, Any]:
        from ..models.audit_entry_details_type_0 import AuditEntryDetailsType0

        id = self.id

        timestamp = self.timestamp.isoformat()

        event = self.event.value

        key_id: None | str
        key_id = self.key_id

        key_name: None | str
        key_name = self.key_name

        client_address: None | str
        client_address = self.client_address

        method: None | str
        method = self.method

        path: None | str
        path = self.path

        status_code: int | None
        status_code = self.status_code

        error: None | str
        error = self.error

        details: dict[str, Any] | None
        if isinstance(self.details, AuditEntryDetailsType0):
            details = self.details.to_dict()
        else:
            details = self.details

        team: None | str
        team = self.team

        from_team: None | str
        from_team = self.from_team

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "timestamp": timestamp,
                "event": event,
                "keyId": key_id,
                "keyName": key_name,
                "clientAddress": client_address,
                "method": method,
                "path": path,
                "statusCode": status_code,
                "error": error,
                "details": details,
                "team": team,
                "fromTeam": from_team,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.audit_entry_details_type_0 import AuditEntryDetailsType0

        d = dict(src_dict)
        id = d.pop("id")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        event = AuditEventType(d.pop("event"))

        def _parse_key_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        key_id = _parse_key_id(d.pop("keyId"))

        def _parse_key_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        key_name = _parse_key_name(d.pop("keyName"))

        def _parse_client_address(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        client_address = _parse_client_address(d.pop("clientAddress"))

        def _parse_method(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        method = _parse_method(d.pop("method"))

        def _parse_path(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        path = _parse_path(d.pop("path"))

        def _parse_status_code(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        status_code = _parse_status_code(d.pop("statusCode"))

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        def _parse_details(data: object) -> AuditEntryDetailsType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                details_type_0 = AuditEntryDetailsType0.from_dict(data)

                return details_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AuditEntryDetailsType0 | None, data)

        details = _parse_details(d.pop("details"))

        def _parse_team(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        team = _parse_team(d.pop("team"))

        def _parse_from_team(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        from_team = _parse_from_team(d.pop("fromTeam"))

        audit_entry = cls(
            id=id,
            timestamp=timestamp,
            event=event,
            key_id=key_id,
            key_name=key_name,
            client_address=client_address,
            method=method,
            path=path,
            status_code=status_code,
            error=error,
            details=details,
            team=team,
            from_team=from_team,
        )

        return audit_entry

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.tell_status import TellStatus

T = TypeVar("T", bound="WebhookTell")


@_attrs_define
class WebhookTell:
    """The tell a `tell.*` event is about, as it ended.

    Attributes:
        request_id (UUID): A tell's request id.
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        from_ (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        to (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        status (TellStatus): queued → running → one of completed, failed, cancelled, stalled.
        reason (None | str):
        response (None | str):
        is_error (bool):
        duration_ms (int | None):
        cost_usd (float | None):
    """

    request_id: UUID
    session_id: UUID
    from_: str
    to: str
    status: TellStatus
    reason: None | str
    response: None | str
    is_error: bool
    duration_ms: int | None
    cost_usd: float | None

    def to_dict(self) -> dict[str, Any]:
        request_id = str(self.request_id)

        session_id = str(self.session_id)

        from_ = self.from_

        to = self.to

        status = self.status.value

        reason: None | str
        reason = self.reason

        response: None | str
        response = self.response

        is_error = self.is_error

        duration_ms: int | None
        duration_ms = self.duration_ms

        cost_usd: float | None
        cost_usd = self.cost_usd

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "requestId": request_id,
                "sessionId": session_id,
                "from": from_,
                "to": to,
                "status": status,
                "reason": reason,
                "response": response,
                "isError": is_error,
                "durationMs": duration_ms,
                "costUsd": cost_usd,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        request_id = UUID(d.pop("requestId"))

        session_id = UUID(d.pop("sessionId"))

        from_ = d.pop("from")

        to = d.pop("to")

        status = TellStatus(d.pop("status"))

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))

        def _parse_response(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        response = _parse_response(d.pop("response"))

        is_error = d.pop("isError")

        def _parse_duration_ms(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        duration_ms = _parse_duration_ms(d.pop("durationMs"))

        def _parse_cost_usd(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        cost_usd = _parse_cost_usd(d.pop("costUsd"))

        webhook_tell = cls(
            request_id=request_id,
            session_id=session_id,
            from_=from_,
            to=to,
            status=status,
            reason=reason,
            response=response,
            is_error=is_error,
            duration_ms=duration_ms,
            cost_usd=cost_usd,
        )

        return webhook_tell

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.process_state import ProcessState

T = TypeVar("T", bound="ProcessInfo")


@_attrs_define
class ProcessInfo:
    """
    Attributes:
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        from_team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        pid (int | None):
        state (ProcessState): A process's real state (stopped - no live process).
        message_count (int):
        queue_length (int):
        last_activity (datetime.datetime | None):
        idle_time_remaining (int | None):
    """

    session_id: UUID
    from_team: str
    pid: int | None
    state: ProcessState
    message_count: int
    queue_length: int
    last_activity: datetime.datetime | None
    idle_time_remaining: int | None

    def to_dict(self) -> dict[str, Any]:
        session_id = str(self.session_id)

        from_team = self.from_team

        pid: int | None
        pid = self.pid

        state = self.state.value

        message_count = self.message_count

        queue_length = self.queue_length

        last_activity: None | str
        if isinstance(self.last_activity, datetime.datetime):
            last_activity = self.last_activity.isoformat()
        else:
            last_activity = self.last_activity

        idle_time_remaining: int | None
        idle_time_remaining = self.idle_time_remaining

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "sessionId": session_id,
                "fromTeam": from_team,
                "pid": pid,
                "state": state,
                "messageCount": message_count,
                "queueLength": queue_length,
                "lastActivity": last_activity,
                "idleTimeRemaining": idle_time_remaining,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        session_id = UUID(d.pop("sessionId"))

        from_team = d.pop("fromTeam")

        def _parse_pid(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        pid = _parse_pid(d.pop("pid"))

        state = ProcessState(d.pop("state"))

        message_count = d.pop("messageCount")

        queue_length = d.pop("queueLength")

        def _parse_last_activity(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_activity_type_0 = datetime.datetime.fromisoformat(data)

                return last_activity_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_activity = _parse_last_activity(d.pop("lastActivity"))

        def _parse_idle_time_remaining(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        idle_time_remaining = _parse_idle_time_remaining(d.pop("idleTimeRemaining"))

        process_info = cls(
            session_id=session_id,
            from_team=from_team,
            pid=pid,
            state=state,
            message_count=message_count,
            queue_length=queue_length,
            last_activity=last_activity,
            idle_time_remaining=idle_time_remaining,
        )

        return process_info

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.process_state import ProcessState

T = TypeVar("T", bound="TeamSession")


@_attrs_define
class TeamSession:
    """One stored session of a team as the fleet shows it, asleep (`stopped`)
    or awake.

        Attributes:
            session_id (UUID): A session id (UUID v4 chosen by Iris).
            from_team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
                `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
                reserved caller for non-team clients.
            forked_from (None | UUID): The session it was forked from (null for a pair's own session).
            state (ProcessState): A process's real state (stopped - no live process).
            pid (int | None):
            queue_length (int):
            idle_time_remaining (int | None): Milliseconds before the idle process is put to sleep (null when asleep or
                busy).
            message_count (int):
            tell_count (int): Its stored tell records (`clearCache` removes the finished ones).
            last_activity (datetime.datetime | None):
            cost_usd (float): What its tells have cost so far in USD (the sum of their
                `costUsd`, kept when their records are cleared; the session
                report's `totals.costUsd`).
            created_at (datetime.datetime):
            seq (int): The session's newest event sequence number when it was read:
                `costUsd` and `messageCount` count every tell whose `tell:complete`
                or `tell:error` has a `seq` at or below it, and none above. Follow
                the session from here with `afterSeq` set to it.
    """

    session_id: UUID
    from_team: str
    forked_from: None | UUID
    state: ProcessState
    pid: int | None
    queue_length: int
    idle_time_remaining: int | None
    message_count: int
    tell_count: int
    last_activity: datetime.datetime | None
    cost_usd: float
    created_at: datetime.datetime
    seq: int

    def to_dict(self) -> dict[str, Any]:
        session_id = str(self.session_id)

        from_team = self.from_team

        forked_from: None | str
        if isinstance(self.forked_from, UUID):
            forked_from = str(self.forked_from)
        else:
            forked_from = self.forked_from

        state = self.state.value

        pid: int | None
        pid = self.pid

        queue_length = self.queue_length

        idle_time_remaining: int | None
        idle_time_remaining = self.idle_time_remaining

        message_count = self.message_count

        tell_count = self.tell_count

        last_activity: None | str
        if isinstance(self.last_activity, datetime.datetime):
            last_activity = self.last_activity.isoformat()
        else:
            last_activity = self.last_activity

        cost_usd = self.cost_usd

        created_at = self.created_at.isoformat()

        seq = self.seq

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "sessionId": session_id,
                "fromTeam": from_team,
                "forkedFrom": forked_from,
                "state": state,
                "pid": pid,
                "queueLength": queue_length,
                "idleTimeRemaining": idle_time_remaining,
                "messageCount": message_count,
                "tellCount": tell_count,
                "lastActivity": last_activity,
                "costUsd": cost_usd,
                "createdAt": created_at,
                "seq": seq,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        session_id = UUID(d.pop("sessionId"))

        from_team = d.pop("fromTeam")

        def _parse_forked_from(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                forked_from_type_0 = UUID(data)

                return forked_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        forked_from = _parse_forked_from(d.pop("forkedFrom"))

        state = ProcessState(d.pop("state"))

        def _parse_pid(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        pid = _parse_pid(d.pop("pid"))

        queue_length = d.pop("queueLength")

        def _parse_idle_time_remaining(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        idle_time_remaining = _parse_idle_time_remaining(d.pop("idleTimeRemaining"))

        message_count = d.pop("messageCount")

        tell_count = d.pop("tellCount")

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

        cost_usd = d.pop("costUsd")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        seq = d.pop("seq")

        team_session = cls(
            session_id=session_id,
            from_team=from_team,
            forked_from=forked_from,
            state=state,
            pid=pid,
            queue_length=queue_length,
            idle_time_remaining=idle_time_remaining,
            message_count=message_count,
            tell_count=tell_count,
            last_activity=last_activity,
            cost_usd=cost_usd,
            created_at=created_at,
            seq=seq,
        )

        return team_session

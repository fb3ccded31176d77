from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.awake_status import AwakeStatus
from ..models.process_state import ProcessState
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.budget import Budget
    from ..models.worktree import Worktree


T = TypeVar("T", bound="TeamStatus")


@_attrs_define
class TeamStatus:
    """
    Attributes:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        status (AwakeStatus): Whether the pair has a live process.
        state (ProcessState): A process's real state (stopped - no live process).
        pid (int | None):
        session_id (None | UUID): The pair's session (null if none yet).
        message_count (int):
        queue_length (int):
        current_request_id (None | UUID): The running tell, if any.
        last_activity (datetime.datetime | None):
        idle_time_remaining (int | None): Milliseconds before the idle process is put to sleep (null when asleep or
            busy).
        worktree (None | Unset | Worktree): The pair's session's git worktree (teams whose isolation is `worktree`;
            absent when it has none yet).
        budget (Budget | Unset): A cost budget and its spend in the current period (the sum of the `costUsd` of the
            tells it covers, kept when their records are cleared).
    """

    team: str
    status: AwakeStatus
    state: ProcessState
    pid: int | None
    session_id: None | UUID
    message_count: int
    queue_length: int
    current_request_id: None | UUID
    last_activity: datetime.datetime | None
    idle_time_remaining: int | None
    worktree: None | Unset | Worktree = UNSET
    budget: Budget | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.worktree import Worktree

        team = self.team

        status = self.status.value

        state = self.state.value

        pid: int | None
        pid = self.pid

        session_id: None | str
        if isinstance(self.session_id, UUID):
            session_id = str(self.session_id)
        else:
            session_id = self.session_id

        message_count = self.message_count

        queue_length = self.queue_length

        current_request_id: None | str
        if isinstance(self.current_request_id, UUID):
            current_request_id = str(self.current_request_id)
        else:
            current_request_id = self.current_request_id

        last_activity: None | str
        if isinstance(self.last_activity, datetime.datetime):
            last_activity = self.last_activity.isoformat()
        else:
            last_activity = self.last_activity

        idle_time_remaining: int | None
        idle_time_remaining = self.idle_time_remaining

        worktree: dict[str, Any] | None | Unset
        if isinstance(self.worktree, Unset):
            worktree = UNSET
        elif isinstance(self.worktree, Worktree):
            worktree = self.worktree.to_dict()
        else:
            worktree = self.worktree

        budget: dict[str, Any] | Unset = UNSET
        if not isinstance(self.budget, Unset):
            budget = self.budget.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "team": team,
                "status": status,
                "state": state,
                "pid": pid,
                "sessionId": session_id,
                "messageCount": message_count,
                "queueLength": queue_length,
                "currentRequestId": current_request_id,
                "lastActivity": last_activity,
                "idleTimeRemaining": idle_time_remaining,
            }
        )
        if worktree is not UNSET:
            field_dict["worktree"] = worktree
        if budget is not UNSET:
            field_dict["budget"] = budget

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.budget import Budget
        from ..models.worktree import Worktree

        d = dict(src_dict)
        team = d.pop("team")

        status = AwakeStatus(d.pop("status"))

        state = ProcessState(d.pop("state"))

        def _parse_pid(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        pid = _parse_pid(d.pop("pid"))

        def _parse_session_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                session_id_type_0 = UUID(data)

                return session_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        session_id = _parse_session_id(d.pop("sessionId"))

        message_count = d.pop("messageCount")

        queue_length = d.pop("queueLength")

        def _parse_current_request_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                current_request_id_type_0 = UUID(data)

                return current_request_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        current_request_id = _parse_current_request_id(d.pop("currentRequestId"))

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

        def _parse_worktree(data: object) -> None | Unset | Worktree:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                worktree_type_0 = Worktree.from_dict(data)

                return worktree_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | Worktree, data)

        worktree = _parse_worktree(d.pop("worktree", UNSET))

        _budget = d.pop("budget", UNSET)
        budget: Budget | Unset
        if isinstance(_budget, Unset):
            budget = UNSET
        else:
            budget = Budget.from_dict(_budget)

        team_status = cls(
            team=team,
            status=status,
            state=state,
            pid=pid,
            session_id=session_id,
            message_count=message_count,
            queue_length=queue_length,
            current_request_id=current_request_id,
            last_activity=last_activity,
            idle_time_remaining=idle_time_remaining,
            worktree=worktree,
            budget=budget,
        )

        return team_status

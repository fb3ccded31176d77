from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.process_state import ProcessState
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.session_totals import SessionTotals
    from ..models.worktree import Worktree


T = TypeVar("T", bound="SessionInfo")


@_attrs_define
class SessionInfo:
    """
    Attributes:
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        forked_from (None | UUID):
        created_at (datetime.datetime):
        last_used_at (datetime.datetime | None):
        message_count (int):
        state (ProcessState): A process's real state (stopped - no live process).
        pid (int | None):
        totals (SessionTotals):
        last_response_at (datetime.datetime | None | Unset):
        launch_command (list[str] | None | Unset): The argv of the last launch (for debugging; null before the first,
            and for keys without `debug:read`).
        worktree (None | Unset | Worktree): The session's git worktree (teams whose isolation is `worktree`; absent when
            it has none yet).
    """

    session_id: UUID
    team: str
    from_team: str
    forked_from: None | UUID
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    message_count: int
    state: ProcessState
    pid: int | None
    totals: SessionTotals
    last_response_at: datetime.datetime | None | Unset = UNSET
    launch_command: list[str] | None | Unset = UNSET
    worktree: None | Unset | Worktree = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.worktree import Worktree

        session_id = str(self.session_id)

        team = self.team

        from_team = self.from_team

        forked_from: None | str
        if isinstance(self.forked_from, UUID):
            forked_from = str(self.forked_from)
        else:
            forked_from = self.forked_from

        created_at = self.created_at.isoformat()

        last_used_at: None | str
        if isinstance(self.last_used_at, datetime.datetime):
            last_used_at = self.last_used_at.isoformat()
        else:
            last_used_at = self.last_used_at

        message_count = self.message_count

        state = self.state.value

        pid: int | None
        pid = self.pid

        totals = self.totals.to_dict()

        last_response_at: None | str | Unset
        if isinstance(self.last_response_at, Unset):
            last_response_at = UNSET
        elif isinstance(self.last_response_at, datetime.datetime):
            last_response_at = self.last_response_at.isoformat()
        else:
            last_response_at = self.last_response_at

        launch_command: list[str] | None | Unset
        if isinstance(self.launch_command, Unset):
            launch_command = UNSET
        elif isinstance(self.launch_command, list):
            launch_command = self.launch_command

        else:
            launch_command = self.launch_command

        worktree: dict[str, Any] | None | Unset
        if isinstance(self.worktree, Unset):
            worktree = UNSET
        elif isinstance(self.worktree, Worktree):
            worktree = self.worktree.to_dict()
        else:
            worktree = self.worktree

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "sessionId": session_id,
                "team": team,
                "fromTeam": from_team,
                "forkedFrom": forked_from,
                "createdAt": created_at,
                "lastUsedAt": last_used_at,
                "messageCount": message_count,
                "state": state,
                "pid": pid,
                "totals": totals,
            }
        )
        if last_response_at is not UNSET:
            field_dict["lastResponseAt"] = last_response_at
        if launch_command is not UNSET:
            field_dict["launchCommand"] = launch_command
        if worktree is not UNSET:
            field_dict["worktree"] = worktree

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.session_totals import SessionTotals
        from ..models.worktree import Worktree

        d = dict(src_dict)
        session_id = UUID(d.pop("sessionId"))

        team = d.pop("team")

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

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        def _parse_last_used_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_used_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_used_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_used_at = _parse_last_used_at(d.pop("lastUsedAt"))

        message_count = d.pop("messageCount")

        state = ProcessState(d.pop("state"))

        def _parse_pid(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        pid = _parse_pid(d.pop("pid"))

        totals = SessionTotals.from_dict(d.pop("totals"))

        def _parse_last_response_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_response_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_response_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        last_response_at = _parse_last_response_at(d.pop("lastResponseAt", UNSET))

        def _parse_launch_command(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                launch_command_type_0 = cast(list[str], data)

                return launch_command_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        launch_command = _parse_launch_command(d.pop("launchCommand", UNSET))

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

        session_info = cls(
            session_id=session_id,
            team=team,
            from_team=from_team,
            forked_from=forked_from,
            created_at=created_at,
            last_used_at=last_used_at,
            message_count=message_count,
            state=state,
            pid=pid,
            totals=totals,
            last_response_at=last_response_at,
            launch_command=launch_command,
            worktree=worktree,
        )

        return session_info

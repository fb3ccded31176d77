from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.grant_permission import GrantPermission
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.process_info import ProcessInfo
    from ..models.team_session import TeamSession


T = TypeVar("T", bound="TeamInfo")


@_attrs_define
class TeamInfo:
    """
    Attributes:
        name (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        path (None | str): The team's folder; null unless the key holds `debug:read` (or
            authentication is off).
        description (str): The team's description ('' when none).
        color (None | str):
        model (None | str): The team's model (null - Claude Code's default).
        grant_permission (GrantPermission): How a team's tool-use requests are answered.
        idle_timeout (int): Milliseconds (the team's own or settings.idleTimeout).
        processes (list[ProcessInfo] | Unset): Live processes (only with includeProcesses=true).
        sessions (list[TeamSession] | Unset): Stored sessions, asleep or awake (only with includeSessions=true):
            at most `sessionLimit`, the live ones and then the most recently
            active first, listed oldest first.
        sessions_truncated (bool | Unset): The team has more sessions than `sessions` lists (only with
            includeSessions=true).
    """

    name: str
    path: None | str
    description: str
    color: None | str
    model: None | str
    grant_permission: GrantPermission
    idle_timeout: int
    processes: list[ProcessInfo] | Unset = UNSET
    sessions: list[TeamSession] | Unset = UNSET
    sessions_truncated: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        path: None | str
        path = self.path

        description = self.description

        color: None | str
        color = self.color

        model: None | str
        model = self.model

        grant_permission = self.grant_permission.value

        idle_timeout = self.idle_timeout

        processes: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.processes, Unset):
            processes = []
            for processes_item_data in self.processes:
                processes_item = processes_item_data.to_dict()
                processes.append(processes_item)

        sessions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.sessions, Unset):
            sessions = []
            for sessions_item_data in self.sessions:
                sessions_item = sessions_item_data.to_dict()
                sessions.append(sessions_item)

        sessions_truncated = self.sessions_truncated

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "path": path,
                "description": description,
                "color": color,
                "model": model,
                "grantPermission": grant_permission,
                "idleTimeout": idle_timeout,
            }
        )
        if processes is not UNSET:
            field_dict["processes"] = processes
        if sessions is not UNSET:
            field_dict["sessions"] = sessions
        if sessions_truncated is not UNSET:
            field_dict["sessionsTruncated"] = sessions_truncated

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.process_info import ProcessInfo
        from ..models.team_session import TeamSession

        d = dict(src_dict)
        name = d.pop("name")

        def _parse_path(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        path = _parse_path(d.pop("path"))

        description = d.pop("description")

        def _parse_color(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        color = _parse_color(d.pop("color"))

        def _parse_model(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        model = _parse_model(d.pop("model"))

        grant_permission = GrantPermission(d.pop("grantPermission"))

        idle_timeout = d.pop("idleTimeout")

        _processes = d.pop("processes", UNSET)
        processes: list[ProcessInfo] | Unset = UNSET
        if _processes is not UNSET:
            processes = []
            for processes_item_data in _processes:
                processes_item = ProcessInfo.from_dict(processes_item_data)

                processes.append(processes_item)

        _sessions = d.pop("sessions", UNSET)
        sessions: list[TeamSession] | Unset = UNSET
        if _sessions is not UNSET:
            sessions = []
            for sessions_item_data in _sessions:
                sessions_item = TeamSession.from_dict(sessions_item_data)

                sessions.append(sessions_item)

        sessions_truncated = d.pop("sessionsTruncated", UNSET)

        team_info = cls(
            name=name,
            path=path,
            description=description,
            color=color,
            model=model,
            grant_permission=grant_permission,
            idle_timeout=idle_timeout,
            processes=processes,
            sessions=sessions,
            sessions_truncated=sessions_truncated,
        )

        return team_info

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.system_health import SystemHealth
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.channels_status import ChannelsStatus
    from ..models.process_counts import ProcessCounts


T = TypeVar("T", bound="SystemStatus")


@_attrs_define
class SystemStatus:
    """
    Attributes:
        status (SystemHealth): degraded - something needs attention (e.g. the pool is full, a config reload failed, the
            channels backend is disconnected).
        version (str):
        uptime (int): Milliseconds since the server started.
        started_at (datetime.datetime):
        total_processes (int): Live processes (one per active session).
        processes (ProcessCounts): Live processes by state.
        max_processes (int):
        teams (int): Configured teams.
        sessions (int): Stored sessions.
        running_tells (int):
        queued_tells (int):
        pending_permissions (int):
        channels (ChannelsStatus | Unset): The backend that carries live events between server instances
            (`channels.backend`). While a Redis backend is disconnected, events
            between instances stop (and `status` is `degraded`); it reconnects by
            itself with backoff.
    """

    status: SystemHealth
    version: str
    uptime: int
    started_at: datetime.datetime
    total_processes: int
    processes: ProcessCounts
    max_processes: int
    teams: int
    sessions: int
    running_tells: int
    queued_tells: int
    pending_permissions: int
    channels: ChannelsStatus | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        status = self.status.value

        version = self.version

        uptime = self.uptime

        started_at = self.started_at.isoformat()

        total_processes = self.total_processes

        processes = self.processes.to_dict()

        max_processes = self.max_processes

        teams = self.teams

        sessions = self.sessions

        running_tells = self.running_tells

        queued_tells = self.queued_tells

        pending_permissions = self.pending_permissions

        channels: dict[str, Any] | Unset = UNSET
        if not isinstance(self.channels, Unset):
            channels = self.channels.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "status": status,
                "version": version,
                "uptime": uptime,
                "startedAt": started_at,
                "totalProcesses": total_processes,
                "processes": processes,
                "maxProcesses": max_processes,
                "teams": teams,
                "sessions": sessions,
                "runningTells": running_tells,
                "queuedTells": queued_tells,
                "pendingPermissions": pending_permissions,
            }
        )
        if channels is not UNSET:
            field_dict["channels"] = channels

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.channels_status import ChannelsStatus
        from ..models.process_counts import ProcessCounts

        d = dict(src_dict)
        status = SystemHealth(d.pop("status"))

        version = d.pop("version")

        uptime = d.pop("uptime")

        started_at = datetime.datetime.fromisoformat(d.pop("startedAt"))

        total_processes = d.pop("totalProcesses")

        processes = ProcessCounts.from_dict(d.pop("processes"))

        max_processes = d.pop("maxProcesses")

        teams = d.pop("teams")

        sessions = d.pop("sessions")

        running_tells = d.pop("runningTells")

        queued_tells = d.pop("queuedTells")

        pending_permissions = d.pop("pendingPermissions")

        _channels = d.pop("channels", UNSET)
        channels: ChannelsStatus | Unset
        if isinstance(_channels, Unset):
            channels = UNSET
        else:
            channels = ChannelsStatus.from_dict(_channels)

        system_status = cls(
            status=status,
            version=version,
            uptime=uptime,
            started_at=started_at,
            total_processes=total_processes,
            processes=processes,
            max_processes=max_processes,
            teams=teams,
            sessions=sessions,
            running_tells=running_tells,
            queued_tells=queued_tells,
            pending_permissions=pending_permissions,
            channels=channels,
        )

        return system_status

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.process_counts import ProcessCounts


T = TypeVar("T", bound="HealthCheck")


@_attrs_define
class HealthCheck:
    """health:check - a system tick every settings.healthCheckInterval. For a key with a team scope the counts cover its
    pairs only (see "Team scope").

        Attributes:
            total_processes (int):
            max_processes (int):
            uptime (int): Milliseconds since the server started.
            timestamp (datetime.datetime):
            processes (ProcessCounts | Unset): Live processes by state.
            queued_tells (int | Unset):
            pending_permissions (int | Unset):
    """

    total_processes: int
    max_processes: int
    uptime: int
    timestamp: datetime.datetime
    processes: ProcessCounts | Unset = UNSET
    queued_tells: int | Unset = UNSET
    pending_permissions: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        total_processes = self.total_processes

        max_processes = self.max_processes

        uptime = self.uptime

        timestamp = self.timestamp.isoformat()

        processes: dict[str, Any] | Unset = UNSET
        if not isinstance(self.processes, Unset):
            processes = self.processes.to_dict()

        queued_tells = self.queued_tells

        pending_permissions = self.pending_permissions

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "totalProcesses": total_processes,
                "maxProcesses": max_processes,
                "uptime": uptime,
                "timestamp": timestamp,
            }
        )
        if processes is not UNSET:
            field_dict["processes"] = processes
        if queued_tells is not UNSET:
            field_dict["queuedTells"] = queued_tells
        if pending_permissions is not UNSET:
            field_dict["pendingPermissions"] = pending_permissions

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.process_counts import ProcessCounts

        d = dict(src_dict)
        total_processes = d.pop("totalProcesses")

        max_processes = d.pop("maxProcesses")

        uptime = d.pop("uptime")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        _processes = d.pop("processes", UNSET)
        processes: ProcessCounts | Unset
        if isinstance(_processes, Unset):
            processes = UNSET
        else:
            processes = ProcessCounts.from_dict(_processes)

        queued_tells = d.pop("queuedTells", UNSET)

        pending_permissions = d.pop("pendingPermissions", UNSET)

        health_check = cls(
            total_processes=total_processes,
            max_processes=max_processes,
            uptime=uptime,
            timestamp=timestamp,
            processes=processes,
            queued_tells=queued_tells,
            pending_permissions=pending_permissions,
        )

        return health_check

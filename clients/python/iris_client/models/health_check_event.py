from __future__ import annotations

from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.health_check import HealthCheck


T = TypeVar("T", bound="HealthCheckEvent")


@_attrs_define
class HealthCheckEvent:
    """
    Attributes:
        event (Literal['health:check']):
        data (HealthCheck): health:check - a system tick every settings.healthCheckInterval. For a key with a team scope
            the counts cover its pairs only (see "Team scope").
    """

    event: Literal["health:check"]
    data: HealthCheck

    def to_dict(self) -> dict[str, Any]:
        event = self.event

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "event": event,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.health_check import HealthCheck

        d = dict(src_dict)
        event = cast(Literal["health:check"], d.pop("event"))
        if event != "health:check":
            raise ValueError(f"event must match const 'health:check', got '{event}'")

        data = HealthCheck.from_dict(d.pop("data"))

        health_check_event = cls(
            event=event,
            data=data,
        )

        return health_check_event

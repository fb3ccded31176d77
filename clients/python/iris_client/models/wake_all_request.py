from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="WakeAllRequest")


@_attrs_define
class WakeAllRequest:
    """
    Attributes:
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        parallel (bool | Unset): Wake the teams concurrently instead of one after another. Default: False.
    """

    from_team: str | Unset = UNSET
    parallel: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        from_team = self.from_team

        parallel = self.parallel

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if from_team is not UNSET:
            field_dict["fromTeam"] = from_team
        if parallel is not UNSET:
            field_dict["parallel"] = parallel

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        from_team = d.pop("fromTeam", UNSET)

        parallel = d.pop("parallel", UNSET)

        wake_all_request = cls(
            from_team=from_team,
            parallel=parallel,
        )

        return wake_all_request

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.wake_all_result import WakeAllResult
    from ..models.wake_all_summary import WakeAllSummary


T = TypeVar("T", bound="WakeAllResponse")


@_attrs_define
class WakeAllResponse:
    """
    Attributes:
        from_team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        parallel (bool):
        results (list[WakeAllResult]): One result per team, in config order (not paged - an operation result, not a
            listing).
        summary (WakeAllSummary):
        duration (int | Unset):
    """

    from_team: str
    parallel: bool
    results: list[WakeAllResult]
    summary: WakeAllSummary
    duration: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from_team = self.from_team

        parallel = self.parallel

        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        summary = self.summary.to_dict()

        duration = self.duration

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "fromTeam": from_team,
                "parallel": parallel,
                "results": results,
                "summary": summary,
            }
        )
        if duration is not UNSET:
            field_dict["duration"] = duration

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.wake_all_result import WakeAllResult
        from ..models.wake_all_summary import WakeAllSummary

        d = dict(src_dict)
        from_team = d.pop("fromTeam")

        parallel = d.pop("parallel")

        results = []
        _results = d.pop("results")
        for results_item_data in _results:
            results_item = WakeAllResult.from_dict(results_item_data)

            results.append(results_item)

        summary = WakeAllSummary.from_dict(d.pop("summary"))

        duration = d.pop("duration", UNSET)

        wake_all_response = cls(
            from_team=from_team,
            parallel=parallel,
            results=results,
            summary=summary,
            duration=duration,
        )

        return wake_all_response

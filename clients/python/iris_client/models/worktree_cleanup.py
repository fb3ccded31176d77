from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.worktree_outcome import WorktreeOutcome
from ..types import UNSET, Unset

T = TypeVar("T", bound="WorktreeCleanup")


@_attrs_define
class WorktreeCleanup:
    """What became of a deleted session's worktree. `removed`: folder and branch are gone (nothing
    would be lost). `kept`: it has uncommitted changes (or git failed), so folder and branch stay.
    `branchKept`: the folder is gone and the branch stays, holding commits on no other branch.

        Attributes:
            branch (str):
            path (str): The worktree's folder, relative to IRIS_HOME.
            outcome (WorktreeOutcome): What became of a deleted session's worktree (see WorktreeCleanup).
            reason (None | str | Unset): Why something was kept.
    """

    branch: str
    path: str
    outcome: WorktreeOutcome
    reason: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        branch = self.branch

        path = self.path

        outcome = self.outcome.value

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "branch": branch,
                "path": path,
                "outcome": outcome,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        branch = d.pop("branch")

        path = d.pop("path")

        outcome = WorktreeOutcome(d.pop("outcome"))

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        worktree_cleanup = cls(
            branch=branch,
            path=path,
            outcome=outcome,
            reason=reason,
        )

        return worktree_cleanup

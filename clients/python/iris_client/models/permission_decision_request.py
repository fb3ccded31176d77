from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.permission_decision import PermissionDecision
from ..types import UNSET, Unset

T = TypeVar("T", bound="PermissionDecisionRequest")


@_attrs_define
class PermissionDecisionRequest:
    """
    Attributes:
        decision (PermissionDecision):
        reason (str | Unset): Why; sent to Claude Code as the deny message.
    """

    decision: PermissionDecision
    reason: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        decision = self.decision.value

        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "decision": decision,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        decision = PermissionDecision(d.pop("decision"))

        reason = d.pop("reason", UNSET)

        permission_decision_request = cls(
            decision=decision,
            reason=reason,
        )

        return permission_decision_request

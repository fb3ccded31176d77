"""Pending tool-use permissions → the contract's models."""

from __future__ import annotations

import uuid

import msgspec

from app.api import models as m
from app.clock import utcnow
from app.engine.permissions import PendingPermission

__all__ = ["decision_response", "permission_request"]


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def permission_request(pending: PendingPermission) -> m.PermissionRequest:
    """A tool use waiting for a decision (ids parsed, fields renamed, a missing deadline filled: no plain copy)."""
    return m.PermissionRequest(
        permission_id=uuid.UUID(pending.id),
        session_id=uuid.UUID(pending.session_id),
        request_id=_uuid(pending.request_id),
        team=pending.team,
        from_team=pending.from_team,
        tool_name=pending.tool,
        tool_input=pending.input,
        created_at=pending.created_at,
        expires_at=pending.expires_at or pending.created_at,
    )


def decision_response(
    pending: PendingPermission, decision: m.PermissionDecision, reason: str | None, decided_by: str | None
) -> m.PermissionDecisionResponse:
    """The decision that was delivered (joined with the request's own decision and decider: no plain copy)."""
    return m.PermissionDecisionResponse(
        permission_id=uuid.UUID(pending.id),
        session_id=uuid.UUID(pending.session_id),
        team=pending.team,
        from_team=pending.from_team,
        decision=decision,
        reason=reason if reason is not None else msgspec.UNSET,
        decided_at=utcnow(),
        decided_by=decided_by,
    )

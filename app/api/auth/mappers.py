"""Key and audit records of the auth stores → the contract's models."""

from __future__ import annotations

import datetime

import msgspec

from app.api import models as m
from app.auth.audit import AuditRecord
from app.auth.keys import ADMIN, PERMISSIONS, CreatedKey, KeyRecord

__all__ = ["WITHOUT_AUTH", "api_key", "audit_entry", "created_api_key", "current_key"]

WITHOUT_AUTH = tuple(p for p in PERMISSIONS if p != ADMIN)
"""What every request may do with `api.requireAuth: false` (the routes that need `admin` are refused)."""


def api_key(record: KeyRecord, now: datetime.datetime, spent_usd: float | None = None) -> m.ApiKey:
    """A stored key as the contract's `ApiKey` (never the key or its hash), `active` as of `now`, with what its tells
    have cost (`spent_usd`: in its budget's period, or ever; left out when not known)."""
    return msgspec.convert(msgspec.to_builtins(record.view(now, spent_usd)), m.ApiKey)


def created_api_key(created: CreatedKey) -> m.CreatedApiKey:
    """A new key as the contract's `CreatedApiKey`, with the plain key."""
    return msgspec.convert(created.view(), m.CreatedApiKey, from_attributes=True)


def current_key(record: KeyRecord | None) -> m.CurrentKey:
    """The calling key as the contract's `CurrentKey` (None: authentication is off, no key was checked)."""
    if record is None:
        return m.CurrentKey(
            authenticated=False,
            id=None,
            name=None,
            role=None,
            permissions=[m.Permission(p) for p in WITHOUT_AUTH],
            teams=None,
            env=None,
            created_at=None,
            expires_at=None,
            last_used_at=None,
            usage_count=0,
        )
    return m.CurrentKey(
        authenticated=True,
        id=record.id,
        name=record.name,
        role=m.KeyRole(record.role) if record.role is not None else None,
        permissions=[m.Permission(p) for p in record.permissions],
        teams=list(record.teams) if record.teams is not None else None,
        env=m.KeyEnv(record.env) if record.env is not None else None,
        created_at=record.created_at,
        expires_at=record.expires_at,
        last_used_at=record.last_used_at,
        usage_count=record.usage_count,
    )


def audit_entry(record: AuditRecord) -> m.AuditEntry:
    """An audit entry as the contract's `AuditEntry`."""
    return msgspec.convert(record.view(), m.AuditEntry, from_attributes=True)

"""Key and audit records of the auth stores → the contract's models."""

from __future__ import annotations

import datetime

import msgspec

from app.api import models as m
from app.auth.audit import AuditRecord
from app.auth.keys import CreatedKey, KeyRecord

__all__ = ["api_key", "audit_entry", "created_api_key"]


def api_key(record: KeyRecord, now: datetime.datetime) -> m.ApiKey:
    """A stored key as the contract's `ApiKey` (never the key or its hash), `active` as of `now`."""
    return msgspec.convert(record.view(now), m.ApiKey, from_attributes=True)


def created_api_key(created: CreatedKey) -> m.CreatedApiKey:
    """A new key as the contract's `CreatedApiKey`, with the plain key."""
    return msgspec.convert(created.view(), m.CreatedApiKey, from_attributes=True)


def audit_entry(record: AuditRecord) -> m.AuditEntry:
    """An audit entry as the contract's `AuditEntry`."""
    return msgspec.convert(record.view(), m.AuditEntry, from_attributes=True)

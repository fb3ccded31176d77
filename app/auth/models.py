"""Tables of the key store and of the audit log, each in its own metadata (and SQLite file)."""

from __future__ import annotations

import datetime
from typing import Any

from advanced_alchemy.base import DefaultBase
from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

KEYS_BIND = "iris_keys"
AUDIT_BIND = "iris_audit"


class KeysBase(DefaultBase):
    """Models of the key store (their own metadata)."""

    __abstract__ = True
    __bind_key__ = KEYS_BIND


class AuditBase(DefaultBase):
    """Models of the audit log (their own metadata)."""

    __abstract__ = True
    __bind_key__ = AUDIT_BIND


class ApiKeyRow(KeysBase):
    """One API key: only its SHA-256 hash, never the key."""

    __tablename__ = "iris_api_key"
    __table_args__ = (Index("ix_iris_api_key_created", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    """The public id (`k_` + 10 base62)."""
    name: Mapped[str] = mapped_column(String(64))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    env: Mapped[str | None] = mapped_column(String(8), nullable=True)
    role: Mapped[str | None] = mapped_column(String(16), nullable=True)
    permissions: Mapped[list[str]] = mapped_column(JsonB)
    teams: Mapped[list[str] | None] = mapped_column(JsonB, nullable=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    revoked_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    last_used_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    usage_count: Mapped[int] = mapped_column(Integer, default=0)
    budget_usd: Mapped[float | None] = mapped_column(Float, nullable=True)
    """A cost budget in USD for the tells the key starts (null: none)."""
    budget_period: Mapped[str | None] = mapped_column(String(8), nullable=True)
    """`day`, `month` (UTC) or `total`, with a budget."""


class AuditRow(AuditBase):
    """One audit event; rows are only ever inserted (and pruned by retention)."""

    __tablename__ = "iris_audit_event"
    __table_args__ = (
        Index("ix_iris_audit_event_timestamp", "timestamp"),
        Index("ix_iris_audit_event_event", "event", "id"),
        Index("ix_iris_audit_event_key", "key_id", "id"),
        Index("ix_iris_audit_event_team", "team", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    timestamp: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    event: Mapped[str] = mapped_column(String(32))
    key_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    key_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    client_address: Mapped[str | None] = mapped_column(String(128), nullable=True)
    method: Mapped[str | None] = mapped_column(String(16), nullable=True)
    path: Mapped[str | None] = mapped_column(Text, nullable=True)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    details: Mapped[dict[str, Any] | None] = mapped_column(JsonB, nullable=True)
    team: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The team of the caller → team pair the event acted on."""
    from_team: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The caller of that pair (`external` or a team)."""
    teams: Mapped[list[str] | None] = mapped_column(JsonB, nullable=True)
    """Every team the event concerns; a key with a team scope sees the row only when they are all within it."""

"""audit events

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC, JsonB
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create the audit table (ids never reused: AUTOINCREMENT)."""
    op.create_table(
        "iris_audit_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("timestamp", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=True),
        sa.Column("key_name", sa.String(length=64), nullable=True),
        sa.Column("client_address", sa.String(length=128), nullable=True),
        sa.Column("method", sa.String(length=16), nullable=True),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("details", JsonB, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_iris_audit_event")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("iris_audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_iris_audit_event_event", ["event", "id"], unique=False)
        batch_op.create_index("ix_iris_audit_event_key", ["key_id", "id"], unique=False)
        batch_op.create_index("ix_iris_audit_event_timestamp", ["timestamp"], unique=False)


def downgrade() -> None:
    """Drop the audit table."""
    with op.batch_alter_table("iris_audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_iris_audit_event_timestamp")
        batch_op.drop_index("ix_iris_audit_event_key")
        batch_op.drop_index("ix_iris_audit_event_event")
    op.drop_table("iris_audit_event")

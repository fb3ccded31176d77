"""api keys

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
    """Create the keys table."""
    op.create_table(
        "iris_api_key",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("env", sa.String(length=8), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=True),
        sa.Column("permissions", JsonB, nullable=False),
        sa.Column("teams", JsonB, nullable=True),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("expires_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("revoked_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("last_used_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("usage_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_iris_api_key")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_iris_api_key_key_hash")),
    )
    with op.batch_alter_table("iris_api_key", schema=None) as batch_op:
        batch_op.create_index("ix_iris_api_key_created", ["created_at", "id"], unique=False)


def downgrade() -> None:
    """Drop the keys table."""
    with op.batch_alter_table("iris_api_key", schema=None) as batch_op:
        batch_op.drop_index("ix_iris_api_key_created")
    op.drop_table("iris_api_key")

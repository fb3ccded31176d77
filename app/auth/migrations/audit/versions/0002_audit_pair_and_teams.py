"""audit events: the pair acted on and the teams an event concerns

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.types import JsonB
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add `team`, `from_team` and `teams` (null in older rows: only keys without a team scope see those).

    Plain `ADD COLUMN`s: rebuilding the table (batch mode) would drop its AUTOINCREMENT, and ids must never be
    reused.
    """
    op.add_column("iris_audit_event", sa.Column("team", sa.String(length=64), nullable=True))
    op.add_column("iris_audit_event", sa.Column("from_team", sa.String(length=64), nullable=True))
    op.add_column("iris_audit_event", sa.Column("teams", JsonB, nullable=True))
    op.create_index("ix_iris_audit_event_team", "iris_audit_event", ["team", "id"], unique=False)


def downgrade() -> None:
    """Drop the three columns."""
    with op.batch_alter_table("iris_audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_iris_audit_event_team")
        batch_op.drop_column("teams")
        batch_op.drop_column("from_team")
        batch_op.drop_column("team")

"""processes and resumable tells

The Claude Code processes a server started (so the next one can stop what a crash left), and whether a tell
runs as a command (so a queued one resumes as it was accepted).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create `iris_process`; add `iris_tell.command` (false in older rows)."""
    with op.batch_alter_table("iris_tell", schema=None) as batch_op:
        batch_op.add_column(sa.Column("command", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "iris_process",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("session_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("team", sa.String(length=64), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("start_time", sa.BigInteger(), nullable=True),
        sa.Column("started_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_iris_process")),
    )


def downgrade() -> None:
    """Drop `iris_process` and `iris_tell.command`."""
    op.drop_table("iris_process")
    with op.batch_alter_table("iris_tell", schema=None) as batch_op:
        batch_op.drop_column("command")

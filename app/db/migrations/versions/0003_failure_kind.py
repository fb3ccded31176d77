"""failure kinds of tells

What kind of failure ended a tell, recorded beside its reason, so that it reads back the same after a restart.
Rows written before the column existed get the kind their reason was written with.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

_WRITTEN_AS = (
    ("cancelled:%", "cancelled"),
    ("stalled:%", "stalled"),
    ("shutdown:%", "shutdown"),
    ("server_restart:%", "server_restart"),
    ("team_removed:%", "team_removed"),
    ("process_exited:%", "process_exited"),
    ("process_error:%", "process_error"),
    ("internal_error:%", "internal_error"),
    ("TimeoutError:%", "start_timeout"),
    ("ProcessPoolLimitError:%", "pool_full"),
    ("%Error:%", "start_failed"),
)
"""How older servers began each kind of reason (a Claude Code error is its own text: `is_error` marks it)."""


def upgrade() -> None:
    """Add `iris_tell.failure_kind` and fill it in for the tells that ended with a reason."""
    with op.batch_alter_table("iris_tell", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failure_kind", sa.String(length=32), nullable=True))
    tell = sa.table(
        "iris_tell",
        sa.column("reason", sa.Text),
        sa.column("is_error", sa.Boolean),
        sa.column("status", sa.String),
        sa.column("failure_kind", sa.String),
    )
    kind = sa.case(
        (tell.c.is_error, "claude_error"),
        *((tell.c.reason.like(start), written) for start, written in _WRITTEN_AS),
        (tell.c.status == "cancelled", "cancelled"),
        (tell.c.status == "stalled", "stalled"),
        else_="internal_error",
    )
    op.execute(tell.update().where(tell.c.reason.is_not(None)).values(failure_kind=kind))


def downgrade() -> None:
    """Drop `iris_tell.failure_kind`."""
    with op.batch_alter_table("iris_tell", schema=None) as batch_op:
        batch_op.drop_column("failure_kind")

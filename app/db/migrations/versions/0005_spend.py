"""spend and per-tell options

The spend ledger (one row per tell that cost something: when, its team, the key that started it, the cost), read by
cost budgets and kept when tell records are cleared or their session deleted; and on each tell the key that started
it, its per-tell options, its parsed output and the restart of its process it needed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def _json() -> sa.types.TypeEngine[object]:
    """The JSON column type of the other tables."""
    return (
        sa.JSON()
        .with_variant(postgresql.JSONB(astext_type=Text()), "cockroachdb")
        .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
        .with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")
    )


def upgrade() -> None:
    """Add `iris_spend` and `iris_tell.key_id`, `options`, `output`, `restarted_for`."""
    op.create_table(
        "iris_spend",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("team", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=True),
        sa.Column("cost_usd", sa.Float(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_iris_spend")),
    )
    op.create_index("ix_iris_spend_team_at", "iris_spend", ["team", "at"], unique=False)
    op.create_index("ix_iris_spend_key_at", "iris_spend", ["key_id", "at"], unique=False)
    with op.batch_alter_table("iris_tell", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("options", _json(), nullable=True))
        batch_op.add_column(sa.Column("output", _json(), nullable=True))
        batch_op.add_column(sa.Column("restarted_for", _json(), nullable=True))


def downgrade() -> None:
    """Drop what `upgrade` added."""
    with op.batch_alter_table("iris_tell", schema=None) as batch_op:
        batch_op.drop_column("restarted_for")
        batch_op.drop_column("output")
        batch_op.drop_column("options")
        batch_op.drop_column("key_id")
    op.drop_index("ix_iris_spend_key_at", table_name="iris_spend")
    op.drop_index("ix_iris_spend_team_at", table_name="iris_spend")
    op.drop_table("iris_spend")

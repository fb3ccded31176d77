"""key budgets

A key's cost budget: at most `budget_usd` for the tells it starts per `budget_period` (day, month or total). Older
keys have none.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add `iris_api_key.budget_usd` and `budget_period`."""
    with op.batch_alter_table("iris_api_key", schema=None) as batch_op:
        batch_op.add_column(sa.Column("budget_usd", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("budget_period", sa.String(length=8), nullable=True))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("iris_api_key", schema=None) as batch_op:
        batch_op.drop_column("budget_period")
        batch_op.drop_column("budget_usd")

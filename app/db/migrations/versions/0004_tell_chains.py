"""tell chains

The tell whose Claude Code made a tell through Iris's tools (`parent_request_id`), and the chain of tells it
waited under, so both read back the same after a restart. Older rows are tells from outside: null in both.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add `iris_tell.parent_request_id` (indexed) and `iris_tell.chain`."""
    json = (
        sa.JSON()
        .with_variant(postgresql.JSONB(astext_type=Text()), "cockroachdb")
        .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
        .with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")
    )
    with op.batch_alter_table("iris_tell", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("parent_request_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True)
        )
        batch_op.add_column(sa.Column("chain", json, nullable=True))
        batch_op.create_index("ix_iris_tell_parent_request_id", ["parent_request_id"], unique=False)


def downgrade() -> None:
    """Drop `iris_tell.chain` and `iris_tell.parent_request_id`."""
    with op.batch_alter_table("iris_tell", schema=None) as batch_op:
        batch_op.drop_index("ix_iris_tell_parent_request_id")
        batch_op.drop_column("chain")
        batch_op.drop_column("parent_request_id")

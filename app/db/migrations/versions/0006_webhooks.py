"""webhooks

Webhook endpoints (their URL, events, team filter and signing secret), the outbox of their deliveries and every
attempt of each, and on each tell the endpoint its `callbackUrl` named.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision: str | None = "0005"
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


def _guid() -> advanced_alchemy.types.guid.GUID:
    return advanced_alchemy.types.guid.GUID(length=16)


def _when() -> advanced_alchemy.types.datetime.DateTimeUTC:
    return advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)


def upgrade() -> None:
    """Create the endpoint, delivery and attempt tables; add `iris_tell.callback_webhook_id`."""
    op.create_table(
        "iris_webhook",
        sa.Column("id", _guid(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("events", _json(), nullable=False),
        sa.Column("teams", _json(), nullable=True),
        sa.Column("callbacks_only", sa.Boolean(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_iris_webhook")),
    )
    op.create_table(
        "iris_webhook_delivery",
        sa.Column("id", _guid(), nullable=False),
        sa.Column("webhook_id", _guid(), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("team", sa.String(length=64), nullable=True),
        sa.Column("request_id", _guid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("next_attempt_at", _when(), nullable=True),
        sa.Column("attempt_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["iris_webhook.id"],
            name=op.f("fk_iris_webhook_delivery_webhook_id_iris_webhook"),
            ondelete="CASCADE",
        ),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_iris_webhook_delivery")),
    )
    op.create_index("ix_iris_webhook_delivery_due", "iris_webhook_delivery", ["status", "next_attempt_at"])
    op.create_index("ix_iris_webhook_delivery_hook", "iris_webhook_delivery", ["webhook_id", "created_at"])
    op.create_table(
        "iris_webhook_attempt",
        sa.Column("id", _guid(), nullable=False),
        sa.Column("delivery_id", _guid(), nullable=False),
        sa.Column("at", _when(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["iris_webhook_delivery.id"],
            name=op.f("fk_iris_webhook_attempt_delivery_id_iris_webhook_delivery"),
            ondelete="CASCADE",
        ),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_iris_webhook_attempt")),
    )
    op.create_index("ix_iris_webhook_attempt_delivery", "iris_webhook_attempt", ["delivery_id", "at"])
    with op.batch_alter_table("iris_tell", schema=None) as batch_op:
        batch_op.add_column(sa.Column("callback_webhook_id", _guid(), nullable=True))


def downgrade() -> None:
    """Drop the webhook tables and `iris_tell.callback_webhook_id`."""
    with op.batch_alter_table("iris_tell", schema=None) as batch_op:
        batch_op.drop_column("callback_webhook_id")
    op.drop_index("ix_iris_webhook_attempt_delivery", table_name="iris_webhook_attempt")
    op.drop_table("iris_webhook_attempt")
    op.drop_index("ix_iris_webhook_delivery_hook", table_name="iris_webhook_delivery")
    op.drop_index("ix_iris_webhook_delivery_due", table_name="iris_webhook_delivery")
    op.drop_table("iris_webhook_delivery")
    op.drop_table("iris_webhook")

"""claim deadlines against public entities, the loss's motor-vehicle flag, and calendar links

Revision ID: 0008_claim_deadlines
Revises: 0006_confidential
Create Date: 2026-11-30 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_claim_deadlines"
down_revision = "0006_confidential"
branch_labels = None
depends_on = None

_OPEN_CLAIM = sa.text("closed_on IS NULL AND claim_deadline_on IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("loss_motor", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )
        batch_op.add_column(
            sa.Column("public_entity", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )
        batch_op.add_column(sa.Column("claim_deadline_on", sa.Date(), nullable=True))
        batch_op.create_index(
            "ix_cases_open_claim_deadline",
            ["claim_deadline_on"],
            unique=False,
            sqlite_where=_OPEN_CLAIM,
            postgresql_where=_OPEN_CLAIM,
        )
    op.create_table(
        "calendar_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_links_token_hash")),
    )
    with op.batch_alter_table("calendar_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_links_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("calendar_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_links_user_id"))
    op.drop_table("calendar_links")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_cases_open_claim_deadline", sqlite_where=_OPEN_CLAIM, postgresql_where=_OPEN_CLAIM
        )
        batch_op.drop_column("claim_deadline_on")
        batch_op.drop_column("public_entity")
        batch_op.drop_column("loss_motor")

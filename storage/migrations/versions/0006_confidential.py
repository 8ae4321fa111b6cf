"""who sees a case: its team; external people told apart; no stored emails; event claims pruned by age

Revision ID: 0006_confidential
Revises: 0009_stage_counts
Create Date: 2026-11-30 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_confidential"
down_revision = "0009_stage_counts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_team",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("added_by", sa.String(length=32), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_team_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", "user_id", name=op.f("pk_case_team")),
    )
    with op.batch_alter_table("case_team", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_team_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.drop_index(batch_op.f("ix_staff_email"))
        batch_op.drop_column("email")
    with op.batch_alter_table("event_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_claims_claimed_at"), ["claimed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("event_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_claims_claimed_at"))
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=320), nullable=True))
        batch_op.create_index(batch_op.f("ix_staff_email"), ["email"], unique=False)
        batch_op.drop_column("external")
    with op.batch_alter_table("case_team", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_team_user_id"))
    op.drop_table("case_team")

"""the case ledger: each provider's bill, liens, case costs

Revision ID: 0007_ledger
Revises: 0005_playbook_letter
Create Date: 2026-11-30 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_ledger"
down_revision = "0005_playbook_letter"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("providers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("billed", sa.Numeric(precision=14, scale=2), nullable=True))
        batch_op.add_column(sa.Column("paid", sa.Numeric(precision=14, scale=2), nullable=True))
        batch_op.add_column(sa.Column("adjusted", sa.Numeric(precision=14, scale=2), nullable=True))
        batch_op.add_column(sa.Column("billed_on", sa.Date(), nullable=True))
    op.create_table(
        "liens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("asserted_on", sa.Date(), nullable=False),
        sa.Column("reduced_to", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("reduced_on", sa.Date(), nullable=True),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("by", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_liens_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_liens")),
        sa.UniqueConstraint("case_id", "n", name=op.f("uq_liens_case_id")),
    )
    op.create_table(
        "case_costs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("by", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_costs_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_costs")),
        sa.UniqueConstraint("case_id", "n", name=op.f("uq_case_costs_case_id")),
    )


def downgrade() -> None:
    op.drop_table("case_costs")
    op.drop_table("liens")
    with op.batch_alter_table("providers", schema=None) as batch_op:
        batch_op.drop_column("billed_on")
        batch_op.drop_column("adjusted")
        batch_op.drop_column("paid")
        batch_op.drop_column("billed")

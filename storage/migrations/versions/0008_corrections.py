"""corrections and undo: voided contacts, and what each change did so that it can be undone

Revision ID: 0004_corrections
Revises: 0008_claim_deadlines
Create Date: 2026-11-28 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_corrections"
down_revision = "0008_claim_deadlines"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("voided_by", sa.String(length=32), nullable=True))
    op.create_table(
        "case_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("by", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["audit_id"], ["audit.id"], name=op.f("fk_case_changes_audit_id_audit"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_changes_case_id_cases"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_changes")),
        sa.UniqueConstraint("audit_id", name=op.f("uq_case_changes_audit_id")),
    )
    with op.batch_alter_table("case_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_changes_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_changes_case_id"))
    op.drop_table("case_changes")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("voided_by")
        batch_op.drop_column("voided_at")

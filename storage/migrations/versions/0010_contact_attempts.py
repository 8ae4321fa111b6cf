"""contact attempts: a voicemail, no answer, a message asking the client to call

Revision ID: 0010_contact_attempts
Revises: 0009_request_claims
Create Date: 2026-12-05 09:20:00

- contact_attempts: tries at reaching the client or the adjuster that did not reach them. Recorded and shown,
  they close nothing and move no clock, so they live apart from `contacts`.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_contact_attempts"
down_revision = "0009_request_claims"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("how", sa.String(length=12), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("rule", sa.String(length=8), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("by", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_contact_attempts_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_attempts")),
    )
    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_attempts_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_attempts_case_id"))
    op.drop_table("contact_attempts")

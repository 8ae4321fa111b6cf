"""open cases counted by stage, and indexes for the leads' views

Revision ID: 0009_stage_counts
Revises: 0007_ledger
Create Date: 2026-11-29 23:30:00

- stage_counts: open cases in each stage and the sum of the days they entered it (days since 1970-01-01),
  kept in step with `cases` by storage/stage_counts.py; filled here from the cases already there.
- ix_cases_open_stage: the earliest day an open case entered each stage, one seek a stage.
- ix_obligations_active_by_due gains manager_id (overdue by manager from the index alone);
  ix_obligations_active_by_manager_due: one person's overdue list a page at a time.
- ix_offers_untold, ix_escalations_open: the offers not yet told, the escalations not yet cleared.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_stage_counts"
down_revision = "0007_ledger"
branch_labels = None
depends_on = None

_ACTIVE = sa.text("state IN ('open', 'snoozed')")
_OPEN = sa.text("closed_on IS NULL")
_UNTOLD = sa.text("informed_on IS NULL")
_NOT_CLEARED = sa.text("cleared_at IS NULL")


def _where(clause: sa.TextClause) -> dict[str, sa.TextClause]:
    return {"sqlite_where": clause, "postgresql_where": clause}


def upgrade() -> None:
    op.create_table(
        "stage_counts",
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("open_cases", sa.Integer(), nullable=False),
        sa.Column("entered_days", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("stage", name=op.f("pk_stage_counts")),
    )
    if op.get_bind().dialect.name == "postgresql":
        days = "stage_entered_on - DATE '1970-01-01'"
    else:
        days = "CAST(julianday(stage_entered_on) - 2440587.5 AS INTEGER)"
    op.execute(
        "INSERT INTO stage_counts (stage, open_cases, entered_days) "
        f"SELECT stage, COUNT(*), SUM({days}) FROM cases WHERE closed_on IS NULL GROUP BY stage"
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cases_open_stage", ["stage", "stage_entered_on"], unique=False, **_where(_OPEN)
        )
    with op.batch_alter_table("obligations", schema=None) as batch_op:
        batch_op.drop_index("ix_obligations_active_by_due", **_where(_ACTIVE))
        batch_op.create_index(
            "ix_obligations_active_by_due", ["due_on", "manager_id"], unique=False, **_where(_ACTIVE)
        )
        batch_op.create_index(
            "ix_obligations_active_by_manager_due", ["manager_id", "due_on"], unique=False, **_where(_ACTIVE)
        )
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.create_index("ix_offers_untold", ["received_on", "case_id"], unique=False, **_where(_UNTOLD))
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.create_index("ix_escalations_open", ["obligation_id"], unique=False, **_where(_NOT_CLEARED))


def downgrade() -> None:
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_index("ix_escalations_open", **_where(_NOT_CLEARED))
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index("ix_offers_untold", **_where(_UNTOLD))
    with op.batch_alter_table("obligations", schema=None) as batch_op:
        batch_op.drop_index("ix_obligations_active_by_manager_due", **_where(_ACTIVE))
        batch_op.drop_index("ix_obligations_active_by_due", **_where(_ACTIVE))
        batch_op.create_index("ix_obligations_active_by_due", ["due_on"], unique=False, **_where(_ACTIVE))
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_open_stage", **_where(_OPEN))
    op.drop_table("stage_counts")

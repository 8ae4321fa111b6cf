"""SQLite: a person's day read from one index alone (what asks for their attention, and every column its line shows)

Revision ID: 0016_asking_index
Revises: 0015_home_opens
Create Date: 2026-12-07 16:40:00

- SQLite: ix_obligations_asking takes the place of ix_obligations_active_by_manager, with the same leading
  columns (manager_id, remind_on) and, after them, every column of the obligation that `/case due`, a Home
  and a digest show (storage/my_day.py). A person's hundred or so active obligations are then a few
  neighbouring pages of the index, where they were as many pages of the table, one for each (bench/RESULTS.md,
  issue 23: the day's statement 1.8 → 1.1 ms at 100,000 cases). Only active obligations are in it (partial),
  so it is a twelfth of the table's rows.
- PostgreSQL is left as it is: a B-tree entry there holds at most about 2.7 KB, INCLUDE columns counted, and a
  case's talking points (its outstanding providers) can be longer; an insert past it would fail.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_asking_index"
down_revision = "0015_home_opens"
branch_labels = None
depends_on = None

_ACTIVE = sa.text("state IN ('open', 'snoozed')")
_SHOWN = (
    "case_id",
    "kind",
    "rule",
    "triggered_on",
    "due_on",
    "state",
    "snoozed_until",
    "reason",
    "talking_points",
    "id",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.create_index(
        "ix_obligations_asking",
        "obligations",
        ["manager_id", "remind_on", *_SHOWN],
        sqlite_where=_ACTIVE,
    )
    op.drop_index("ix_obligations_active_by_manager", table_name="obligations")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.create_index(
        "ix_obligations_active_by_manager",
        "obligations",
        ["manager_id", "remind_on"],
        sqlite_where=_ACTIVE,
    )
    op.drop_index("ix_obligations_asking", table_name="obligations")

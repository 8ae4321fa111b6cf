"""an index for limitation alerts: open cases by limitation date

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-26 18:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None

_OPEN = sa.text("closed_on IS NULL AND limitation_on IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cases_open_limitation",
            ["limitation_on"],
            unique=False,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_open_limitation", sqlite_where=_OPEN, postgresql_where=_OPEN)

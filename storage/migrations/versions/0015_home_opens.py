"""when each person last opened their Home tab, so that a change publishes only the Homes someone is looking at

Revision ID: 0015_home_opens
Revises: 0014_home_versions
Create Date: 2026-12-07 16:20:00

- home_opens: one row a person, `opened_at` the last time Slack told casebot (app_home_opened) that they opened
  their Home, written at most every few minutes by each process (bot/services/home.py). A change publishes a
  Home at once only to someone who opened theirs within the last hours; anyone else's is built afresh when
  they next open it (handlers/home.py). Used on PostgreSQL, so that every replica knows who is looking
  whichever of them Slack sent the opening to; SQLite serves one process, which remembers openings itself
  (an opening is never a write there).
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_home_opens"
down_revision = "0014_home_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "home_opens",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_home_opens")),
    )


def downgrade() -> None:
    op.drop_table("home_opens")

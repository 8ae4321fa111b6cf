"""the claim's own events against a public entity (presented, rejected or deemed rejected, and the day), and
the firm's workspace on calendar links (calendar events' UIDs are unique to the firm)

Revision ID: 0010_claim_events
Revises: 0021_client_messages
Create Date: 2026-12-05 09:40:00

A claim presented stops its deadline's alerts; a written rejection starts the suit period that runs from it
(Cal. Gov. Code § 945.6(a)(1)). The suit periods themselves are rows of bot/rules/public_entity.py.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_claim_events"
down_revision = "0021_client_messages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim_presented_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("claim_rejected_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("claim_rejection", sa.String(length=16), nullable=True))
    with op.batch_alter_table("calendar_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("workspace", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("calendar_links", schema=None) as batch_op:
        batch_op.drop_column("workspace")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("claim_rejection")
        batch_op.drop_column("claim_rejected_on")
        batch_op.drop_column("claim_presented_on")

"""the playbook to the letter: how each stage was entered, and a client contact's topic

`stage_changes.via` names the command that moved the case (`advance` for a plain advance, `advance-to`
for one naming its stage or day, `demand`, `offer`, `close`, `create`, `import`), so that the double-submit
guard catches only a repeated plain advance. `contacts.topic` marks a client contact that was the
accounting conversation of step 9 (`accounting`), which alone closes R12.

Revision ID: 0005_playbook_letter
Revises: 0003
Create Date: 2026-11-28 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_playbook_letter"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stage_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("via", sa.String(length=16), nullable=True))
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("topic", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("topic")
    with op.batch_alter_table("stage_changes", schema=None) as batch_op:
        batch_op.drop_column("via")

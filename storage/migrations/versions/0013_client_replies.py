"""clients' replies: the reply token an email carries, the message a reply answers, the keyword an answer is for

Revision ID: 0022_client_replies
Revises: 0010_claim_events
Create Date: 2026-12-05 10:00:00

- client_messages.reply_token: the token of an email's reply address (reply+<token>@INBOUND_EMAIL_DOMAIN),
  unique; a client's reply comes back to the message (and the case) through it.
- client_messages.in_reply_to: the Message-ID of the client's email a reply answers (its In-Reply-To).
- client_messages.keyword: stop | start | help when the message is casebot's answer to that keyword (it goes at
  once, whatever the consent or the hour, and is not a client contact).
- ix_client_messages_to: the messages to a number or address, newest first (which case a text belongs to).
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_client_replies"
down_revision = "0010_claim_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("client_messages") as batch:
        batch.add_column(sa.Column("reply_token", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("in_reply_to", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("keyword", sa.String(length=8), nullable=True))
        batch.create_unique_constraint("uq_client_messages_reply_token", ["reply_token"])
    op.create_index("ix_client_messages_to", "client_messages", ["to_addr", "id"])


def downgrade() -> None:
    op.drop_index("ix_client_messages_to", table_name="client_messages")
    with op.batch_alter_table("client_messages") as batch:
        batch.drop_constraint("uq_client_messages_reply_token", type_="unique")
        batch.drop_column("keyword")
        batch.drop_column("in_reply_to")
        batch.drop_column("reply_token")

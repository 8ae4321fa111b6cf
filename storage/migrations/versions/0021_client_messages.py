"""the client's contact details, consent to texts, and the messages exchanged with the client

Revision ID: 0021_client_messages
Revises: 0009_request_claims
Create Date: 2026-12-05 09:30:00

- case_clients: one row per case (phone in E.164, email, language, preference, consent to texts, what the
  carrier said of the number).
- client_consents: every change of consent, with its source, who and when (append-only).
- client_messages: every message to or from a client (direction, channel, rule, body, the carrier's id, status).
- contacts.channel: `sms` or `email` for a client contact logged by a message casebot sent.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_client_messages"
down_revision = "0009_request_claims"
branch_labels = None
depends_on = None

_PENDING = sa.text("status IN ('held', 'sending')")


def upgrade() -> None:
    op.create_table(
        "case_clients",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("language", sa.String(length=2), server_default=sa.text("'en'"), nullable=False),
        sa.Column("prefer", sa.String(length=8), nullable=True),
        sa.Column("tz", sa.String(length=64), nullable=True),
        sa.Column("sms_consent", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("sms_consent_source", sa.String(length=200), nullable=True),
        sa.Column("sms_consent_by", sa.String(length=32), nullable=True),
        sa.Column("sms_consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("phone_problem", sa.String(length=20), nullable=True),
        sa.Column("phone_problem_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_by", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_clients_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_clients")),
    )
    op.create_index(op.f("ix_case_clients_phone"), "case_clients", ["phone"], unique=False)
    op.create_table(
        "client_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("by", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_client_consents_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_consents")),
    )
    op.create_index(op.f("ix_client_consents_case_id"), "client_consents", ["case_id"], unique=False)
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("channel", sa.String(length=8), nullable=True))
    op.create_table(
        "client_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("rule", sa.String(length=4), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("to_addr", sa.String(length=254), nullable=False),
        sa.Column("from_addr", sa.String(length=254), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=True),
        sa.Column("provider_id", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("error_code", sa.String(length=12), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempt", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("send_after", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_client_messages_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_client_messages_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_messages")),
        sa.UniqueConstraint("provider_id", name=op.f("uq_client_messages_provider_id")),
    )
    op.create_index("ix_client_messages_case", "client_messages", ["case_id", "id"], unique=False)
    op.create_index(
        "ix_client_messages_pending",
        "client_messages",
        ["case_id"],
        unique=False,
        sqlite_where=_PENDING,
        postgresql_where=_PENDING,
    )


def downgrade() -> None:
    op.drop_index("ix_client_messages_pending", table_name="client_messages")
    op.drop_index("ix_client_messages_case", table_name="client_messages")
    op.drop_table("client_messages")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("channel")
    op.drop_index(op.f("ix_client_consents_case_id"), table_name="client_consents")
    op.drop_table("client_consents")
    op.drop_index(op.f("ix_case_clients_phone"), table_name="case_clients")
    op.drop_table("case_clients")

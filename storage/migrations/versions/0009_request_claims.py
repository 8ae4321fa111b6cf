"""request_claims: the replay check's store on PostgreSQL, an UNLOGGED table

Revision ID: 0009_request_claims
Revises: 0004_corrections
Create Date: 2026-12-05 09:30:00

A signed request is claimed here with one `INSERT … ON CONFLICT DO NOTHING` in autocommit: UNLOGGED, so the
claim writes no WAL and its commit waits for no flush. A crash empties it; a change's claim is also kept in
event_claims, in the change's own transaction (storage/claims.py). SQLite keeps claims in the process; the
table is created there too (unused) so both schemas match the models.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_request_claims"
down_revision = "0004_corrections"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE UNLOGGED TABLE request_claims ("
            " key VARCHAR(64) NOT NULL,"
            " claimed_at TIMESTAMP WITH TIME ZONE NOT NULL,"
            " CONSTRAINT pk_request_claims PRIMARY KEY (key))"
        )
    else:
        op.create_table(
            "request_claims",
            sa.Column("key", sa.String(length=64), nullable=False),
            sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("key", name=op.f("pk_request_claims")),
        )
    op.create_index(op.f("ix_request_claims_claimed_at"), "request_claims", ["claimed_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_request_claims_claimed_at"), table_name="request_claims")
    op.drop_table("request_claims")

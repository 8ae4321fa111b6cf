"""each person's Home version: bumped by the database whenever a row their Home tab shows changes

Revision ID: 0014_home_versions
Revises: 0022_client_replies
Create Date: 2026-12-05 21:15:00

- home_versions: one row a person, `version` moved on in the same transaction as every change to a row their
  Home shows (storage/home_rows.py reads it: one primary-key SELECT). A process that kept someone's Home
  uses it only while the version is exactly the one it expects, so a change made anywhere else (another
  replica, the scheduler, an import, psql) is never hidden by what a process kept.
- Triggers keep it, so that no writer can forget: on staff (the person), obligations (their manager), cases
  (its manager, team and the managers of its obligations, when what a list shows changes), case_team (the
  member), demand_events (the case's manager and team: "acknowledged") and contact_attempts (the managers of
  the case's obligations: "tried Nov 30"). Row triggers on SQLite; statement triggers with transition tables
  on PostgreSQL (an import of many rows bumps each person once a statement, in one order).
- A later SQLite migration that rebuilds one of these tables (batch_alter_table's move and copy) drops its
  triggers: it must call create_triggers() again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_home_versions"
down_revision = "0022_client_replies"
branch_labels = None
depends_on = None

# What a case's row shows on a Home (its number, client, stage and the day it entered it, who manages it,
# whether it is open): only these columns changing moves anyone's Home on.
_CASE_COLUMNS = (
    "number",
    "number_key",
    "client_name",
    "manager_id",
    "stage",
    "stage_entered_on",
    "closed_on",
)

# Who sees a row of each table on their Home, from the row `{r}` (SQLite: NEW or OLD; PostgreSQL: a
# transition table's rows, aliased r).
_SQLITE = {
    "staff": "SELECT {r}.user_id AS u",
    "obligations": "SELECT {r}.manager_id AS u",
    "case_team": "SELECT {r}.user_id AS u",
    "cases": (
        "SELECT {r}.manager_id AS u UNION SELECT user_id FROM case_team WHERE case_id = {r}.id"
        " UNION SELECT manager_id FROM obligations WHERE case_id = {r}.id"
    ),
    "demand_events": (
        "SELECT manager_id AS u FROM cases WHERE id = {r}.case_id"
        " UNION SELECT user_id FROM case_team WHERE case_id = {r}.case_id"
    ),
    "contact_attempts": "SELECT manager_id AS u FROM obligations WHERE case_id = {r}.case_id",
}
_POSTGRES = {
    "staff": "SELECT r.user_id AS u FROM {t} r",
    "obligations": "SELECT r.manager_id AS u FROM {t} r",
    "case_team": "SELECT r.user_id AS u FROM {t} r",
    "cases": (
        "SELECT r.manager_id AS u FROM {t} r"
        " UNION SELECT m.user_id FROM case_team m JOIN {t} r ON m.case_id = r.id"
        " UNION SELECT o.manager_id FROM obligations o JOIN {t} r ON o.case_id = r.id"
    ),
    "demand_events": (
        "SELECT c.manager_id AS u FROM cases c JOIN {t} r ON c.id = r.case_id"
        " UNION SELECT m.user_id FROM case_team m JOIN {t} r ON m.case_id = r.case_id"
    ),
    "contact_attempts": "SELECT o.manager_id AS u FROM obligations o JOIN {t} r ON o.case_id = r.case_id",
}
# A case just inserted has no team and no obligations yet: its manager is all.
_CASE_INSERTED = {"sqlite": "SELECT {r}.manager_id AS u", "postgresql": "SELECT r.manager_id AS u FROM {t} r"}
_BUMP = (
    "INSERT INTO home_versions (user_id, version) SELECT DISTINCT u, 1 FROM ({people}) AS p WHERE u IS NOT NULL{order}"
    " ON CONFLICT (user_id) DO UPDATE SET version = home_versions.version + 1"
)
_OPS = ("insert", "update", "delete")


def _sqlite_triggers() -> list[str]:
    out = []
    for table, people in _SQLITE.items():
        for event in _OPS:
            rows = {"insert": ["NEW"], "update": ["OLD", "NEW"], "delete": ["OLD"]}[event]
            who = _CASE_INSERTED["sqlite"] if (table, event) == ("cases", "insert") else people
            union = " UNION ".join(who.format(r=r) for r in rows)
            on = (
                f"UPDATE OF {', '.join(_CASE_COLUMNS)}"
                if (table, event) == ("cases", "update")
                else event.upper()
            )
            out.append(
                f"CREATE TRIGGER home_{table}_{event} AFTER {on} ON {table}"
                f" BEGIN {_BUMP.format(people=union, order='')}; END"
            )
    return out


def _changed(table: str, this: str, other: str) -> str:
    """The rows of an UPDATE whose Home columns changed (cases), as `this` transition table holds them."""
    if table != "cases":
        return this
    mine = ", ".join(f"x.{c}" for c in _CASE_COLUMNS)
    theirs = ", ".join(f"y.{c}" for c in _CASE_COLUMNS)
    differ = f"({mine}) IS DISTINCT FROM ({theirs})"
    return f"(SELECT x.* FROM {this} x JOIN {other} y ON y.id = x.id WHERE {differ})"


def _postgres_triggers() -> list[str]:
    out = []
    for table, people in _POSTGRES.items():
        for event in _OPS:
            if event == "insert":
                sources, refs = ["new_rows"], "NEW TABLE AS new_rows"
            elif event == "delete":
                sources, refs = ["old_rows"], "OLD TABLE AS old_rows"
            else:
                sources = [_changed(table, "old_rows", "new_rows"), _changed(table, "new_rows", "old_rows")]
                refs = "OLD TABLE AS old_rows NEW TABLE AS new_rows"
            who = _CASE_INSERTED["postgresql"] if (table, event) == ("cases", "insert") else people
            union = " UNION ".join(who.format(t=t) for t in sources)
            name = f"home_{table}_{event}"
            out.append(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"{_BUMP.format(people=union, order=' ORDER BY u')}; RETURN NULL; END $$"
            )
            out.append(
                f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} REFERENCING {refs}"
                f" FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
    return out


def create_triggers() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _postgres_triggers() if postgres else _sqlite_triggers():
        op.execute(statement)


def drop_triggers() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in _SQLITE:
        for event in _OPS:
            name = f"home_{table}_{event}"
            if postgres:
                op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                op.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS {name}")


def upgrade() -> None:
    op.create_table(
        "home_versions",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_home_versions")),
    )
    create_triggers()


def downgrade() -> None:
    drop_triggers()
    op.drop_table("home_versions")

"""The rows a Home tab is built from, each with the id that says which case it came from, and each person's
Home version (migration 0014: moved on by the database with every change to a row their Home shows)."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, exists, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import Case, HomeOpen, HomeVersion, TeamMember
from storage.queries import columns_only


class CaseRow(NamedTuple):
    """A case as a Home's lists show it."""

    id: int
    number: str
    client: str
    stage: str
    entered: date
    manager: str


def _case_row(row: Any) -> CaseRow:
    """A CaseRow whose stage and manager are the one string object of each value: a process keeps the
    rows of up to bot.services.home_marks.KEPT_HOMES Homes, a few hundred each, and the database gives
    every row's a string of its own (bench/RESULTS.md, issue 23)."""
    case_id, number, client, stage, entered, manager = row
    return CaseRow(case_id, number, client, sys.intern(stage), entered, sys.intern(manager))


_VERSION = select(HomeVersion.version).where(HomeVersion.user_id == bindparam("user_id"))


def version_of(session: Session, user_id: str) -> int:
    """The person's Home version now (0: nothing they see has changed since the table began)."""
    return session.scalar(_VERSION, {"user_id": user_id}) or 0


_BUMP = text(
    "INSERT INTO home_versions (user_id, version) VALUES (:user_id, 1) "
    "ON CONFLICT (user_id) DO UPDATE SET version = home_versions.version + 1 RETURNING version"
)


def bump(session: Session, user_id: str) -> int:
    """Move the person's version on, and hold it until this transaction ends (PostgreSQL locks the row;
    SQLite's write transaction holds the database): every later step of the version until the commit is
    this transaction's own. Returns the new version."""
    return int(session.execute(_BUMP, {"user_id": user_id}).scalar_one())


_OPENED = select(HomeOpen.opened_at).where(HomeOpen.user_id == bindparam("user_id"))


def opened_at(session: Session, user_id: str) -> datetime | None:
    """When the person last opened their Home, as last noted (None: never), in UTC."""
    at = session.scalar(_OPENED, {"user_id": user_id})
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at


def note_opened(session: Session, user_id: str, at: datetime) -> None:
    """Note that the person opened their Home at `at` (one row a person, the latest kept)."""
    upsert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = upsert(HomeOpen).values(user_id=user_id, opened_at=at.astimezone(UTC))
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[HomeOpen.user_id], set_={"opened_at": stmt.excluded.opened_at}
        )
    )


_COLUMNS = (Case.id, Case.number, Case.client_name, Case.stage, Case.stage_entered_on, Case.manager_id)


# Built once, as every Home read whole reads them (bound: the person).
_OWN = select(*_COLUMNS).where(Case.manager_id == bindparam("user_id"), Case.closed_on.is_(None))
_TEAM = (
    select(*_COLUMNS)
    .join(TeamMember, TeamMember.case_id == Case.id)
    .where(
        TeamMember.user_id == bindparam("user_id"),
        Case.manager_id != bindparam("user_id"),
        Case.closed_on.is_(None),
    )
)


def own_open_cases(session: Session, user_id: str) -> list[CaseRow]:
    return [_case_row(row) for row in columns_only(session).execute(_OWN, {"user_id": user_id}).all()]


def team_open_cases(session: Session, user_id: str) -> list[CaseRow]:
    """Open cases someone works on a team (not as their manager)."""
    return [_case_row(row) for row in columns_only(session).execute(_TEAM, {"user_id": user_id}).all()]


def open_case_for(session: Session, case_id: int, user_id: str) -> tuple[CaseRow, bool] | None:
    """One case, if open, and whether the person works it on a team: what their lists show of it."""
    on_team = exists().where(TeamMember.case_id == Case.id, TeamMember.user_id == user_id)
    stmt = select(*_COLUMNS, on_team).where(Case.id == case_id, Case.closed_on.is_(None))
    row = session.execute(stmt).first()
    return None if row is None else (_case_row(row[:6]), bool(row[6]))

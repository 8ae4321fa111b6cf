"""Open cases by stage, counted as cases change: the `stage_counts` table kept in step with `cases` in the same
transaction, so that the leads' counts and averages by stage read one row a stage, not every open case.

Every change to a case made through the ORM is noted at each flush and written when its transaction commits
(Session events, registered by `keep_counts` on each session factory a Database makes: storage/db.py). The rows of one commit
are updated in one order (by stage), so two transactions never wait on each other's rows in turn. Rows
written around the ORM (storage/bulk.py) are counted again from scratch by `recount`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    cast,
    delete,
    event,
    func,
    insert,
    inspect,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from storage.models import Case, StageCount

EPOCH = date(1970, 1, 1)
_PENDING = "casebot.stage_count_changes"
_FIELDS = ("stage", "stage_entered_on", "closed_on")

Fact = tuple[str, date, date | None]  # (stage, entered on, closed on)


def day_number(day: date) -> int:
    """Days since 1970-01-01: what `stage_counts.entered_days` sums."""
    return (day - EPOCH).days


def _now(case: Case) -> Fact:
    return case.stage, case.stage_entered_on, case.closed_on


def _before(session: Session, case: Case) -> Fact | None:
    """The case's stage facts as the database holds them now (before this flush writes)."""
    state = inspect(case)
    if state.key is None:  # never written
        return None
    found: list[Any] = []
    for name in _FIELDS:
        history = state.attrs[name].history
        if history.deleted:
            found.append(history.deleted[0])
        elif history.unchanged:
            found.append(history.unchanged[0])
        elif not history.added:
            found.append(getattr(case, name))  # not loaded and not set: loading it reads the stored value
        else:  # set without ever being loaded: ask the database
            row = session.connection().execute(
                select(Case.stage, Case.stage_entered_on, Case.closed_on).where(Case.id == case.id)
            )
            stage, entered, closed = row.one()
            return stage, entered, closed
    return found[0], found[1], found[2]


def _count(changes: dict[str, list[int]], fact: Fact | None, sign: int) -> None:
    if fact is None:
        return
    stage, entered, closed = fact
    if closed is not None or stage is None or entered is None:
        return
    change = changes.setdefault(stage, [0, 0])
    change[0] += sign
    change[1] += sign * day_number(entered)


def _note(session: Session, _flush: Any, _instances: Any) -> None:
    changes: dict[str, list[int]] = session.info.setdefault(_PENDING, {})
    for obj in session.new:
        if isinstance(obj, Case):
            _count(changes, _now(obj), +1)
    for obj in session.dirty:
        if isinstance(obj, Case):
            before, after = _before(session, obj), _now(obj)
            if before != after:
                _count(changes, before, -1)
                _count(changes, after, +1)
    for obj in session.deleted:
        if isinstance(obj, Case):
            _count(changes, _before(session, obj), -1)


def removed(session: Session, case: Case) -> None:
    """A case about to be deleted around the ORM (a core DELETE, which its children follow by cascade): it
    no longer counts. Its stage facts must be flushed, as they are in the database."""
    _count(session.info.setdefault(_PENDING, {}), _now(case), -1)


def _write(session: Session) -> None:
    if not session.info.get(_PENDING) and not (session.new or session.dirty or session.deleted):
        return
    session.flush()  # the last changes are noted too
    changes = session.info.pop(_PENDING, None) or {}
    writes = {stage: c for stage, c in changes.items() if c != [0, 0]}
    if writes:
        apply(session.connection(), writes)


def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


# The Session events that keep the table, in the order a transaction meets them.
EVENTS: tuple[tuple[str, Callable[..., None]], ...] = (
    ("before_flush", _note),
    ("before_commit", _write),
    ("after_rollback", _forget),
)


def keep_counts(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """Keep `stage_counts` in step in every session `sessions` makes; call it once for each factory (a
    Database does, for each it makes). Registered on the factory, never on Session itself: a session made
    elsewhere (storage/bulk.py's load, a test's own) is left as SQLAlchemy made it. (No `event.contains`
    guard: SQLAlchemy keys its registry by the target's id, which a new factory may reuse once an old one is
    collected, and the guard would then skip the new one.)"""
    for name, fn in EVENTS:
        event.listen(sessions, name, fn)
    return sessions


def apply(conn: Connection, changes: dict[str, list[int]]) -> None:
    """Add (cases, days) to each stage's row, creating it if need be; stages in one order."""
    upsert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    for stage in sorted(changes):
        cases, days = changes[stage]
        stmt = upsert(StageCount).values(stage=stage, open_cases=cases, entered_days=days)
        stmt = stmt.on_conflict_do_update(
            index_elements=[StageCount.stage],
            set_={
                "open_cases": StageCount.open_cases + stmt.excluded.open_cases,
                "entered_days": StageCount.entered_days + stmt.excluded.entered_days,
            },
        )
        conn.execute(stmt)


def _day_number_sql(conn: Connection) -> Any:
    if conn.dialect.name == "postgresql":
        return Case.stage_entered_on - literal_column("DATE '1970-01-01'")
    return cast(func.julianday(Case.stage_entered_on) - 2440587.5, BigInteger)


def recount(conn: Connection) -> None:
    """Count every open case again (after a bulk load, or to check the counts)."""
    conn.execute(delete(StageCount))
    counted = (
        select(Case.stage, func.count(), func.sum(_day_number_sql(conn)))
        .where(Case.closed_on.is_(None))
        .group_by(Case.stage)
    )
    for stage, cases, days in conn.execute(counted).all():
        conn.execute(insert(StageCount).values(stage=stage, open_cases=cases, entered_days=days))


def counted(conn: Connection) -> dict[str, tuple[int, int]]:
    """The table as it stands: {stage: (open cases, entered days)}, stages with no open case left out."""
    rows = conn.execute(select(StageCount.stage, StageCount.open_cases, StageCount.entered_days))
    return {stage: (int(n), int(d)) for stage, n, d in rows if n}

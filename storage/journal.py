"""What a transaction did to a case's rows, as data (the rows it added, the values it overwrote), and putting
those rows back. The services decide which change to undo and who may; this module only records and reverts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, DateTime, Numeric, delete, event, inspect
from sqlalchemy.orm import Session

from storage import stage_counts
from storage.models import (
    AuditEntry,
    Base,
    Case,
    CaseCost,
    Contact,
    ContactAttempt,
    DemandEvent,
    Escalation,
    HoldUpRow,
    Lien,
    Obligation,
    Offer,
    Provider,
    StageChange,
    TeamMember,
)

# The tables a change to a case writes; an undo puts them back. (The audit trail only ever grows.)
TRACKED: dict[str, type[Base]] = {
    m.__tablename__: m
    for m in (
        Case,
        StageChange,
        Provider,
        HoldUpRow,
        DemandEvent,
        Offer,
        Lien,
        CaseCost,
        Contact,
        ContactAttempt,
        Obligation,
        Escalation,
    )
}
# Rows a change may remove, kept whole so that an undo puts them back (a team a reassignment cleared).
REMOVABLE: dict[str, type[Base]] = {m.__tablename__: m for m in (TeamMember,)}
# The optimistic-lock counter moves on by itself; it is never put back.
_UNTRACKED_COLUMNS = {"cases": {"version"}}
# Rows the plan derives from the facts: a later change may have rewritten them too, without conflict.
DERIVED = {"obligations", "escalations"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _typed(model: type[Base], column: str, value: Any) -> Any:
    if value is None:
        return None
    kind = model.__table__.columns[column].type
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, Numeric):
        return Decimal(value)
    return value


class Journal:
    """Listens to one session's flushes and notes every tracked row added and every column value
    overwritten (its first value in the transaction), every removable row removed (whole), and the audit
    entries written."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.added: list[tuple[str, int]] = []
        self.updated: dict[tuple[str, int], dict[str, Any]] = {}
        self.removed: list[tuple[str, dict[str, Any]]] = []
        self.audit: list[AuditEntry] = []

    def __enter__(self) -> Journal:
        event.listen(self.session, "after_flush", self._after_flush)
        event.listen(self.session, "persistent_to_deleted", self._deleted)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.session, "after_flush", self._after_flush)
        event.remove(self.session, "persistent_to_deleted", self._deleted)

    def _deleted(self, _session: Session, obj: Any) -> None:
        """A row the flush deleted (also one a collection let go of: a team member taken off)."""
        table = getattr(obj, "__tablename__", None)
        if table in REMOVABLE:
            self.removed.append((table, {c.key: _plain(getattr(obj, c.key)) for c in obj.__table__.columns}))

    def _after_flush(self, session: Session, _context: Any) -> None:
        for obj in session.new:
            if isinstance(obj, AuditEntry):
                self.audit.append(obj)
            elif obj.__tablename__ in TRACKED:
                self.added.append((obj.__tablename__, obj.id))
        added = set(self.added)
        for obj in session.dirty:
            table = getattr(obj, "__tablename__", None)
            if table not in TRACKED or (table, obj.id) in added:
                continue
            state = inspect(obj)
            skip = _UNTRACKED_COLUMNS.get(table, set())
            for column in obj.__table__.columns:
                if column.key in skip:
                    continue
                history = state.attrs[column.key].history
                if history.deleted:
                    self.updated.setdefault((table, obj.id), {}).setdefault(
                        column.key, _plain(history.deleted[0])
                    )

    def rows(self) -> dict[str, Any]:
        """The record kept with the change: JSON only."""
        return {
            "added": [list(key) for key in self.added],
            "updated": [[table, pk, values] for (table, pk), values in self.updated.items()],
            "removed": [[table, values] for table, values in self.removed],
        }


def changed_columns(rows: dict[str, Any]) -> dict[tuple[str, int], set[str]]:
    """(table, id) → the columns a recorded change wrote (every column of a row it added: marked "*")."""
    out: dict[tuple[str, int], set[str]] = {}
    for table, pk in rows.get("added", []):
        out.setdefault((table, pk), set()).add("*")
    for table, pk, values in rows.get("updated", []):
        out.setdefault((table, pk), set()).update(values)
    return out


def revert(session: Session, rows: dict[str, Any], *, keep: dict[tuple[str, int], set[str]]) -> None:
    """Put back what a recorded change did: its before-images, except the columns in `keep` (written again
    by a later change that stands), then remove the rows it added, newest first, and put back the rows it
    removed (unless one like it is there again). A case it added goes with everything under it."""
    for table, pk, values in rows.get("updated", []):
        model = TRACKED[table]
        row = session.get(model, pk)
        if row is None:
            continue
        kept = keep.get((table, pk), set())
        for column, value in values.items():
            if column not in kept:
                setattr(row, column, _typed(model, column, value))
    session.flush()
    added = [(t, pk) for t, pk in rows.get("added", [])]
    for table, pk in reversed(added):
        model = TRACKED[table]
        row = session.get(model, pk)
        if isinstance(row, Case):
            stage_counts.removed(session, row)
        if row is not None:
            session.expunge(row)
        # Core deletes: the database's ON DELETE CASCADE takes a removed case's children with it.
        session.execute(
            delete(model).where(model.id == pk),  # type: ignore[attr-defined]
            execution_options={"synchronize_session": False},
        )
    for table, values in rows.get("removed", []):
        model = REMOVABLE[table]
        image = {column: _typed(model, column, value) for column, value in values.items()}
        key = tuple(image[c.key] for c in inspect(model).primary_key)
        if session.get(Case, image["case_id"]) is not None and session.get(model, key) is None:
            session.add(model(**image))
    session.flush()

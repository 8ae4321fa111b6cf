"""Requests and events seen once: the replay check's store, kept where it costs least.

- **SQLite** serves one process, so what it has seen lives in that process (`Claims.first_time` takes no
  lock and writes nothing). It is seeded at start from `event_claims` and written back there at a clean
  stop (`keep`), so a restart forgets nothing a change or a stop recorded.
- **PostgreSQL** serves replicas: a claim is one `INSERT … ON CONFLICT DO NOTHING` into `request_claims`, an
  UNLOGGED table (no WAL, no flush at commit), in autocommit: one round trip, no transaction, no lock but
  the new key's own. Pruned with `event_claims`.
- **A change** also writes its request's key into `event_claims` in its own transaction (`claim_in`): a
  replay of it is refused even after a restart (SQLite) or a crash (PostgreSQL empties an unlogged table
  after one), and a change that rolled back claimed nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import cast

from sqlalchemy import Table, delete, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from storage.models import EventClaim, RequestClaim

KEY_LENGTH = 64
KEPT_IN_TABLE = timedelta(hours=1)  # how long the prune job keeps event_claims


class ClaimsUnavailable(Exception):
    """The shared store could not be reached (PostgreSQL down): the caller decides what to do."""


def claim_in(session: Session, key: str, at: datetime) -> bool:
    """Claim `key` inside the session's transaction (a change's): False when it was claimed before."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = cast(Table, EventClaim.__table__)
    stmt = (
        insert(table)
        .values(event_id=key[:KEY_LENGTH], claimed_at=at)
        .on_conflict_do_nothing()
        .returning(table.c.event_id)
    )
    return session.execute(stmt).first() is not None


def prune(session: Session, before: datetime) -> int:
    """Forget events and requests claimed before `before`, in both tables."""
    gone = 0
    for model in (EventClaim, RequestClaim):
        column = EventClaim.claimed_at if model is EventClaim else RequestClaim.claimed_at
        stmt = delete(model).where(column < before).execution_options(synchronize_session=False)
        gone += int(session.execute(stmt).rowcount)  # type: ignore[attr-defined]
    return gone


class Claims:
    """One per database and process: `first_time(key)` is True once per key while it is kept."""

    def __init__(
        self, engine: Engine, sessions: Callable[[], Session], read_sessions: Callable[[], Session]
    ) -> None:
        self.engine = engine
        self.sessions, self.read_sessions = sessions, read_sessions
        self.shared = engine.dialect.name == "postgresql"
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT") if self.shared else None
        # For each length of time kept: key -> when claimed, in the order claimed (pruned from the front).
        self._seen: dict[timedelta, dict[str, datetime]] = {}
        self._seeded = False
        self._lock = threading.Lock()

    def first_time(self, key: str, now: datetime, kept: timedelta) -> bool:
        """Claim `key` now; False when it was claimed already. On PostgreSQL, ClaimsUnavailable when the
        database can't be reached (remember it with `in_memory` instead)."""
        key = key[:KEY_LENGTH]
        if not self.shared:
            self._seed(now)
            return self.in_memory(key, now, kept)
        assert self._autocommit is not None
        stmt = text(
            "INSERT INTO request_claims (key, claimed_at) VALUES (:key, :at) "
            "ON CONFLICT DO NOTHING RETURNING key"
        )
        try:
            with self._autocommit.connect() as conn:
                return conn.execute(stmt, {"key": key, "at": now}).first() is not None
        except DBAPIError as exc:
            raise ClaimsUnavailable(type(exc).__name__) from exc

    def in_memory(self, key: str, now: datetime, kept: timedelta) -> bool:
        key = key[:KEY_LENGTH]
        with self._lock:
            for length, seen in self._seen.items():
                for old in list(seen):
                    if seen[old] + length > now:
                        break
                    del seen[old]
            if any(key in seen for seen in self._seen.values()):
                return False
            self._seen.setdefault(kept, {})[key] = now
            return True

    def _seed(self, now: datetime) -> None:
        """SQLite: what event_claims holds (a change's claim, or what the last clean stop kept) counts as
        seen, for as long as the prune job keeps event_claims."""
        with self._lock:
            if self._seeded:
                return
            self._seeded = True
            with self.read_sessions() as s:
                found = s.execute(select(EventClaim.event_id, EventClaim.claimed_at)).all()
            seen = self._seen.setdefault(KEPT_IN_TABLE, {})
            for key, at in sorted(found, key=lambda row: _aware(row[1])):
                seen[key] = _aware(at)

    def keep(self, now: datetime) -> int:
        """SQLite, at a clean stop: write what this process has seen and not yet forgotten to event_claims,
        so the next start refuses a replay of it. Answers how many were kept."""
        if self.shared:
            return 0
        with self._lock:
            rows = [
                (k, at) for length, seen in self._seen.items() for k, at in seen.items() if at + length > now
            ]
        if not rows:
            return 0
        with self.sessions() as s, s.begin():
            for key, at in rows:
                claim_in(s, key, at)
        return len(rows)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)

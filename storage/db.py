"""The database: engine set-up for SQLite and PostgreSQL, migrations, and the unit of work."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from storage import (
    checkpoints,
    client_models,  # noqa: F401 - registers the client tables on the same metadata
)
from storage.claims import Claims
from storage.models import Base
from storage.stage_counts import keep_counts

if TYPE_CHECKING:
    from alembic.config import Config

_upgrade_lock = threading.Lock()
SQLITE_CACHE_KIB = 512
# How long a writer waits, in the queue or for SQLite's lock (busy_timeout), before "try again".
WRITER_WAIT_SECONDS = 30
# A PostgreSQL connection idle this long is checked before use (_ping_when_idle).
PING_AFTER_IDLE = 5.0
VERSIONS = Path(__file__).parent / "migrations" / "versions"


class DatabaseUnavailable(Exception):
    """The database could not be reached or the transaction could not commit; nothing was saved."""


def make_engine(url: str, *, write: bool = True, **kwargs: Any) -> Engine:
    """An engine for `url`. On SQLite, `write=False` gives one whose transactions begin deferred: in WAL
    mode a reader needs no lock, so reads never queue behind a writer or each other.

    Bound parameters are client data (names, notes, amounts): an error never shows them
    (hide_parameters), and the engine never logs its statements or rows, whatever the root level is."""
    kwargs.setdefault("hide_parameters", True)
    for name in ("sqlalchemy.engine", "sqlalchemy.pool"):
        logger = logging.getLogger(name)
        if logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy issue BEGIN itself, so that it can be BEGIN IMMEDIATE below.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            if ":memory:" not in url and url != "sqlite://":
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={WRITER_WAIT_SECONDS * 1000}")
            cur.execute("PRAGMA synchronous=NORMAL")
            # Checkpoints are the server's background thread's, not a commit's (storage/checkpoints.py).
            cur.execute(f"PRAGMA wal_autocheckpoint={checkpoints.BACKSTOP_PAGES}")
            # Each connection's page cache, bounded (KiB): a server holds one connection per thread on each of
            # its two engines, and SQLite's default of 2,000 KiB each was most of its growth in memory
            # (bench/RESULTS.md, issue 23). The operating system's file cache still holds the database.
            cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            # A writer takes the write lock at the start: two writers never deadlock upgrading a read lock.
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    # casebot's queries are short; JIT-compiling one (which PostgreSQL does when it overestimates the rows)
    # costs more than it saves: bench/RESULTS.md measured the digest query at 102 ms with JIT, 66 ms without.
    connect_args = {"options": "-c jit=off"} if url.startswith("postgresql") else {}
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it has lain idle for PING_AFTER_IDLE seconds: one it
    used a moment ago answered then, and a ping per request is a round trip per request. A dead one is
    replaced (DisconnectionError makes the pool connect again); one that dies while in use fails its
    transaction, which casebot answers with "try again", and the pool then drops every older connection."""

    @event.listens_for(engine, "connect")
    def _connected(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("idle_since", 0.0) < PING_AFTER_IDLE:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(str(exc)) from exc


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "storage:migrations")
    if engine is not None:
        cfg.set_main_option(
            "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
        )
    return cfg


@cache
def head_revision() -> str | None:
    """The newest migration's revision, read from the files' `revision = "…"` and `down_revision = "…"`
    lines (tests/services/test_migrations.py checks it is alembic's one head): the revision no other follows."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for path in VERSIONS.glob("[0-9]*.py"):
        source = path.read_text(encoding="utf-8")
        revision = re.search(r"^revision = [\"']([^\"']+)[\"']", source, re.MULTILINE)
        down = re.search(r"^down_revision = [\"']([^\"']+)[\"']", source, re.MULTILINE)
        if revision:
            revisions.add(revision.group(1))
        if down:
            followed.add(down.group(1))
    heads = revisions - followed
    return heads.pop() if len(heads) == 1 else None


class Database:
    """One per process: the engine, the session factory, and `uow()` for a transaction."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        # Every session a Database makes keeps the open cases counted by stage (storage/stage_counts.py).
        self.sessions = keep_counts(sessionmaker(self.engine, expire_on_commit=False))
        if self.engine.dialect.name == "sqlite":
            self.read_engine = make_engine(url, write=False, **engine_kwargs)
            self.read_sessions = keep_counts(sessionmaker(self.read_engine, expire_on_commit=False))
        else:
            self.read_engine, self.read_sessions = self.engine, self.sessions
        # Requests and events seen once (the replay check): in this process on SQLite, shared on PostgreSQL.
        self.claims = Claims(self.engine, self.sessions, self.read_sessions)
        # SQLite lets one writer in at a time, and a writer that finds the lock taken tries again after a
        # sleep that grows to 100 ms: in a morning rush, writes waited for a lock long since free. This
        # process's writers queue here instead, and the next goes the moment the last commits. SQLite's
        # busy timeout still covers other processes (the console, an import).
        self._writers: threading.RLock | None = threading.RLock() if not self.is_postgres else None

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def upgrade(self) -> None:
        """Apply every migration not yet applied (safe to call at each start, and from several replicas).
        A database already at the newest migration is told by one read, without loading alembic: it and
        what it brings (mako, its autogenerate) would stay in a server's memory for its life, ≈10 MB."""
        if self.at_head():
            return
        from alembic import command

        with _upgrade_lock, self.engine.begin() as conn:
            if self.is_postgres:
                # Two replicas starting at once must not both migrate.
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(727001)")
            cfg = alembic_config(self.engine)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def checkpoint_in_background(self) -> checkpoints.Checkpoints | None:
        """A server's: SQLite's log copied back every second by a thread, not by a commit on the request path
        (storage/checkpoints.py). None on PostgreSQL, and for a database in memory."""
        return checkpoints.in_background(self.url)

    def at_head(self) -> bool:
        """The database's alembic_version is the newest migration's (False when it has none yet)."""
        try:
            with self.engine.connect() as conn:
                found = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        except DBAPIError:
            return False
        return found == [head_revision()]

    @contextmanager
    def uow(self, *, write: bool = True) -> Iterator[Session]:
        """A unit of work: everything inside commits together, or nothing does. `write=False` for one that
        only reads (on SQLite it then takes no lock)."""
        queue = self._writers if write else None
        if queue is not None and not queue.acquire(timeout=WRITER_WAIT_SECONDS):
            raise DatabaseUnavailable("database is locked: this process's other writers held it too long")
        session = (self.sessions if write else self.read_sessions)()
        try:
            with session.begin():
                yield session
        except (OperationalError, DBAPIError) as exc:
            if getattr(exc, "connection_invalidated", False) or isinstance(exc, OperationalError):
                raise DatabaseUnavailable(str(exc.orig if hasattr(exc, "orig") else exc)) from exc
            raise
        finally:
            try:
                session.close()
            finally:
                if queue is not None:
                    queue.release()

    @contextmanager
    def rehearsal(self) -> Iterator[Database]:
        """A stand-in for this database whose every unit of work runs inside one transaction that is rolled
        back at the end: what a dry run claims and marks is seen by its own later steps, then vanishes.
        Each `uow()` is a savepoint, so a unique key already taken fails only that step, as it would live."""
        with self.engine.connect() as conn:
            outer = conn.begin()
            try:
                copy = object.__new__(Database)
                copy.url = self.url
                copy.engine = self.engine
                copy.read_engine = self.engine
                copy.sessions = keep_counts(
                    sessionmaker(bind=conn, expire_on_commit=False, join_transaction_mode="create_savepoint")
                )
                copy.read_sessions = copy.sessions
                copy._writers = None  # one connection, holding its write lock throughout
                yield copy
            finally:
                outer.rollback()

    def dispose(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()

    def drop_everything(self) -> None:
        """Tests only: an empty schema."""
        with self.engine.begin() as conn:
            Base.metadata.drop_all(conn)
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")

"""The sender lock: among several casebot processes on one PostgreSQL database, exactly one sends.

A PostgreSQL session-level advisory lock, held on a connection kept open for as long as this process
is the sender. If the process dies or its connection drops, PostgreSQL releases the lock and another
process takes it on its next try. SQLite serves one process, so there it is always granted; the unique
delivery keys and the atomic lease stay the last guard either way."""

from __future__ import annotations

import logging
import threading

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

SENDER_LOCK_KEY = 727002  # 727001 guards migrations (storage/db.py)


class SenderLock:
    def __init__(self, engine: Engine, key: int = SENDER_LOCK_KEY) -> None:
        self.engine = engine
        self.key = key
        self._conn: Connection | None = None
        self._mutex = threading.Lock()

    @property
    def held(self) -> bool:
        return self._conn is not None or self.engine.dialect.name != "postgresql"

    def acquire(self) -> bool:
        """True while this process is the sender: takes the lock if free, checks it is still held if taken."""
        if self.engine.dialect.name != "postgresql":
            return True
        with self._mutex:
            if self._conn is not None:
                try:
                    self._conn.execute(text("SELECT 1"))
                    self._conn.commit()
                    return True
                except DBAPIError:
                    log.warning(
                        "Lost the database connection that held the sender lock; trying to take it again"
                    )
                    self._drop()
            try:
                conn = self.engine.connect()
            except DBAPIError:
                return False
            try:
                got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar())
                conn.commit()
            except DBAPIError:
                conn.close()
                return False
            if not got:
                conn.close()
                return False
            log.info("This process is now the one that sends reminders")
            self._conn = conn
            return True

    def release(self) -> None:
        with self._mutex:
            if self._conn is None:
                return
            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
                self._conn.commit()
            except DBAPIError:
                pass
            self._drop()

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.invalidate()  # never back to the pool: a pooled connection would keep the lock
                conn.close()
            except DBAPIError:
                pass

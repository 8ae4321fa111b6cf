"""SQLite's checkpoints, off the request path.

In WAL mode a commit appends to the write-ahead log, and SQLite's default has the commit that takes the log
past 1,000 pages copy it back into the database file and sync it: a checkpoint. That commit then takes tens
of milliseconds (bench/RESULTS.md, run R8), and it is some request's. So every connection casebot opens
(storage/db.py) leaves checkpoints to others until the log reaches BACKSTOP_PAGES, and the server runs a
PASSIVE checkpoint every second in a thread of its own (`Checkpoints`): it waits for no reader and no writer,
and the first commit to find the log copied back, with no reader still in it, starts it again from its
beginning. Under reads that never pause the log can keep growing to the backstop; then each commit copies
back what is new since the last copy, as SQLite's default would. A process without that thread (the
console, an import) checkpoints at the backstop, and SQLite checkpoints when a database's last connection
closes.

A commit is durable once it is in the log (a crash loses nothing: the next connection reads the log), so
when the log is copied back changes nothing but the time it takes."""

from __future__ import annotations

import logging
import sqlite3
import threading

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

# A commit checkpoints only when nothing else has for this many pages of log (4 KiB each: 32 MB).
BACKSTOP_PAGES = 8192
EVERY_SECONDS = 1.0


def database_file(url: str) -> str | None:
    """The file of a SQLite database URL; None for PostgreSQL and for a database in memory."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return parsed.database


class Checkpoints:
    """A PASSIVE checkpoint of one SQLite database every `every` seconds, in a daemon thread, on a connection
    of its own. `last` is the latest one's (busy, frames in the log, frames copied back)."""

    def __init__(self, path: str, *, every: float = EVERY_SECONDS) -> None:
        self.path = path
        self.every = every
        self.last: tuple[int, int, int] | None = None
        self.runs = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="casebot-checkpoints", daemon=True)
        self._conn: sqlite3.Connection | None = None

    def start(self) -> Checkpoints:
        self._thread.start()
        return self

    def checkpoint(self) -> tuple[int, int, int]:
        """One PASSIVE checkpoint now: what it copied back, as `last`."""
        if self._conn is None:
            # No transaction of its own (isolation_level=None): a checkpoint cannot run inside one.
            self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        busy, frames, copied = self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        self.last = (int(busy), int(frames), int(copied))
        self.runs += 1
        return self.last

    def _run(self) -> None:
        failing = False
        while not self._stop.wait(self.every):
            try:
                self.checkpoint()
            except sqlite3.Error as exc:
                # Commits still checkpoint at the backstop: nothing waits on this thread.
                if not failing:
                    log.warning("A background checkpoint of the database failed: %s", type(exc).__name__)
                failing = True
                self._close()
            else:
                failing = False
        self._close()

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)  # the thread closes its connection
        else:
            self._close()


def in_background(url: str, *, every: float = EVERY_SECONDS) -> Checkpoints | None:
    """The server's checkpoints of its SQLite database, started; None on PostgreSQL (it checkpoints itself)
    and for a database in memory."""
    path = database_file(url)
    return Checkpoints(path, every=every).start() if path else None

"""How casebot writes to a SQLite file. A process's writers queue in the process (storage/db.py,
Database.uow): the next goes the moment the last commits, instead of polling SQLite's lock; readers never
queue; and a writer that waits too long is told to try again, having changed nothing. The log is copied back
into the database by the server's own thread, not by whichever commit takes it past 1,000 pages
(storage/checkpoints.py); and a commit still in the log is never lost."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from storage import checkpoints
from storage import db as db_module
from storage.checkpoints import Checkpoints
from storage.db import Database, DatabaseUnavailable

ROW = 3000  # bytes: a row a page, so that each commit adds a page or two to the log


@pytest.fixture
def sqlite_file(tmp_path: Path, _sqlite_template: Path) -> Path:
    """A casebot database file with a table of its own to write to."""
    path = tmp_path / "casebot.db"
    shutil.copy(_sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE scratch (id INTEGER PRIMARY KEY, who TEXT, body BLOB)")
    db.dispose()
    return path


@pytest.fixture
def db(sqlite_file: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{sqlite_file}")
    yield database
    database.dispose()


def _written(db: Database) -> list[str]:
    with db.uow(write=False) as s:
        return list(s.scalars(text("SELECT who FROM scratch ORDER BY id")))


def test_a_second_writer_waits_in_the_process_for_the_first_to_commit(db: Database) -> None:
    first_in, first_may_commit, second_in = threading.Event(), threading.Event(), threading.Event()
    seen_by_second: list[list[str]] = []

    def first() -> None:
        with db.uow() as s:
            s.execute(text("INSERT INTO scratch (who) VALUES ('first')"))
            first_in.set()
            first_may_commit.wait(10)

    def second() -> None:
        with db.uow() as s:
            second_in.set()
            seen_by_second.append(list(s.scalars(text("SELECT who FROM scratch"))))
            s.execute(text("INSERT INTO scratch (who) VALUES ('second')"))

    one = threading.Thread(target=first)
    one.start()
    assert first_in.wait(10)
    two = threading.Thread(target=second)
    two.start()
    assert not second_in.wait(0.3)  # queued before it opened a transaction at all
    assert _written(db) == []  # a reader is not queued behind the writer (and sees nothing uncommitted)
    first_may_commit.set()
    one.join(10)
    two.join(10)
    assert seen_by_second == [["first"]]  # it began after the first's commit
    assert _written(db) == ["first", "second"]


def test_a_writer_kept_waiting_too_long_is_told_to_try_again_and_writes_nothing(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_module, "WRITER_WAIT_SECONDS", 0.2)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with db.uow() as s:
            s.execute(text("INSERT INTO scratch (who) VALUES ('holder')"))
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(10)
    try:
        with pytest.raises(DatabaseUnavailable), db.uow() as s:
            s.execute(text("INSERT INTO scratch (who) VALUES ('late')"))
    finally:
        release.set()
        holder.join(10)
    assert _written(db) == ["holder"]
    with db.uow() as s:  # the queue is free again
        s.execute(text("INSERT INTO scratch (who) VALUES ('next')"))
    assert _written(db) == ["holder", "next"]


def _commit_rows(db: Database, n: int) -> None:
    for _ in range(n):
        with db.uow() as s:
            s.execute(text("INSERT INTO scratch (body) VALUES (:body)"), {"body": os.urandom(ROW)})


def _rows(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM scratch").fetchone()[0])
    finally:
        conn.close()


def test_commits_leave_the_log_to_the_checkpoints_and_the_log_starts_again_after_one(
    sqlite_file: Path,
) -> None:
    db = Database(f"sqlite:///{sqlite_file}")
    ck = Checkpoints(str(sqlite_file))
    try:
        _commit_rows(db, 1500)
        busy, frames, copied = ck.checkpoint()
        # SQLite's default would have had some commit copy the log back at 1,000 pages, and start it again.
        assert frames > 1000
        assert (busy, copied) == (0, frames)

        _commit_rows(db, 10)
        _, frames_after, copied_after = ck.checkpoint()
        assert frames_after < 100  # the next commits wrote the log from its beginning again
        assert copied_after == frames_after
    finally:
        ck.stop()
    assert _rows(sqlite_file) == 1510


def test_the_server_thread_copies_the_log_back_every_interval(db: Database) -> None:
    ck = db.checkpoint_in_background()
    assert ck is not None
    ck.every = 0.05
    try:
        _commit_rows(db, 50)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            last = ck.last
            if last is not None and last[1] > 0 and last[1] == last[2]:
                break
            time.sleep(0.02)
        else:
            pytest.fail(f"no checkpoint copied the log back: last {ck.last}")
    finally:
        ck.stop()
    runs = ck.runs
    time.sleep(0.2)
    assert ck.runs == runs  # stopped with the server


def test_a_commit_still_in_the_log_survives_the_process_dying(sqlite_file: Path) -> None:
    """A process killed before anything copied its log back: every commit it made is read by the next one."""
    program = (
        "import os, sys\n"
        "from sqlalchemy import text\n"
        "from storage.db import Database\n"
        "db = Database(sys.argv[1])\n"
        "for i in range(300):\n"
        "    with db.uow() as s:\n"
        "        s.execute(text('INSERT INTO scratch (body) VALUES (:b)'), {'b': os.urandom(3000)})\n"
        "os._exit(0)  # no clean close: nothing checkpoints on the way out\n"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        [sys.executable, "-c", program, f"sqlite:///{sqlite_file}"],
        check=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        timeout=120,
    )
    wal = Path(f"{sqlite_file}-wal")
    assert wal.exists() and wal.stat().st_size > 300 * 4096  # the commits are in the log, not yet copied back
    assert _rows(sqlite_file) == 300


@pytest.mark.parametrize(
    "url",
    ["postgresql+psycopg://postgres@127.0.0.1:5432/test", "sqlite://", "sqlite:///:memory:"],
)
def test_only_a_sqlite_file_gets_the_thread(url: str) -> None:
    assert checkpoints.in_background(url) is None

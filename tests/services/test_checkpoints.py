"""SQLite's log is copied back into the database by the server's own thread, not by whichever commit takes it
past 1,000 pages (storage/checkpoints.py); and a commit still in the log is never lost."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from storage import checkpoints
from storage.checkpoints import Checkpoints
from storage.db import Database

ROW = 3000  # bytes: a row a page, so that each commit adds a page or two to the log


@pytest.fixture
def sqlite_file(tmp_path: Path, _sqlite_template: Path) -> Path:
    path = tmp_path / "casebot.db"
    shutil.copy(_sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE scratch (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
    db.dispose()
    return path


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
        db.dispose()
    assert _rows(sqlite_file) == 1510


def test_the_server_thread_copies_the_log_back_every_interval(sqlite_file: Path) -> None:
    url = f"sqlite:///{sqlite_file}"
    db = Database(url)
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
        db.dispose()
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

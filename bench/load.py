"""Benchmark databases: make one per backend and scale, migrate it, bulk-load a generated firm, drop it after."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from bench.generate import Firm
from storage import bulk
from storage.db import Database

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
OUT = Path(__file__).resolve().parent / "out"


@dataclass
class BenchDatabase:
    backend: str  # sqlite | postgresql
    scale: int
    url: str
    admin_url: str | None = None  # PostgreSQL: where to drop it from
    load_seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)

    def drop(self) -> None:
        if self.backend == "sqlite":
            path = Path(make_url(self.url).database or "")
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            return
        admin = create_engine(self.admin_url or DEFAULT_PG, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(self.url).database}" WITH (FORCE)'))
        admin.dispose()


def create(backend: str, scale: int, *, pg_url: str = DEFAULT_PG) -> BenchDatabase:
    """An empty, migrated database for this backend and scale (any left over from an earlier run is replaced)."""
    if backend == "sqlite":
        OUT.mkdir(exist_ok=True)
        bench = BenchDatabase(backend, scale, f"sqlite:///{OUT / f'casebot_bench_{scale}.db'}")
        bench.drop()
    else:
        base = make_url(pg_url)
        name = f"casebot_bench_{scale}"
        bench = BenchDatabase(
            backend, scale, base.set(database=name).render_as_string(hide_password=False), pg_url
        )
        bench.drop()
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    db = Database(bench.url)
    db.upgrade()
    db.dispose()
    return bench


def case_index(url: str) -> list[tuple[str, str, str]]:
    """(number, manager, stage) of every case in a database already made: what bench.generate's Firm.index
    says of a firm it generated."""
    from storage.models import Case

    db = Database(url)
    try:
        with db.uow(write=False) as s:
            return [(n, m, st) for n, m, st in s.execute(select(Case.number, Case.manager_id, Case.stage))]
    finally:
        db.dispose()


def fill(targets: Sequence[BenchDatabase], firm: Firm) -> float:
    """Generate the firm once and load it into every target; answers the seconds spent generating."""
    dbs = [Database(t.url) for t in targets]
    spent = {t.url: 0.0 for t in targets}
    generating = 0.0
    try:
        batches = firm.batches()
        while True:
            started = time.perf_counter()
            batch = next(batches, None)
            generating += time.perf_counter() - started
            if batch is None:
                break
            for t, db in zip(targets, dbs, strict=True):
                started = time.perf_counter()
                for table, n in bulk.load(db.engine, [batch]).items():
                    t.rows[table] = t.rows.get(table, 0) + n
                spent[t.url] += time.perf_counter() - started
        for t, db in zip(targets, dbs, strict=True):
            started = time.perf_counter()
            bulk.after_load(db.engine)
            t.load_seconds = spent[t.url] + time.perf_counter() - started
    finally:
        for db in dbs:
            db.dispose()
    return generating

"""Bulk loading for the benchmark and large imports: many rows of one table per statement, with the ids given.

Rows carry their own primary keys so that children can name their parents without a round trip; on
PostgreSQL the id sequences are moved past them afterwards, so that the application's next insert works."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from storage import stage_counts
from storage.models import (
    Base,
    Case,
    Contact,
    DemandEvent,
    HoldUpRow,
    Obligation,
    Offer,
    Provider,
    Staff,
    StageChange,
)

# Parents before children, so foreign keys hold at every commit.
LOAD_ORDER: tuple[type[Base], ...] = (
    Staff,
    Case,
    StageChange,
    Provider,
    HoldUpRow,
    DemandEvent,
    Offer,
    Contact,
    Obligation,
)


def insert_rows(
    session: Session, model: type[Base], rows: Sequence[dict[str, Any]], *, chunk: int = 5000
) -> int:
    """Insert `rows` (dicts of column values) into `model`'s table, `chunk` rows per executemany."""
    table = Base.metadata.tables[model.__tablename__]
    for start in range(0, len(rows), chunk):
        session.execute(insert(table), list(rows[start : start + chunk]))
    return len(rows)


def load(
    engine: Engine, batches: Iterable[dict[type[Base], list[dict[str, Any]]]], *, chunk: int = 5000
) -> dict[str, int]:
    """Insert batch after batch, each batch one transaction; answers the rows written per table."""
    written: dict[str, int] = {}
    with Session(engine) as session:
        for batch in batches:
            with session.begin():
                for model in LOAD_ORDER:
                    rows = batch.get(model)
                    if rows:
                        n = insert_rows(session, model, rows, chunk=chunk)
                        written[model.__tablename__] = written.get(model.__tablename__, 0) + n
    return written


def after_load(engine: Engine) -> None:
    """Make the loaded database ready to serve: sequences past the given ids, the tables vacuumed and
    their statistics fresh, the load checkpointed (so that neither autovacuum, a stale plan nor the
    load's own writes run into what comes next), and the open cases counted by stage."""
    with engine.begin() as conn:
        stage_counts.recount(conn)
        if engine.dialect.name == "postgresql":
            for table in Base.metadata.sorted_tables:
                pk = list(table.primary_key.columns)
                if len(pk) != 1 or not pk[0].autoincrement or pk[0].type.python_type is not int:
                    continue
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                        f"COALESCE((SELECT MAX({pk[0].name}) FROM {table.name}), 0) + 1, false)"
                    )
                )
        else:
            conn.execute(text("ANALYZE"))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE)"))
            # Write the load's dirty pages out now, not during whatever is measured next.
            conn.execute(text("CHECKPOINT"))


def table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: int(conn.execute(text(f"SELECT COUNT(*) FROM {t.name}")).scalar_one())
            for t in Base.metadata.sorted_tables
        }


def server_version(engine: Engine) -> str:
    """The database server's version, for the benchmark's record of the machine."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            version = conn.execute(text("SHOW server_version")).scalar_one()
            # How much of the database the server keeps in its own memory: the pages a read needs beyond it
            # come from the operating system, one call each (bench/RESULTS.md, run R15).
            buffers = conn.execute(text("SHOW shared_buffers")).scalar_one()
            return f"PostgreSQL {version}, shared_buffers {buffers}"
        return "SQLite " + str(conn.execute(text("SELECT sqlite_version()")).scalar_one())

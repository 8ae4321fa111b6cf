"""What the database was asked while a test watched: transactions begun and statements run, by thread."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from storage.db import Database

LATER = "casebot-later"  # the pools for work after the reply, later and later_home (handlers/context.py)


@dataclass
class Seen:
    """What the database was asked, by thread: transactions begun and statements run."""

    begins: list[tuple[str, str]] = field(default_factory=list)  # (thread, engine: write | read)
    statements: list[tuple[str, str]] = field(default_factory=list)  # (thread, SQL)

    def on_request_thread(self, what: list[tuple[str, str]]) -> list[str]:
        return [x for thread, x in what if not thread.startswith(LATER)]

    def writes(self) -> list[str]:
        return [
            sql
            for _, sql in self.statements
            if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "BEGIN IMMEDIATE"))
        ]

    def clear(self) -> None:
        self.begins.clear()
        self.statements.clear()


def watch(db: Database) -> Seen:
    seen = Seen()
    engines: dict[str, Engine] = {"write": db.engine}
    if db.read_engine is not db.engine:
        engines["read"] = db.read_engine
    for name, engine in engines.items():

        def begin(conn: Any, name: str = name) -> None:
            if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
                seen.begins.append((threading.current_thread().name, name))

        def statement(conn: Any, cursor: Any, sql: str, *_: Any) -> None:
            seen.statements.append((threading.current_thread().name, sql))

        event.listen(engine, "begin", begin)
        event.listen(engine, "before_cursor_execute", statement)
    return seen

"""Shared fixtures: a firm on a fresh database (SQLite always, PostgreSQL when TEST_DATABASE_URL is set),
with a clock the test controls."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.services.firm import Firm
from bot.settings import Settings
from storage.db import Database
from storage.models import Base

PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
LA = ZoneInfo("America/Los_Angeles")


class Clock:
    """A clock the test moves by hand. Starts on Thursday 2026-11-26, 10:00 in Los Angeles."""

    def __init__(self, at: datetime | None = None) -> None:
        self.at = at or datetime(2026, 11, 26, 10, 0, tzinfo=LA)

    def __call__(self) -> datetime:
        return self.at.astimezone(UTC)

    def set(self, day: date, at: time = time(10, 0), tz: ZoneInfo = LA) -> None:
        self.at = datetime.combine(day, at, tzinfo=tz)

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.at = self.at + timedelta(**delta)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "template.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    db.dispose()
    return path


@pytest.fixture(scope="session")
def _pg_database() -> Iterator[str | None]:
    """A throwaway database on the test server for this pytest run, so parallel runs never collide."""
    if not PG_URL:
        yield None
        return
    base = make_url(PG_URL)
    name = f"casebot_t_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    db = Database(url)
    db.upgrade()
    db.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, _sqlite_template: Path, _pg_database: str | None
) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "casebot.db"
        shutil.copy(_sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    assert _pg_database
    engine = create_engine(_pg_database)
    with engine.begin() as conn:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    yield _pg_database


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings() -> Settings:
    return replace(Settings.from_env({}), admin_users=frozenset({"UADMIN"}))


@pytest.fixture
def firm(db: Database, settings: Settings, clock: Clock) -> Firm:
    return Firm.from_settings(settings, db=db, clock=clock)

"""Fixtures every lane shares: a firm on a fresh database (SQLite always, PostgreSQL when TEST_DATABASE_URL is
set), a clock the test controls, and the stand-in Slack Web API on loopback.

The lanes, fastest first: tests/unit (rules, parsers, blocks: no database; `make test-fast`), tests/services
(the core on a database), tests/slack (commands, clicks and forms through Bolt in process: the `workspace`
fixture), tests/http (the real waitress server on loopback: `served`), tests/cli (`casebot` as a user runs it).
What they share besides fixtures is in tests/kit."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.services.firm import Firm
from bot.settings import Settings
from handlers.slack.standin import SlackStandIn
from storage.db import Database
from storage.models import Base
from tests.kit.clock import Clock
from tests.kit.workspace import Slack

PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


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


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    """The stand-in Slack Web API on a loopback port, for the workspace and the scheduler's sender alike."""
    with SlackStandIn() as slack_api:
        yield slack_api


@pytest.fixture
def workspace(firm: Firm, standin: SlackStandIn) -> Iterator[Slack]:
    """The firm's Slack workspace: what a user sends goes through Bolt in process. Afterwards every message,
    modal and Home view casebot sent is checked as Slack would check it."""
    slack = Slack(firm, standin)
    yield slack
    slack.close()
    slack.check_everything_sent()

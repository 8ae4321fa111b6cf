"""The database going away mid-command: a clear "try again", and no partial change."""

import time
from datetime import date

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.exc import OperationalError

from bot import services as sv
from bot.errors import TryAgain
from storage.models import AuditEntry, Obligation, Provider


def counts(firm):
    with firm.db.uow() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(m)) for m in (Provider, Obligation, AuditEntry)
        )


def _kill_own_backend_after_first_flush(firm):
    """After the change's first flush, the server drops this session's connection (as a restart would)."""
    fired = []

    def after_flush(session, _ctx):
        if fired:
            return
        fired.append(True)
        pid = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
        killer = create_engine(firm.db.url, isolation_level="AUTOCOMMIT")
        with killer.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        killer.dispose()

    return after_flush


def _fail_after_first_flush():
    """SQLite has no server to lose; its driver failing mid-transaction is the same to casebot."""
    fired = []

    def after_flush(_session, _ctx):
        if not fired:
            fired.append(True)
            raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    return after_flush


def test_a_dropped_connection_mid_change_saves_nothing_and_says_try_again(firm):
    sv.create_case(firm, "U1", "PI-1", "Jane Roe", on=date(2026, 11, 2))
    before = counts(firm)
    hook = _kill_own_backend_after_first_flush(firm) if firm.db.is_postgres else _fail_after_first_flush()
    event.listen(firm.db.sessions, "after_flush", hook)
    try:
        with pytest.raises(TryAgain, match="try again"):
            sv.add_provider(firm, "U1", "PI-1", "Valley Ortho", on=date(2026, 11, 2))
    finally:
        event.remove(firm.db.sessions, "after_flush", hook)
    assert counts(firm) == before
    # And the next command works: the pool threw the dead connection away.
    assert (
        sv.add_provider(firm, "U1", "PI-1", "Valley Ortho", on=date(2026, 11, 2)).card.providers[0].name
        == "Valley Ortho"
    )


def test_an_unreachable_database_says_try_again(settings, clock):
    from storage.db import Database

    down = Database("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=1")
    firm = sv.Firm.from_settings(settings, db=down, clock=clock)
    with pytest.raises(TryAgain):
        sv.show_case(firm, "U1", "PI-1")


def _drop_every_pooled_connection(firm):
    """What a restart of PostgreSQL does to this test's database: every pooled connection's backend gone
    (killed from a connection of another engine)."""
    killer = create_engine(firm.db.url, isolation_level="AUTOCOMMIT")
    try:
        with killer.connect() as conn:
            gone = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar()
            for _ in range(100):  # pg_terminate_backend signals; wait until they are gone
                left = conn.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).scalar()
                if not left:
                    break
                time.sleep(0.05)
    finally:
        killer.dispose()
    assert gone and not left, f"{gone} pooled connections dropped, {left} still there"


def _count_pings(firm, monkeypatch):
    pings = []
    real = firm.db.engine.dialect.do_ping

    def ping(dbapi_conn):
        pings.append(True)
        return real(dbapi_conn)

    monkeypatch.setattr(firm.db.engine.dialect, "do_ping", ping)
    return pings


def test_a_connection_used_a_moment_ago_is_not_checked_again_one_idle_is(firm, monkeypatch):
    """A busy server does not ask PostgreSQL "are you there?" before every command (a round trip each): only
    a connection idle for PING_AFTER_IDLE seconds is checked."""
    if not firm.db.is_postgres:
        pytest.skip("PostgreSQL's pool only: SQLite has no server to lose a connection to")
    import storage.db

    sv.create_case(firm, "U1", "PI-1", "Jane Roe", on=date(2026, 11, 2))
    pings = _count_pings(firm, monkeypatch)
    sv.show_case(firm, "U1", "PI-1")
    sv.add_provider(firm, "U1", "PI-1", "Valley Ortho", on=date(2026, 11, 2))
    assert pings == []
    monkeypatch.setattr(storage.db, "PING_AFTER_IDLE", 0.0)
    sv.show_case(firm, "U1", "PI-1")
    assert pings


def test_a_connection_dropped_while_idle_is_replaced_before_use(firm, monkeypatch):
    """The server went away and came back while the pool's connections lay idle: the next command checks,
    connects again and works, and nobody is told anything."""
    if not firm.db.is_postgres:
        pytest.skip("PostgreSQL's pool only: SQLite has no server to lose a connection to")
    import storage.db

    sv.create_case(firm, "U1", "PI-1", "Jane Roe", on=date(2026, 11, 2))
    _drop_every_pooled_connection(firm)
    monkeypatch.setattr(storage.db, "PING_AFTER_IDLE", 0.0)  # as if they had been idle a while
    card = sv.add_provider(firm, "U1", "PI-1", "Valley Ortho", on=date(2026, 11, 2)).card
    assert [p.name for p in card.providers] == ["Valley Ortho"]


def test_a_connection_dropped_just_after_use_says_try_again_once_and_saves_nothing(firm):
    """The price of not checking a connection used a moment ago: if the server restarted in between, that one
    command fails as any dropped connection does ("try again", nothing saved), and the pool lets go of every
    older connection, so the next command works."""
    if not firm.db.is_postgres:
        pytest.skip("PostgreSQL's pool only: SQLite has no server to lose a connection to")
    sv.create_case(firm, "U1", "PI-1", "Jane Roe", on=date(2026, 11, 2))
    before = counts(firm)
    _drop_every_pooled_connection(firm)
    with pytest.raises(TryAgain, match="try again"):
        sv.add_provider(firm, "U1", "PI-1", "Valley Ortho", on=date(2026, 11, 2))
    assert counts(firm) == before
    assert sv.add_provider(firm, "U1", "PI-1", "Valley Ortho", on=date(2026, 11, 2)).card.providers

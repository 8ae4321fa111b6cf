"""The database going away mid-command: a clear "try again", and no partial change."""

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

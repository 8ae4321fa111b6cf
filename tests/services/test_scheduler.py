"""The scheduler: one real APScheduler run, its job settings, and only one sender among replicas."""

from __future__ import annotations

import time
from datetime import date

import pytest

from bot.entrypoints.scheduler import MISFIRE_GRACE, TICK_JOB_ID, Sender, build_scheduler, start_scheduler
from handlers.slack.standin import SlackStandIn
from storage.locks import SenderLock
from tests.kit.reminders import at, digests, notifier_for, open_case, slack_firm


def test_the_tick_job_has_an_explicit_id_coalesces_and_survives_a_late_start():
    scheduler = build_scheduler(lambda: None, seconds=60)
    try:
        scheduler.start(paused=True)
        # Adding it again (a second start in one process) replaces it rather than running it twice.
        scheduler.add_job(lambda: None, "interval", seconds=60, id=TICK_JOB_ID, replace_existing=True)
        [job] = scheduler.get_jobs()
        assert job.id == TICK_JOB_ID
    finally:
        scheduler.shutdown(wait=False)
    scheduler = build_scheduler(lambda: None, seconds=60)
    [job] = scheduler.get_jobs()
    assert job.coalesce is True and job.max_instances == 1
    assert job.misfire_grace_time == MISFIRE_GRACE >= 3600, "a tick late by a restart still runs"


def test_a_real_scheduler_sends_the_digest_and_stops(firm, clock):
    with SlackStandIn() as slack:
        slack.add_user("ULA", tz="America/Los_Angeles")
        sfirm = slack_firm(firm, slack)
        at(clock, date(2026, 11, 20), 7)
        open_case(sfirm, "PI-1", "ULA")
        at(clock, date(2026, 11, 20), 9)
        notifier, _ = notifier_for(sfirm)
        running = start_scheduler(sfirm, notifier, seconds=0.2)
        try:
            slack.wait_for("chat.postMessage", timeout=10)
            time.sleep(0.6)  # a few more ticks
        finally:
            running.stop()
        assert digests(slack) == {"DULA": 1}
        assert not running.scheduler.running


def test_only_one_process_sends_and_another_takes_over_when_it_goes(db, firm):
    if not db.is_postgres:
        pytest.skip("the sender lock is PostgreSQL's; SQLite serves one process")
    from storage.db import Database

    other = Database(db.url)
    try:
        first, second = SenderLock(db.engine), SenderLock(other.engine)
        assert first.acquire() is True
        assert second.acquire() is False
        assert first.acquire() is True, "still the sender"
        first._conn.invalidate()  # the sender's connection dies (a crash, a network cut)
        first._conn = None
        # The server frees the lock once it notices the connection is gone: within moments, not at once.
        deadline = time.monotonic() + 10
        while not second.acquire() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert second.acquire() is True, "another replica takes over"
        assert first.acquire() is False
        second.release()
        assert first.acquire() is True
        first.release()
    finally:
        other.dispose()


def test_a_replica_without_the_lock_sends_nothing(firm, clock):
    class Never(SenderLock):
        def acquire(self) -> bool:
            return False

    with SlackStandIn() as slack:
        slack.add_user("ULA", tz="America/Los_Angeles")
        sfirm = slack_firm(firm, slack)
        at(clock, date(2026, 11, 20), 7)
        open_case(sfirm, "PI-1", "ULA")
        at(clock, date(2026, 11, 20), 9)
        notifier, _ = notifier_for(sfirm)
        sender = Sender(sfirm, notifier, lock=Never(sfirm.db.engine))
        assert sender() is None
        assert slack.calls_to("chat.postMessage") == []

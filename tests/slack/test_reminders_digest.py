"""Daily digests: at each person's own DIGEST_TIME, on business days only, exactly once, within Slack's limits."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from bot import services
from bot.delivery import digests as owed
from bot.delivery import outbox
from bot.delivery.digests import claim_digests
from bot.delivery.outbox import SenderState
from bot.delivery.sending import tick
from bot.entrypoints.operator import digest_command
from bot.services.firm import Firm
from handlers.blocks.client_updates import OPEN_UPDATE
from handlers.blocks.digests import LOG_CONTACT, OPEN_CASE, SNOOZE
from handlers.slack.standin import SlackStandIn
from storage.models import Delivery
from tests.kit.reminders import (
    LA,
    NY,
    at,
    digests,
    notifier_for,
    open_case,
    per_channel,
    posts,
    slack_firm,
    texts,
)
from tests.kit.slack_bodies import assert_valid_blocks


@pytest.fixture
def standin(standin: SlackStandIn) -> SlackStandIn:
    standin.add_user("ULA", tz="America/Los_Angeles")
    standin.add_user("UNY", tz="America/New_York")
    return standin


@pytest.fixture
def sfirm(firm: Firm, standin: SlackStandIn) -> Firm:
    return slack_firm(firm, standin)


def _deliveries(firm: Firm) -> list[Delivery]:
    from sqlalchemy import select

    with firm.db.uow() as s:
        return list(s.scalars(select(Delivery).order_by(Delivery.id)))


def test_digests_go_out_at_each_persons_local_time_across_a_daylight_saving_change(sfirm, clock, standin):
    at(clock, date(2026, 10, 29), 7)  # Thursday; the cases' first client calls are due today
    open_case(sfirm, "PI-1", "ULA")
    open_case(sfirm, "PI-2", "UNY")
    notifier, _ = notifier_for(sfirm)
    state = SenderState()

    friday = date(2026, 10, 30)
    at(clock, friday, 8, 29, NY)
    tick(sfirm, notifier, state)
    assert posts(standin) == []
    at(clock, friday, 8, 30, NY)  # 05:30 in Los Angeles
    tick(sfirm, notifier, state)
    assert digests(standin) == {"DUNY": 1}
    at(clock, friday, 8, 29, LA)
    tick(sfirm, notifier, state)
    assert digests(standin) == {"DUNY": 1}
    at(clock, friday, 8, 30, LA)
    tick(sfirm, notifier, state)
    assert digests(standin) == {"DUNY": 1, "DULA": 1}

    # Daylight saving ends on Sunday Nov 1: 08:30 in New York is now 13:30 UTC, not 12:30.
    monday = date(2026, 11, 2)
    clock.at = datetime.fromisoformat("2026-11-02T12:30:00+00:00")
    tick(sfirm, notifier, state)
    assert digests(standin) == {"DUNY": 1, "DULA": 1}, "07:30 in New York is too early"
    clock.at = datetime.fromisoformat("2026-11-02T13:30:00+00:00")
    tick(sfirm, notifier, state)
    assert digests(standin) == {"DUNY": 2, "DULA": 1}
    clock.at = datetime.fromisoformat("2026-11-02T16:29:00+00:00")
    tick(sfirm, notifier, state)
    assert digests(standin)["DULA"] == 1
    clock.at = datetime.fromisoformat("2026-11-02T16:30:00+00:00")  # 08:30 PST
    tick(sfirm, notifier, state)
    assert digests(standin) == {"DUNY": 2, "DULA": 2}
    assert "Mon Nov 2" in texts(standin, "DULA")[-1]
    assert monday.weekday() == 0


def test_no_digest_on_weekends_or_holidays(sfirm, clock, standin):
    at(clock, date(2026, 11, 20), 9)  # a Friday
    open_case(sfirm, "PI-1", "ULA")
    notifier, _ = notifier_for(sfirm)
    state = SenderState()
    tick(sfirm, notifier, state)
    assert digests(standin) == {"DULA": 1}
    standin.reset()
    # Saturday and Sunday, every hour of the day; then Thanksgiving (Thursday Nov 26).
    for day in (date(2026, 11, 21), date(2026, 11, 22), date(2026, 11, 26)):
        for hour in range(0, 24):
            at(clock, day, hour, 45)
            tick(sfirm, notifier, state)
    assert posts(standin) == []
    at(clock, date(2026, 11, 27), 8, 31)  # the day after Thanksgiving is a business day
    tick(sfirm, notifier, state)
    assert digests(standin) == {"DULA": 1}


def test_the_digest_lists_overdue_first_then_due_today_with_buttons_and_fallback_text(sfirm, clock, standin):
    at(clock, date(2026, 11, 16), 9)
    open_case(sfirm, "PI-OLD", "ULA", "Ann Older")
    at(clock, date(2026, 11, 18), 9)
    open_case(sfirm, "PI-MID", "ULA", "Bo Middle")
    at(clock, date(2026, 11, 20), 7)
    open_case(sfirm, "PI-NEW", "ULA", "Cy Newer")
    services.offer_received(sfirm, "UADMIN", "PI-NEW", __import__("decimal").Decimal("12500"))
    notifier, _ = notifier_for(sfirm)
    at(clock, date(2026, 11, 20), 8, 30)
    tick(sfirm, notifier)
    [call] = [c for c in posts(standin) if c.params["channel"] == "DULA"]
    text, blocks = call.params["text"], call.params["blocks"]
    assert "2 overdue" in text and "due today" in text
    assert_valid_blocks(blocks)
    sections = [
        b["text"]["text"]
        for b in blocks
        if b["type"] == "section" and b.get("block_id", "").startswith("item:")
    ]
    assert [s.split("*")[1] for s in sections][:2] == ["PI-OLD", "PI-MID"], "most overdue first"
    assert all(s.split("*")[1] == "PI-NEW" for s in sections[2:])
    assert "4 days overdue" in sections[0] and "Ann Older" in sections[0]
    assert "Contact the client" in sections[0] and "•" in sections[0], "whom, why and talking points"
    assert "12,500" not in str(blocks) and "12500" not in str(blocks), "no amounts in a digest"
    actions = [b for b in blocks if b["type"] == "actions"]
    assert len(actions) == len(sections)
    ids = [e["action_id"] for e in actions[0]["elements"]]
    # A client item whose rule has a notice also offers Send update (the /case update preview).
    assert ids == [LOG_CONTACT, SNOOZE, OPEN_UPDATE, OPEN_CASE]
    assert [o["text"]["text"] for o in actions[0]["elements"][1]["options"]] == [
        "Tomorrow",
        "In 3 days",
        "Next week",
    ]


def test_a_person_with_nothing_due_gets_no_digest(sfirm, clock, standin):
    at(clock, date(2026, 11, 20), 7)
    open_case(sfirm, "PI-1", "ULA")
    services.log_contact(sfirm, "ULA", "PI-1")  # R1 done; nothing else is due today
    at(clock, date(2026, 11, 20), 9)
    notifier, _ = notifier_for(sfirm)
    tick(sfirm, notifier)
    assert posts(standin) == []


def test_more_than_fifty_items_stay_within_slacks_limits_and_nothing_is_dropped(sfirm, clock, standin):
    at(clock, date(2026, 11, 19), 7)
    for n in range(30):
        open_case(sfirm, f"PI-A{n:02d}", "ULA")
    at(clock, date(2026, 11, 20), 7)
    for n in range(31):
        open_case(sfirm, f"PI-B{n:02d}", "ULA")
    at(clock, date(2026, 11, 20), 8, 45)
    notifier, _ = notifier_for(sfirm)
    tick(sfirm, notifier)
    [call] = posts(standin)
    blocks = call.params["blocks"]
    assert len(blocks) <= 50
    assert_valid_blocks(blocks)
    shown = [b for b in blocks if b.get("block_id", "").startswith("item:")]
    tail = blocks[-1]["text"]["text"]
    assert "/case due" in tail
    more = int(tail.split("and ")[1].split(" ")[0])
    assert len(shown) + more == 61
    assert "30 overdue" in call.params["text"] and "31 due today" in call.params["text"]


def test_no_digest_twice_across_two_restarts_and_a_crash_between_claim_and_send(sfirm, clock, standin):
    at(clock, date(2026, 11, 20), 7)
    open_case(sfirm, "PI-1", "ULA")
    open_case(sfirm, "PI-2", "UNY")
    at(clock, date(2026, 11, 20), 9)
    # The first process claims both digests, then dies before sending anything.
    assert len(claim_digests(sfirm, sfirm.now())) == 2
    assert posts(standin) == []
    # Restart: the catch-up tick sends each once.
    notifier, _ = notifier_for(sfirm)
    tick(sfirm, notifier, SenderState())
    assert digests(standin) == {"DULA": 1, "DUNY": 1}
    clock.advance(minutes=1)
    tick(sfirm, notifier, SenderState())  # a second restart
    clock.advance(hours=2)
    tick(sfirm, notifier, SenderState())
    assert digests(standin) == {"DULA": 1, "DUNY": 1}
    assert {d.state for d in _deliveries(sfirm)} == {"sent"}
    assert all(d.slack_ts for d in _deliveries(sfirm))


class _Crash(BaseException):
    """The process dying: not an error anything in casebot catches."""


class _CrashingNotifier:
    def __init__(self, inner, *, after_send: bool) -> None:
        self.inner, self.after_send, self.armed = inner, after_send, True

    def send(self, message):
        if self.armed and not self.after_send:
            self.armed = False
            raise _Crash
        ts = self.inner.send(message)
        if self.armed:
            self.armed = False
            raise _Crash
        return ts

    def person(self, user_id):
        return self.inner.person(user_id)


def test_a_crash_during_the_attempt_before_slack_is_called_sends_once_after_the_lease(sfirm, clock, standin):
    at(clock, date(2026, 11, 20), 7)
    open_case(sfirm, "PI-1", "ULA")
    at(clock, date(2026, 11, 20), 9)
    notifier, _ = notifier_for(sfirm)
    with pytest.raises(_Crash):
        tick(sfirm, _CrashingNotifier(notifier, after_send=False), SenderState())
    tick(sfirm, notifier, SenderState())  # restarted at once: the attempt's lease still holds it
    assert posts(standin) == []
    clock.advance(minutes=11)
    tick(sfirm, notifier, SenderState())
    clock.advance(minutes=11)
    tick(sfirm, notifier, SenderState())
    assert digests(standin) == {"DULA": 1}


def test_a_crash_after_slack_accepted_is_sent_again_at_least_once_as_documented(
    sfirm, clock, standin, caplog
):
    at(clock, date(2026, 11, 20), 7)
    open_case(sfirm, "PI-1", "ULA")
    at(clock, date(2026, 11, 20), 9)
    notifier, _ = notifier_for(sfirm)
    with pytest.raises(_Crash):
        tick(sfirm, _CrashingNotifier(notifier, after_send=True), SenderState())
    assert digests(standin) == {"DULA": 1}
    clock.advance(minutes=11)
    tick(sfirm, notifier, SenderState())
    # The window between Slack's answer and marking it sent: at-least-once (see bot/delivery/outbox.py).
    assert digests(standin) == {"DULA": 2}
    assert "no outcome" in caplog.text
    clock.advance(minutes=30)
    tick(sfirm, notifier, SenderState())
    assert digests(standin) == {"DULA": 2}


def test_a_burst_of_429s_and_500s_still_delivers_every_digest_exactly_once(sfirm, clock, standin):
    people = [f"UM{n}" for n in range(6)]
    for p in people:
        standin.add_user(p, tz="America/Chicago")
    at(clock, date(2026, 11, 20), 7)
    for n, p in enumerate(people):
        open_case(sfirm, f"PI-{n}", p)
    at(clock, date(2026, 11, 20), 9)
    standin.fail("chat.postMessage", status=429, times=5, retry_after=0)
    standin.fail("chat.postMessage", status=500, times=5)
    notifier, _ = notifier_for(sfirm, retries=1)
    state = SenderState()
    for _ in range(20):
        tick(sfirm, notifier, state)
        if all(d.state == "sent" for d in _deliveries(sfirm)) and len(_deliveries(sfirm)) == len(people):
            break
        clock.advance(minutes=5)
    sent = _deliveries(sfirm)
    assert [d.state for d in sent] == ["sent"] * len(people)
    assert len(posts(standin)) == len(people) + 10, "every failure was retried; no success was repeated"
    assert len({d.slack_ts for d in sent}) == len(people)
    assert set(per_channel(standin)) == {f"D{p}" for p in people}


def test_catch_up_after_downtime_sends_todays_digest_but_never_a_past_days(sfirm, clock, standin):
    at(clock, date(2026, 11, 19), 7)
    open_case(sfirm, "PI-1", "ULA")
    notifier, _ = notifier_for(sfirm)
    # Down all Thursday; started Friday at 3 pm: Friday's digest goes out, Thursday's never does.
    at(clock, date(2026, 11, 20), 15)
    tick(sfirm, notifier, SenderState())
    assert digests(standin) == {"DULA": 1}
    assert "Fri Nov 20" in texts(standin, "DULA")[0]
    # Started after the working day is over: nothing today; Monday's digest carries it.
    open_case(sfirm, "PI-2", "UNY")
    at(clock, date(2026, 11, 20), 18, 30, NY)
    tick(sfirm, notifier, SenderState())
    assert digests(standin) == {"DULA": 1}


def test_a_digest_that_could_not_go_out_all_day_expires_instead_of_arriving_stale(sfirm, clock, standin):
    at(clock, date(2026, 11, 20), 7)
    open_case(sfirm, "PI-1", "ULA")
    at(clock, date(2026, 11, 20), 9)
    standin.fail("chat.postMessage", status=503, times=1000)
    notifier, _ = notifier_for(sfirm, retries=0)
    tick(sfirm, notifier)
    assert [d.state for d in _deliveries(sfirm)] == ["pending"]
    standin.reset()
    at(clock, date(2026, 11, 23), 8, 30)  # Monday
    tick(sfirm, notifier)
    states = {d.key: d.state for d in _deliveries(sfirm) if d.kind == "digest"}
    assert states == {"digest:ULA:2026-11-20": "expired", "digest:ULA:2026-11-23": "sent"}
    assert digests(standin) == {"DULA": 1} and "Mon Nov 23" in texts(standin, "DULA")[0]


def test_casebot_digest_sends_once_and_a_second_run_sends_nothing_new(sfirm, clock, standin, capsys):
    at(clock, date(2026, 11, 20), 6)  # before anyone's digest time: the command sends regardless
    open_case(sfirm, "PI-1", "ULA")
    open_case(sfirm, "PI-2", "UNY")
    notifier, _ = notifier_for(sfirm)
    assert digest_command(sfirm, dry_run=True, notifier=notifier) == 0
    printed = capsys.readouterr().out
    assert "PI-1" in printed and "PI-2" in printed and "dry run" in printed
    assert posts(standin) == []
    assert digest_command(sfirm, notifier=notifier) == 0
    assert digests(standin) == {"DULA": 1, "DUNY": 1}
    assert digest_command(sfirm, notifier=notifier) == 0
    assert digests(standin) == {"DULA": 1, "DUNY": 1}
    assert "0 digest(s) sent" in capsys.readouterr().out
    # And the scheduler, later that morning, does not send them again either.
    at(clock, date(2026, 11, 20), 9)
    tick(sfirm, notifier)
    assert digests(standin) == {"DULA": 1, "DUNY": 1}


def test_the_digest_cost_follows_what_is_due(sfirm, clock, monkeypatch):
    """Deciding reads people with something due and their items, never every case."""
    from storage import queries as q

    at(clock, date(2026, 11, 20), 7)
    open_case(sfirm, "PI-1", "ULA")
    banned = ("all_cases", "open_cases", "active_obligations_of_manager")
    for name in banned:
        monkeypatch.setattr(q, name, lambda *a, **k: pytest.fail("read every case"))
    at(clock, date(2026, 11, 20), 9)
    assert claim_digests(sfirm, sfirm.now()) == ["digest:ULA:2026-11-20"]
    assert owed.preview_digests(sfirm, date(2026, 11, 20))[0].due_today
    assert timedelta(0) < outbox.backoff(3) <= outbox.BACKOFF_MAX


def test_a_new_sender_retries_a_dead_senders_unfinished_attempt_at_once(sfirm, clock, standin):
    """The scheduler's Sender, on becoming the sender, does not wait out a dead sender's lease."""
    from bot.entrypoints.scheduler import Sender

    at(clock, date(2026, 11, 20), 7)
    open_case(sfirm, "PI-1", "ULA")
    at(clock, date(2026, 11, 20), 9)
    notifier, _ = notifier_for(sfirm)
    with pytest.raises(_Crash):
        tick(sfirm, _CrashingNotifier(notifier, after_send=False), SenderState())
    assert posts(standin) == []
    restarted = Sender(sfirm, notifier)
    try:
        restarted()
        assert digests(standin) == {"DULA": 1}
        clock.advance(minutes=11)
        restarted()  # still the sender: nothing is taken over again, nothing sent twice
        assert digests(standin) == {"DULA": 1}
    finally:
        restarted.close()


def test_casebot_digest_sends_only_while_holding_the_sender_lock(db, sfirm, clock, standin):
    if not db.is_postgres:
        pytest.skip("the sender lock is PostgreSQL's; SQLite serves one process")
    import io

    from storage.locks import SenderLock

    at(clock, date(2026, 11, 20), 7)
    open_case(sfirm, "PI-1", "ULA")
    at(clock, date(2026, 11, 20), 9)
    running_bot = SenderLock(db.engine)
    assert running_bot.acquire()
    try:
        out = io.StringIO()
        notifier, _ = notifier_for(sfirm)
        assert digest_command(sfirm, notifier=notifier, out=out) == 0
        assert "another casebot process is the sender" in out.getvalue()
        assert posts(standin) == []
    finally:
        running_bot.release()
    out = io.StringIO()
    assert digest_command(sfirm, notifier=notifier, out=out) == 0
    assert digests(standin) == {"DULA": 1}


def test_a_firm_with_a_longer_working_day_still_gets_its_catch_up_digest_in_the_evening(
    sfirm, clock, standin
):
    from dataclasses import replace

    at(clock, date(2026, 11, 19), 7)
    open_case(sfirm, "PI-2", "UNY")
    notifier, _ = notifier_for(sfirm)
    at(clock, date(2026, 11, 20), 18, 30, NY)
    tick(sfirm, notifier, SenderState())
    assert digests(standin) == {}, "after 18:00 by default the day is over"
    sfirm.settings = replace(sfirm.settings, workday_end=time(20, 0))  # WORKDAY_END=20:00
    tick(sfirm, notifier, SenderState())
    assert digests(standin) == {"DUNY": 1}

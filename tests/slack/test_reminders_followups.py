"""Same-day reminders, away and cover, escalations to the leads, and the weekly report."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot import services
from bot.delivery.outbox import SenderState
from bot.delivery.sending import tick
from bot.services.firm import Firm
from handlers.slack.standin import SlackStandIn
from storage.models import Escalation
from tests.kit.reminders import (
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
    for user in ("ULA", "UCOVER", "ULEAD"):
        standin.add_user(user, tz="America/Los_Angeles")
    return standin


@pytest.fixture
def sfirm(firm: Firm, standin: SlackStandIn) -> Firm:
    return slack_firm(firm, standin)


def escalations(standin: SlackStandIn, channel: str) -> list[dict]:
    return [
        c.params
        for c in posts(standin)
        if c.params["channel"] == channel and "overdue more than" in c.params["text"]
    ]


def test_an_obligation_due_today_after_the_digest_is_sent_at_once_and_once(sfirm, clock, standin):
    friday = date(2026, 11, 20)
    at(clock, friday, 7)
    open_case(sfirm, "PI-1", "ULA")
    open_case(sfirm, "PI-2", "ULA", "Bo Second")
    notifier, _ = notifier_for(sfirm)
    state = SenderState()
    at(clock, friday, 8, 30)
    tick(sfirm, notifier, state)
    assert digests(standin) == {"DULA": 1}
    at(clock, friday, 14)
    services.offer_received(sfirm, "ULA", "PI-2", Decimal("9000"))  # R10: tell the client today
    clock.advance(minutes=1)
    tick(sfirm, notifier, state)
    assert per_channel(standin) == {"DULA": 2}
    reminder = posts(standin)[-1].params
    assert reminder["text"].startswith("New today") and "PI-2" in reminder["text"]
    assert "9,000" not in str(reminder) and "9000" not in str(reminder)
    assert_valid_blocks(reminder["blocks"])
    for _ in range(3):
        clock.advance(minutes=1)
        tick(sfirm, notifier, state)
    tick(sfirm, notifier, SenderState())  # and after a restart
    assert per_channel(standin) == {"DULA": 2}


def test_outside_working_hours_the_next_digest_carries_it(sfirm, clock, standin):
    friday = date(2026, 11, 20)
    at(clock, friday, 7)
    open_case(sfirm, "PI-1", "ULA")
    notifier, _ = notifier_for(sfirm)
    state = SenderState()
    at(clock, friday, 9)
    tick(sfirm, notifier, state)
    at(clock, friday, 19)
    services.offer_received(sfirm, "ULA", "PI-1", Decimal("9000"))
    clock.advance(minutes=1)
    tick(sfirm, notifier, state)
    assert per_channel(standin) == {"DULA": 1}
    at(clock, date(2026, 11, 23), 8, 30)  # Monday
    tick(sfirm, notifier, state)
    assert digests(standin) == {"DULA": 2}
    assert "offer" in str(posts(standin)[-1].params["blocks"])


def test_an_away_managers_items_go_to_the_cover_and_wait_without_one(sfirm, clock, standin):
    friday = date(2026, 11, 20)
    at(clock, friday, 7)
    open_case(sfirm, "PI-1", "ULA")
    services.set_away(sfirm, "ULA", cover="UCOVER")
    notifier, _ = notifier_for(sfirm)
    at(clock, friday, 9)
    tick(sfirm, notifier)
    assert digests(standin) == {"DUCOVER": 1}
    assert "<@ULA>" in str(posts(standin)[0].params["blocks"]) and "PI-1" in posts(standin)[0].params["text"]
    # Away with no cover: nothing goes out; back on Monday, the digest has it.
    services.set_away(sfirm, "ULA")
    at(clock, date(2026, 11, 23), 9)
    tick(sfirm, notifier)
    assert digests(standin) == {"DUCOVER": 1}
    services.set_back(sfirm, "ULA")
    clock.advance(minutes=1)
    tick(sfirm, notifier)
    assert digests(standin) == {"DUCOVER": 1, "DULA": 1}


def test_overdue_two_business_days_is_escalated_once_to_the_leads_and_a_contact_clears_it(
    sfirm, clock, standin
):
    services.set_role(sfirm, "UADMIN", "ULEAD", "lead")
    at(clock, date(2026, 11, 19), 7)  # Thursday: R1 due today
    open_case(sfirm, "PI-1", "ULA")
    notifier, _ = notifier_for(sfirm)
    state = SenderState()
    at(clock, date(2026, 11, 20), 10)  # one business day late
    tick(sfirm, notifier, state)
    assert escalations(standin, "DULEAD") == []
    at(clock, date(2026, 11, 23), 10)  # Monday: two business days late
    tick(sfirm, notifier, state)
    [note] = escalations(standin, "DULEAD")
    assert "PI-1" in note["text"] and "2 business days" in note["text"]
    assert "<@ULA>" in str(note["blocks"]) and "$" not in str(note["blocks"])
    assert_valid_blocks(note["blocks"])
    for hours in (1, 2, 24):
        clock.advance(hours=hours)
        tick(sfirm, notifier, state)
    assert len(escalations(standin, "DULEAD")) == 1, "escalated once"
    services.log_contact(sfirm, "ULA", "PI-1")
    with sfirm.db.uow() as s:
        [esc] = s.scalars(select(Escalation)).all()
        assert esc.cleared_at is not None


def test_with_no_lead_escalations_go_to_the_admins(sfirm, clock, standin):
    standin.add_user("UADMIN", tz="America/Los_Angeles")
    at(clock, date(2026, 11, 19), 7)
    open_case(sfirm, "PI-1", "ULA")
    notifier, _ = notifier_for(sfirm)
    at(clock, date(2026, 11, 23), 10)
    tick(sfirm, notifier)
    assert len(escalations(standin, "DUADMIN")) == 1


def test_each_lead_gets_the_weekly_report_on_monday_morning_once(sfirm, clock, standin):
    services.set_role(sfirm, "UADMIN", "ULEAD", "lead")
    at(clock, date(2026, 11, 19), 7)
    open_case(sfirm, "PI-1", "ULA")
    open_case(sfirm, "PI-2", "ULA")
    # An offer moves a case to Negotiating once its demand is sent.
    services.advance(sfirm, "UADMIN", "PI-2", to="demand_drafting", because="the file came complete")
    services.demand_sent(sfirm, "ULA", "PI-2")
    services.offer_received(sfirm, "ULA", "PI-2", Decimal("25000"))
    notifier, _ = notifier_for(sfirm)
    state = SenderState()
    at(clock, date(2026, 11, 20), 9)  # Friday: no report
    tick(sfirm, notifier, state)
    assert not any(t.startswith("Weekly report") for t in texts(standin, "DULEAD"))
    at(clock, date(2026, 11, 23), 8, 29)
    tick(sfirm, notifier, state)
    assert not any(t.startswith("Weekly report") for t in texts(standin, "DULEAD"))
    at(clock, date(2026, 11, 23), 8, 30)
    tick(sfirm, notifier, state)
    clock.advance(hours=3)
    tick(sfirm, notifier, SenderState())
    reports = [c.params for c in posts(standin) if c.params["text"].startswith("Weekly report")]
    assert len(reports) == 1
    body = str(reports[0]["blocks"])
    assert "Collecting records: 1" in body and "Negotiating: 1" in body
    assert "<@ULA>: " in body and "PI-1" in body, "overdue by manager and the oldest overdue items"
    assert "25,000" not in body and "25000" not in body
    assert_valid_blocks(reports[0]["blocks"])

"""Statute-of-limitations alerts, the digest's red flags and the weekly chart, through the real tick and
the stand-in Slack, on a clock the test moves."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot import services
from bot.delivery import alerts, digests, sending
from bot.delivery.digests import claim_digests
from bot.delivery.outbox import SenderState
from bot.delivery.sending import tick
from bot.services import limitation
from bot.services.firm import Firm
from handlers.blocks.digests import OPEN_CASE
from handlers.slack.standin import SlackStandIn
from storage import deadlines, deliveries
from storage import queries as q
from storage.models import Delivery
from tests.kit.reminders import at, notifier_for, posts, slack_firm, texts
from tests.kit.slack_bodies import assert_valid_blocks

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def standin(standin: SlackStandIn) -> SlackStandIn:
    for user in ("ULA", "UCOVER", "ULEAD"):
        standin.add_user(user, tz="America/Los_Angeles")
    standin.add_user("UNY", tz="America/New_York")
    return standin


@pytest.fixture
def sfirm(firm: Firm, standin: SlackStandIn) -> Firm:
    f = slack_firm(firm, standin)
    services.set_role(f, "UADMIN", "ULEAD", "lead")
    return f


def sol_alerts(standin: SlackStandIn, channel: str) -> list[dict]:
    return [
        c.params
        for c in posts(standin)
        if c.params["channel"] == channel and c.params.get("text", "").startswith("Statute of limitations")
    ]


def thresholds(standin: SlackStandIn, channel: str) -> list[int]:
    out = []
    for params in sol_alerts(standin, channel):
        body = str(params["blocks"])
        out.append(int(body.split("-day alert")[0].rsplit("the ", 1)[1]))
    return out


def _deliveries(firm: Firm, kind: str) -> list[Delivery]:
    with firm.db.uow() as s:
        return list(s.scalars(select(Delivery).where(Delivery.kind == kind).order_by(Delivery.id)))


def _days_around(limitation_on: date, threshold: int) -> list[date]:
    """The day before a threshold is crossed, the day it is, and the days after (a weekend or holiday
    moves the alert to the next business day)."""
    cross = limitation_on - timedelta(days=threshold)
    return [cross - timedelta(days=1)] + [cross + timedelta(days=n) for n in range(5)]


def test_each_threshold_is_alerted_once_to_the_manager_and_the_lead(sfirm, clock, standin):
    start = date(2026, 11, 2)  # a Monday
    at(clock, start, 9)
    limitation_on = start + timedelta(days=200)
    services.create_case(sfirm, "UADMIN", "PI-1", "Jane Roe", manager="ULA", limitation_on=limitation_on)
    services.set_holdup(sfirm, "ULA", "PI-1", "chart-notes")
    services.set_holdup(sfirm, "ULA", "PI-1", "other", "waiting for the police report")
    services.offer_received(sfirm, "ULA", "PI-1", Decimal("42000"))
    notifier, _ = notifier_for(sfirm)
    state = SenderState()
    tick(sfirm, notifier, state)
    assert sol_alerts(standin, "DULA") == [] and sol_alerts(standin, "DULEAD") == [], (
        "200 days out: nothing yet"
    )

    for n, threshold in enumerate((180, 90, 60, 30), start=1):
        before, *days = _days_around(limitation_on, threshold)
        at(clock, before, 10)
        tick(sfirm, notifier, state)
        assert len(sol_alerts(standin, "DULA")) == n - 1, f"not before the {threshold}-day mark"
        for day in days:
            for hour in (7, 10, 15, 20):  # before the working day, during it twice, after it
                at(clock, day, hour)
                tick(sfirm, notifier, state)
                tick(sfirm, notifier, SenderState())  # and a restart
        assert thresholds(standin, "DULA") == [180, 90, 60, 30][:n]
        assert thresholds(standin, "DULEAD") == [180, 90, 60, 30][:n]

    keys = sorted(d.key for d in _deliveries(sfirm, "sol"))
    assert len(keys) == 8 and all(d.state == "sent" for d in _deliveries(sfirm, "sol"))
    assert f"sol:PI-1:60:ULA:{limitation_on.isoformat()}" in keys

    first, *_, last = sol_alerts(standin, "DULA")
    assert_valid_blocks(first["blocks"])
    assert_valid_blocks(last["blocks"])
    assert (
        "PI-1" in first["text"]
        and "Jane Roe" in first["text"]
        and f"{limitation_on:%b %-d, %Y}" in first["text"]
    )
    assert ":red_circle: missing chart notes" not in str(first["blocks"]), "180 days out: not red yet"
    assert "missing chart notes" in str(first["blocks"])
    body = str(last["blocks"])
    assert ":red_circle: missing chart notes" in body, "inside 90 days the hold-ups are red"
    assert "in 30 days" in body or "in 29 days" in body or "in 28 days" in body
    assert "police report" not in body, "hold-up notes stay on the case card"
    assert "42,000" not in body and "42000" not in body and "$" not in body, "no amounts"
    [button] = [e for b in last["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert button["action_id"] == OPEN_CASE and button["value"] == "PI-1"


def test_litigation_and_closed_cases_get_none_and_a_case_entered_inside_60_days_gets_the_60_day_alert_only(
    sfirm, clock, standin
):
    friday = date(2026, 11, 20)
    at(clock, friday, 7)
    for number in ("PI-LIT", "PI-DROP", "PI-OPEN"):
        services.create_case(
            sfirm, "UADMIN", number, "Jane Roe", manager="ULA", limitation_on=friday + timedelta(days=45)
        )
    services.close_case(
        sfirm, "UADMIN", "PI-LIT", "litigation", because="suit filed to protect the limitation date"
    )
    services.close_case(sfirm, "UADMIN", "PI-DROP", "dropped")
    notifier, _ = notifier_for(sfirm)
    state = SenderState()
    at(clock, friday, 10)
    tick(sfirm, notifier, state)
    assert [p["text"].split(": ")[1].split(" ")[0] for p in sol_alerts(standin, "DULA")] == ["PI-OPEN"]
    assert thresholds(standin, "DULA") == [60] and thresholds(standin, "DULEAD") == [60]
    for day in range(1, 20):  # up to 26 days left: no other alert
        at(clock, friday + timedelta(days=day), 11)
        tick(sfirm, notifier, state)
    assert thresholds(standin, "DULA") == [60, 30]
    assert {d.key.split(":")[1] for d in _deliveries(sfirm, "sol")} == {"PI-OPEN"}


def test_an_alert_claimed_for_a_case_that_goes_to_litigation_before_it_is_sent_is_not_sent(
    sfirm, clock, standin
):
    friday = date(2026, 11, 20)
    at(clock, friday, 10)
    services.create_case(
        sfirm, "UADMIN", "PI-1", "Jane Roe", manager="ULA", limitation_on=friday + timedelta(days=80)
    )
    standin.fail("chat.postMessage", status=503, times=1000)
    notifier, _ = notifier_for(sfirm, retries=0)
    tick(sfirm, notifier)
    assert {d.state for d in _deliveries(sfirm, "sol")} == {"pending"}
    services.close_case(
        sfirm, "UADMIN", "PI-1", "litigation", because="suit filed to protect the limitation date"
    )
    standin.reset()
    clock.advance(hours=1)
    tick(sfirm, notifier)
    assert sol_alerts(standin, "DULA") == [] and sol_alerts(standin, "DULEAD") == []
    assert {d.state for d in _deliveries(sfirm, "sol")} == {"skipped"}


def test_a_sol_alert_that_fails_is_retried_and_sent_once(sfirm, clock, standin):
    friday = date(2026, 11, 20)
    at(clock, friday, 10)
    services.create_case(
        sfirm, "UADMIN", "PI-1", "Jane Roe", manager="ULA", limitation_on=friday + timedelta(days=80)
    )
    services.log_contact(sfirm, "ULA", "PI-1")  # nothing else due: only the alerts go out
    standin.fail("chat.postMessage", status=500, times=3)
    notifier, _ = notifier_for(sfirm, retries=0)
    state = SenderState()
    for _ in range(8):
        tick(sfirm, notifier, state)
        clock.advance(minutes=5)
    sent = _deliveries(sfirm, "sol")
    assert sorted((d.user_id, d.state) for d in sent) == [("ULA", "sent"), ("ULEAD", "sent")]
    assert sum(d.attempts for d in sent) == 2 + 3
    # The stand-in records the failed posts too: each failure was retried and no success repeated.
    assert len(posts(standin)) == 2 + 3 and len({d.slack_ts for d in sent}) == 2


def test_an_away_managers_alert_goes_to_the_cover_and_a_corrected_date_alerts_again(sfirm, clock, standin):
    friday = date(2026, 11, 20)
    at(clock, friday, 7)
    services.create_case(
        sfirm, "UADMIN", "PI-1", "Jane Roe", manager="ULA", limitation_on=friday + timedelta(days=85)
    )
    services.set_away(sfirm, "ULA", cover="UCOVER")
    notifier, _ = notifier_for(sfirm)
    state = SenderState()
    at(clock, friday, 10)
    tick(sfirm, notifier, state)
    assert sol_alerts(standin, "DULA") == []
    [cover] = sol_alerts(standin, "DUCOVER")
    assert "<@ULA>, who is away" in cover["text"]
    assert thresholds(standin, "DULEAD") == [90]
    # A lawyer corrects the date: the new date is inside 60 days, so its own alert goes out.
    services.set_back(sfirm, "ULA")
    limitation.set_limitation(sfirm, "ULA", "PI-1", on=friday + timedelta(days=50))
    clock.advance(minutes=1)
    tick(sfirm, notifier, state)
    assert thresholds(standin, "DULA") == [60] and thresholds(standin, "DULEAD") == [90, 60]
    assert f"{friday + timedelta(days=50):%b %-d, %Y}" in sol_alerts(standin, "DULA")[0]["text"]


def test_the_digest_flags_red_limitation_hold_ups_and_an_offer_not_told(sfirm, clock, standin):
    at(clock, date(2026, 11, 16), 9)  # Monday
    services.create_case(
        sfirm,
        "UADMIN",
        "PI-RED",
        "Ann Red",
        manager="ULA",
        limitation_on=date(2026, 11, 20) + timedelta(days=45),
    )
    services.set_holdup(sfirm, "ULA", "PI-RED", "billing")
    services.create_case(
        sfirm,
        "UADMIN",
        "PI-CALM",
        "Bo Calm",
        manager="ULA",
        limitation_on=date(2026, 11, 20) + timedelta(days=300),
    )
    services.set_holdup(sfirm, "ULA", "PI-CALM", "billing")
    services.offer_received(sfirm, "ULA", "PI-CALM", Decimal("18000"))  # Monday; not told by Friday
    notifier, _ = notifier_for(sfirm)
    at(clock, date(2026, 11, 20), 8, 30)  # Friday
    tick(sfirm, notifier)
    [digest] = [c.params for c in posts(standin) if c.params["text"].startswith("Your casebot digest")]
    assert_valid_blocks(digest["blocks"])
    items = {
        b["text"]["text"].split("*")[1]: b["text"]["text"]
        for b in digest["blocks"]
        if b.get("block_id", "").startswith("item:")
    }
    assert ":red_circle: *limitation in 45 days*" in items["PI-RED"]
    assert ":red_circle: hold-up: missing billing" in items["PI-RED"]
    assert ":red_circle:" not in items["PI-CALM"], "300 days out: no red flag, hold-ups not flagged"
    assert (
        ":warning: the client was not told of the 1st offer (received Nov 16, 4 business days ago)"
        in items["PI-CALM"]
    )
    assert "limitation near: PI-RED." in digest["text"]
    assert "18,000" not in str(digest) and "18000" not in str(digest)


def test_the_digest_reads_its_flags_for_its_own_cases_in_one_query(sfirm, clock, monkeypatch):
    at(clock, date(2026, 11, 20), 7)
    services.create_case(sfirm, "UADMIN", "PI-1", "Jane Roe", manager="ULA", limitation_on=date(2027, 1, 4))
    services.create_case(
        sfirm, "UADMIN", "PI-2", "Bo Other", manager="UCOVER", limitation_on=date(2027, 1, 4)
    )
    for module, name in (
        (q, "all_cases"),
        (q, "open_cases"),
        (q, "active_obligations_of_manager"),
        (deadlines, "open_cases_with_limitation_by"),
        (q, "offers_not_told"),
    ):
        monkeypatch.setattr(module, name, lambda *a, **k: pytest.fail("read every case"))
    seen: list[list[str]] = []
    facts = deliveries.digest_case_facts
    monkeypatch.setattr(
        deliveries,
        "digest_case_facts",
        lambda s, numbers, **k: seen.append(list(numbers)) or facts(s, numbers, **k),
    )
    at(clock, date(2026, 11, 20), 9)
    claimed = claim_digests(sfirm, sfirm.now())
    messages = [sending.render(sfirm, d) for d in _deliveries(sfirm, "digest")]
    assert len(claimed) == 2 and sorted(seen) == [["PI-1"], ["PI-2"]], (
        "one query a digest, for its cases only"
    )
    assert all(m is not None and m.flags and m.flags[0].red for m in messages)


def test_the_monday_report_uploads_its_chart_once_even_when_the_first_upload_fails(sfirm, clock, standin):
    at(clock, date(2026, 11, 19), 7)
    services.create_case(sfirm, "UADMIN", "PI-1", "Jane Roe", manager="ULA")
    services.create_case(sfirm, "UADMIN", "PI-2", "Bo Other", manager="ULA")
    notifier, _ = notifier_for(sfirm)
    monday = date(2026, 11, 23)
    at(clock, monday, 8, 30)
    standin.fail("files.upload_bytes", status=500)
    state = SenderState()
    tick(sfirm, notifier, state)
    reports = [t for t in texts(standin, "DULEAD") if t.startswith("Weekly report")]
    assert len(reports) == 1
    assert (
        len(standin.calls_to("files.upload_bytes")) == 1
        and standin.calls_to("files.completeUploadExternal") == []
    )
    [chart] = _deliveries(sfirm, "weekly-chart")
    assert chart.key == "weekly-chart:ULEAD:2026-11-23" and chart.state == "pending" and chart.last_error
    for _ in range(5):
        clock.advance(minutes=2)
        tick(sfirm, notifier, state)
        tick(sfirm, notifier, SenderState())
    assert [t for t in texts(standin, "DULEAD") if t.startswith("Weekly report")] == reports, (
        "the text is not sent again"
    )
    uploads = standin.calls_to("files.upload_bytes")
    [complete] = standin.calls_to("files.completeUploadExternal")
    assert len(uploads) == 2
    assert uploads[-1].params["head"].startswith(PNG_SIGNATURE) and uploads[-1].params["length"] > 1000
    assert complete.params["channel_id"] == "DULEAD"
    [chart] = _deliveries(sfirm, "weekly-chart")
    assert chart.state == "sent" and chart.slack_ts == complete.params["files"][0]["id"]
    # The rest of the week: nothing more.
    at(clock, date(2026, 11, 24), 9)
    tick(sfirm, notifier, state)
    assert len(standin.calls_to("files.upload_bytes")) == 2


def test_the_chart_is_claimed_with_the_report_in_one_transaction(sfirm, clock):
    at(clock, date(2026, 11, 23), 9)
    assert digests.claim_weekly_reports(sfirm, sfirm.now()) == ["weekly:ULEAD:2026-11-23"]
    assert digests.claim_weekly_reports(sfirm, sfirm.now()) == []
    assert [d.key for d in _deliveries(sfirm, "weekly-chart")] == [
        alerts.weekly_chart_key("ULEAD", date(2026, 11, 23))
    ]

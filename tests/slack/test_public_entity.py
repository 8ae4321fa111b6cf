"""Suing a public entity: the earliest deadline that applies (AZ § 12-821, NY GML § 50-i, CA § 945.6), hand-counted
for every row; on the reply, the card, the calendar feed and the alerts; `public` refused where casebot holds no
rule; and the claim's own events (presented, rejected) end to end over the real HTTP server, signed like Slack."""

from __future__ import annotations

import json
import threading
import urllib.request
from dataclasses import replace
from datetime import date

import pytest
from icalendar import Calendar

from bot import services
from bot.delivery.calendar_feed import calendar_for
from bot.delivery.outbox import SenderState
from bot.delivery.sending import tick
from bot.entrypoints.app import http_server
from bot.rules.limitation_states import limitation_date
from bot.rules.public_entity import (
    PublicRefused,
    after_rejection_date,
    public_reading,
    public_suit,
)
from bot.rules.public_entity_table import CA_945_6, PUBLIC_REFUSALS, PUBLIC_SUITS
from bot.services.exports import export_data
from bot.services.firm import Firm
from handlers.blocks import all_text
from handlers.slack.standin import SlackStandIn
from storage import queries as q
from tests.kit.reminders import at, notifier_for, posts
from tests.kit.served import stop
from tests.kit.slack_bodies import sign, slash_body
from tests.kit.workspace import SECRET, Slack

D = date

# ---------------------------------------------------------------- the table, hand-counted

# (state, loss, the last day to sue the public entity, counted by hand)
HAND_COUNTED = [
    ("AZ", D(2025, 6, 14), D(2026, 6, 14)),  # one year: the anniversary
    ("AZ", D(2024, 2, 29), D(2025, 2, 28)),  # Feb 29 into a year without one: the earlier day
    ("NY", D(2025, 6, 14), D(2026, 9, 12)),  # 2026-06-14, then 16 + 31 + 31 + 12 = 90 days
    ("NY", D(2023, 12, 1), D(2025, 2, 28)),  # 90 days first: 2024-02-29 (30 + 31 + 29), then a year: Feb 28
    ("CA", D(2025, 6, 14), D(2027, 6, 14)),  # two years while no written notice of rejection is given
]


@pytest.fixture
def firm(firm: Firm) -> Firm:
    firm.settings = replace(firm.settings, public_base_url="https://casebot.example.com")
    return firm


@pytest.fixture
def workspace(workspace: Slack) -> Slack:
    services.set_role(workspace.firm, "UADMIN", "ULEAD", "lead")
    return workspace


@pytest.mark.parametrize(("state", "loss", "last"), HAND_COUNTED)
def test_every_public_entity_row_gives_the_hand_counted_day(state: str, loss: date, last: date) -> None:
    reading = public_reading(loss, state)
    assert reading.on == last and reading.name == "suit against a public entity"


def test_new_york_says_which_reading_of_a_year_and_ninety_days_it_kept() -> None:
    reading = public_reading(D(2023, 12, 1), "NY")
    assert reading.readings == (
        "counting the 90 days before the year gives 2025-02-28, after it 2025-03-01: the earlier, 2025-02-28, "
        "is kept",
    )
    assert public_reading(D(2025, 6, 14), "NY").readings == ()  # both readings agree


@pytest.mark.parametrize(
    ("notice", "months", "days", "kept"),
    [
        (D(2026, 1, 15), D(2026, 7, 15), D(2026, 7, 16), D(2026, 7, 15)),  # 16+28+31+30+31+30+16 = 182
        (D(2026, 3, 1), D(2026, 9, 1), D(2026, 8, 30), D(2026, 8, 30)),  # 30+30+31+30+31+30 = 182
        (D(2026, 8, 31), D(2027, 2, 28), D(2027, 3, 1), D(2027, 2, 28)),  # 30+31+30+31+31+28+1 = 182
    ],
)
def test_six_months_after_a_written_rejection_is_the_earlier_of_the_two_readings(
    notice: date, months: date, days: date, kept: date
) -> None:
    on, said = after_rejection_date(notice, CA_945_6)
    assert on == kept == min(months, days)
    assert f"six calendar months ({months:%Y-%m-%d})" in said and f"182 days ({days:%Y-%m-%d})" in said
    assert "Gonzales v. County of Los Angeles (1988) 199 Cal.App.3d 601" in said


@pytest.mark.parametrize(
    ("state", "day_before", "before", "day_of", "after"),
    [  # the ordinary period's days of change, and the day before each
        ("FL", D(2023, 3, 23), D(2027, 3, 23), D(2023, 3, 24), D(2025, 3, 24)),
        ("LA", D(2024, 7, 1), D(2025, 7, 1), D(2024, 7, 2), D(2026, 7, 2)),
    ],
)
def test_the_day_a_period_changed_and_the_day_before(
    state: str, day_before: date, before: date, day_of: date, after: date
) -> None:
    assert limitation_date(day_before, state) == before
    assert limitation_date(day_of, state) == after


def test_every_public_row_has_its_citation_words_source_and_last_checked_day() -> None:
    for row in PUBLIC_SUITS:
        assert row.statute and row.source.startswith("http"), row.state
        assert row.words.startswith("“") and "within" in row.words, row.state
        assert row.checked_on == D(2026, 12, 5), row.state
    for refusal in PUBLIC_REFUSALS:
        assert refusal.statute and refusal.reason and refusal.checked_on == D(2026, 12, 5)
    assert {r.state for r in PUBLIC_SUITS} == {"AZ", "CA", "NY"}
    for state in ("FL", "TX", "OH", "NJ", "LA", "MT"):
        assert public_suit(state) is None
        with pytest.raises(PublicRefused):
            public_reading(D(2025, 6, 14), state)


# ---------------------------------------------------------------- AZ and NY on the reply, card, feed, alerts


def _alerts(standin: SlackStandIn, channel: str, start: str) -> list[str]:
    return [
        c.params["text"]
        for c in posts(standin)
        if c.params["channel"] == channel and c.params.get("text", "").startswith(start)
    ]


def test_arizona_and_new_york_public_losses_show_the_public_entity_day_everywhere(
    workspace: Slack, standin: SlackStandIn, clock
) -> None:
    at(clock, D(2026, 6, 1), 10)  # a Monday: AZ's day is 13 days away, NY's 103
    workspace.case("U1", "new PI-105 Ann Zee 2026-05-01")
    workspace.case("U1", "new PI-106 Ned York 2026-05-01")
    az = workspace.case("U1", "sol PI-105 loss 2025-06-14 AZ public").all_text
    assert (
        "PI-105's limitation date is 2026-06-14 (suit against a public entity: 1 year from the loss on "
        "2025-06-14, Ariz. Rev. Stat. § 12-821(A); the ordinary period, 2 years under Ariz. Rev. Stat. "
        "§ 12-542(1), would end 2027-06-14): 13 days from today." in az
    )
    assert ":warning: The limitation date (2026-06-14) is in 13 days: tell a lawyer today." in az
    ny = workspace.case("U1", "sol PI-106 loss 2025-06-14 NY public").all_text
    assert "PI-106's limitation date is 2026-09-12 (suit against a public entity: 1 year and 90 days" in ny
    assert "N.Y. Gen. Mun. Law § 50-i(1)(c); the ordinary period, 3 years under N.Y. C.P.L.R. § 214(5)" in ny
    # The card
    card = workspace.case("U1", "show PI-105").all_text
    assert (
        ":red_circle: Statute of limitations: 2026-06-14" in card and "suit against a public entity" in card
    )
    assert "Statute of limitations: 2026-09-12" in workspace.case("U1", "show PI-106").all_text
    # The feed: the public-entity day, named, and never the day of the loss
    feed = calendar_for(workspace.firm, "U1")
    events = {str(e["UID"]): e for e in Calendar.from_ical(feed).walk("VEVENT")}
    sol105 = events["limitation-PI-105@casebot"]
    assert sol105.decoded("DTSTART") == D(2026, 6, 14)
    assert str(sol105["SUMMARY"]) == "Last day to sue (public entity): PI-105 (A.Z.)"
    assert events["limitation-PI-106@casebot"].decoded("DTSTART") == D(2026, 9, 12)
    assert b"2025-06-14" not in feed and b"Ann" not in feed
    # The alerts: AZ inside 30 days, NY inside 180, each to the manager and the lead
    notifier, _ = notifier_for(workspace.firm)
    tick(workspace.firm, notifier, SenderState())
    for channel in ("DU1", "DULEAD"):
        sent = _alerts(standin, channel, "Last day to sue a public entity")
        assert any("PI-105" in t and "Jun 14, 2026" in t for t in sent), sent
        assert any("PI-106" in t and "Sep 12, 2026" in t for t in sent), sent


def test_public_where_casebot_holds_no_rule_is_refused_and_changes_nothing(workspace: Slack) -> None:
    workspace.case("U1", "new PI-1 Tex Ash 2026-11-02")
    before = export_data(workspace.firm)
    refused = workspace.case("U1", "sol PI-1 loss 2026-03-02 TX public").all_text
    assert ":warning:" in refused and "casebot holds no rule for suing a public entity in TX" in refused
    assert "/case sol PI-1 &lt;YYYY-MM-DD&gt; loss 2026-03-02 TX public" in refused  # Slack shows <…>
    assert "/case claim-deadline PI-1 &lt;YYYY-MM-DD&gt;" in refused
    assert export_data(workspace.firm) == before
    fl = workspace.case("U1", "sol PI-1 loss 2026-03-02 FL public").all_text
    assert "Fla. Stat. § 768.28 sets its own periods" in fl and export_data(workspace.firm) == before


def test_a_passed_limitation_date_on_a_new_case_and_on_sol_is_said_loudly(workspace: Slack, clock) -> None:
    at(clock, D(2026, 12, 1), 10)
    new = workspace.case("U1", "new PI-2061 Chloé Martin 2026-11-01 sol 2025-08-14").all_text
    assert "Limitation date 2025-08-14 (entered): 474 days ago." in new
    assert ":warning: The limitation date (2025-08-14) passed 474 days ago: tell a lawyer today." in new
    workspace.case("U1", "new PI-2048 Jo Doe 2026-11-01")
    tn = workspace.case("U1", "sol PI-2048 loss 2025-11-01 TN").all_text
    assert "2026-11-01 (1 year from the loss on 2025-11-01" in tn and "30 days ago" in tn
    assert "Alerts at 180" not in tn and "It has passed" in tn
    assert ":warning: The limitation date (2026-11-01) passed 30 days ago: tell a lawyer today." in tn


# ---------------------------------------------------------------- the claim's events over the real HTTP server


def test_a_claim_presented_then_rejected_stops_its_alerts_and_alerts_the_new_suit_deadline(
    workspace: Slack, standin: SlackStandIn, clock
) -> None:
    at(clock, D(2026, 11, 2), 10)  # a Monday
    server = http_server(workspace.app, firm=workspace.firm, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}/slack/events"

    sent_n = iter(range(1, 100))

    def case(text: str) -> str:
        body = slash_body("/case", text, "U1", trigger_id=f"T.{next(sent_n)}")  # each request its own
        request = urllib.request.Request(
            url,
            data=body.encode(),
            headers={**sign(SECRET, body), "Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
            reply = json.loads(response.read().decode())
        workspace.ctx.drain()
        return str(reply.get("text", "")) + "\n" + all_text(reply.get("blocks") or [])

    try:
        notifier, _ = notifier_for(workspace.firm)
        state = SenderState()
        case("new PI-7 Cal Ifornia 2026-11-02")
        sol = case("sol PI-7 loss 2026-06-01 CA public")
        assert (
            "2028-06-01" in sol
            and "Cal. Gov. Code § 945.6(a)(2)" in sol
            and "present it by 2026-12-01" in sol
        )
        tick(workspace.firm, notifier, state)
        assert len(_alerts(standin, "DU1", "Claim deadline")) == 1  # 29 days before it: the 30-day alert

        presented = case("claim PI-7 presented 2026-11-02")
        assert "presented on 2026-11-02" in presented and "alerts have stopped" in presented
        at(clock, D(2026, 11, 17), 10)  # the 14-day mark
        tick(workspace.firm, notifier, state)
        assert len(_alerts(standin, "DU1", "Claim deadline")) == 1, "presented: no more claim alerts"
        assert "Claim against a public entity presented on 2026-11-02" in case("show PI-7")

        rejected = case("claim PI-7 rejected 2026-11-16")
        assert "rejected in writing on 2026-11-16" in rejected
        assert "The last day to sue is now 2027-05-16" in rejected  # six months; 182 days end 2027-05-17
        assert "Gonzales v. County of Los Angeles" in rejected and "casebot keeps the earlier" in rejected
        assert services.show_case(workspace.firm, "U1", "PI-7").limitation_on == D(2027, 5, 16)
        tick(workspace.firm, notifier, state)  # 180 days before it: alerted like any limitation date
        sent = _alerts(standin, "DU1", "Last day to sue a public entity")
        assert len(sent) == 1 and "May 16, 2027" in sent[0] and "PI-7" in sent[0]
        assert _alerts(standin, "DULEAD", "Last day to sue a public entity")
        card = case("show PI-7")
        assert "Statute of limitations: 2027-05-16" in card and "written rejection of 2026-11-16" in card

        undone = case("undo PI-7")
        assert "Undid" in undone
        back = services.show_case(workspace.firm, "U1", "PI-7")
        assert back.limitation_on == D(2028, 6, 1) and back.claim_done == "presented on 2026-11-02"
    finally:
        stop(server, thread)


def test_the_feed_sequence_grows_with_each_change_and_uids_carry_the_workspace(workspace: Slack) -> None:
    workspace.case("U1", "new PI-1 Jane Roe 2026-11-02 sol 2028-03-02")
    workspace.case("U1", "calendar")  # a link given in Slack records the firm's workspace

    def sequence() -> int:
        [event] = Calendar.from_ical(calendar_for(workspace.firm, "U1")).walk("VEVENT")
        assert str(event["UID"]) == "limitation-PI-1@t0casebot.casebot"
        return int(event["SEQUENCE"])

    first = sequence()
    workspace.case("U1", "sol PI-1 2028-03-01")
    second = sequence()
    workspace.case("U1", "undo PI-1")
    third = sequence()
    assert first < second < third


def test_a_claim_event_on_a_case_that_is_not_public_is_refused_and_changes_nothing(workspace: Slack) -> None:
    workspace.case("U1", "new PI-1 Jane Roe 2026-11-02")
    before = export_data(workspace.firm)
    answer = workspace.case("U1", "claim PI-1 presented 2026-11-02").all_text
    assert "PI-1 is not a claim against a public entity" in answer
    bad = workspace.case("U1", "claim PI-1 2026-11-02").all_text
    assert "is not what happened to the claim" in bad and "/case claim-deadline" in bad
    assert export_data(workspace.firm) == before
    with workspace.firm.db.uow() as s:
        assert q.get_case(s, "PI-1").claim_presented_on is None


def test_every_row_of_the_state_table_has_its_citation_words_and_last_checked_day() -> None:
    from bot.rules.limitation_table import CLAIM_DEADLINES, PERIODS

    missing = []
    for row in (*PERIODS, *CLAIM_DEADLINES):
        assert row.statute and row.source.startswith("http"), row
        assert D(2026, 11, 29) <= row.checked_on <= D(2026, 12, 5), row
        refused = getattr(row, "refuse", None)
        if not row.words and not refused:
            missing.append(row.state)
        if row.words:
            assert row.words.startswith("“"), (row.state, row.words)
    # Every row that computes a date quotes the statute's words: one without fails here.
    assert missing == [], sorted(missing)
    words = {r.state: r.words for r in PERIODS if not r.effective_from}
    assert "not specifically enumerated in this section must be brought within two years" in words["AL"]
    assert (
        "shall be brought but within two years from the date when the injury is first sustained"
        in words["CT"]
    )
    assert "may be brought only within 3 years of the act or omission complained of" in words["NH"]
    fl = [r for r in PERIODS if r.state == "FL"]
    assert fl[-1].statute.startswith("Fla. Stat. § 95.11(5)(a)") and fl[-1].checked_on == D(2026, 12, 5)
    la = [r for r in PERIODS if r.state == "LA"]
    assert "liberative prescription of two years" in la[-1].words and la[-1].checked_on == D(2026, 12, 5)


def test_the_leads_home_lists_a_near_or_passed_claim_deadline_until_it_is_presented(
    workspace: Slack, clock
) -> None:
    from bot.services.caseload import lead_overview

    at(clock, D(2026, 12, 1), 10)
    workspace.case("U1", "new PI-9 Nia York 2026-11-02")
    workspace.case("U1", "claim-deadline PI-9 2026-12-10")
    workspace.case("U1", "new PI-10 Far Away 2026-11-02")
    workspace.case("U1", "claim-deadline PI-10 2027-03-10")
    listed = lead_overview(workspace.firm, "ULEAD").claim_deadlines
    assert [(c.case, c.days_left) for c in listed] == [("PI-9", 9)]
    from handlers.home import home_view

    home = all_text(home_view(workspace.ctx, "ULEAD")["blocks"])
    assert "Claim deadlines against a public entity, near or passed" in home
    assert "*PI-9*" in home and "present by 2026-12-10 · 9 days left" in home
    workspace.case("U1", "claim PI-9 presented 2026-11-30")
    assert lead_overview(workspace.firm, "ULEAD").claim_deadlines == ()

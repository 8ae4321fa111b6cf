"""Issue 11 through the real HTTP server (waitress + Bolt) against the stand-in Slack: a case walked from the
first call to the client's decision, and each item of the issue as a case manager meets it: offers before
the demand, R3 on a partial receipt, R12 and the accounting conversation, the double-submit guard, telling
of the final offer, replies dated from the event, hold-ups, the card, talking points wherever an obligation
is shown, and what is coming up."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from typing import Any

from bot import services
from bot.entrypoints.console import run_console
from bot.entrypoints.operator import digest_command
from bot.services.firm import Firm
from handlers.blocks import all_text
from handlers.blocks.modals import ACCOUNTING_CHOICE
from handlers.render import render_blocks
from tests.kit.clock import Clock
from tests.kit.served import Server

D = date


def said(data: dict[str, Any]) -> str:
    return str(data.get("text", "")) + "\n" + all_text(data.get("blocks") or [])


def ok(http: Server, text: str, *, user: str = "U1", command: str = "/case") -> str:
    """A command that must succeed; answers what the person reads."""
    data = http.command(user, text, command)
    assert data["response_type"] == "ephemeral"
    shown = said(data)
    assert ":warning:" not in shown, (text, shown)
    return shown


def refused(http: Server, text: str, *, user: str = "U1", command: str = "/case") -> str:
    shown = said(http.command(user, text, command))
    assert ":warning:" in shown, (text, shown)
    return shown


def card(http: Server, number: str, user: str = "U1") -> str:
    return ok(http, f"show {number}", user=user)


def log_contact_form(http: Server, user: str, number: str, who: str, on: date) -> int:
    """The Log contact form submitted over HTTP, as Slack sends it."""
    state = {
        "kind": {"value": {"type": "radio_buttons", "selected_option": {"value": who}}},
        "on": {"value": {"type": "datepicker", "selected_date": on.isoformat()}},
        "note": {"value": {"type": "plain_text_input", "value": "went over the statement"}},
    }
    payload = {
        "type": "view_submission",
        "user": {"id": user},
        "api_app_id": "ACASEBOT",
        "token": "t",
        "team": {"id": "T0CASEBOT"},
        "trigger_id": "trig.v",
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": "log_contact_view",
            "private_metadata": json.dumps({"case": number}),
            "state": {"values": state},
            "hash": "1",
            "title": {"type": "plain_text", "text": "Log contact"},
            "blocks": [],
        },
    }
    return http.payload(payload)


def obligations_of(text: str) -> str:
    return text[text.index("Open obligations") :]


# ---------------------------------------------------------------- the whole case


def test_a_case_from_the_first_call_to_the_decision(http: Server, clock: Clock) -> None:
    """Records to the client's decision, day by day. The client is told of the final offer on the day the case
    enters settlement, and R12 stays open until the accounting conversation is logged (the form's choice)."""
    clock.set(D(2026, 9, 14))  # a Monday: treatment is complete, the first call
    ok(http, "new PI-3001 Jane Roe")
    first = card(http, "PI-3001")
    assert "no providers are recorded yet" in first and "0 places" not in first
    ok(http, "provider PI-3001 add Valley Orthopedics")
    ok(http, "provider PI-3001 add Bayside Imaging")
    assert "I see you went to 2 places — Valley Orthopedics, Bayside Imaging. Is there more?" in card(
        http, "PI-3001"
    )
    ok(http, "contacted PI-3001 client walked through what happens next")

    clock.set(D(2026, 10, 1))
    assert "Still owed: bills" in ok(http, "provider PI-3001 received 2 records")
    # R3 still counts from the request (Sep 14), not from the records arriving today.
    shown = card(http, "PI-3001")
    assert (
        "R3 provider · *due Sep 28 — 3 days overdue* · Follow up with Bayside Imaging on the outstanding bills"
        in shown
    )
    ok(http, "provider PI-3001 followed-up 2")
    assert "due Thu Oct 15" in obligations_of(card(http, "PI-3001"))

    clock.set(D(2026, 10, 5))  # the insurer offers early, before any demand
    early = ok(http, "received PI-3001 4,000", command="/offer")
    assert "came before the demand was sent, so PI-3001 stays at “Collecting records”" in early
    assert "Tell the client (R10, due today)" in early
    ok(http, "informed PI-3001 1", command="/offer")

    clock.set(D(2026, 10, 12))
    ok(http, "provider PI-3001 received 1 both")
    clock.set(D(2026, 10, 20))
    ok(http, "provider PI-3001 received 2 bills")
    clock.set(D(2026, 10, 21))
    moved = ok(http, "advance PI-3001")
    assert (
        "moved to “Waiting for a legal assistant” as of Wed Oct 21 (today)" in moved
        and "(R4, due today)" in moved
    )
    ok(http, "holdup PI-3001 wage-loss employer has not signed")
    queued = card(http, "PI-3001")
    assert "missing wage-loss authorization — employer has not signed (since Oct 21)" in queued
    assert "Do not give a time frame unless you are certain." in queued  # R4's talking point, on the card

    clock.set(D(2026, 10, 26))
    ok(http, "advance PI-3001")
    clock.set(D(2026, 11, 6))
    sent = ok(http, "demand PI-3001 sent adjuster Pat Lee")
    assert "Tell the client (R6, due today)" in sent
    assert (
        "Closed the hold-ups it was waiting on: missing wage-loss authorization — employer has not signed (since Oct 21)."
        in sent
    )
    shown = card(http, "PI-3001")
    assert "Hold-ups" not in shown and "The insurer has 30 days to acknowledge it." in shown
    ok(http, "contacted PI-3001 client told them the demand went out")

    clock.set(D(2026, 11, 16))
    ok(http, "demand PI-3001 ack")
    assert "*Demand sent, acknowledged Nov 16* for 10 days (since Nov 6)" in card(http, "PI-3001")

    clock.set(D(2026, 11, 20))
    assert "now at “Negotiating” as of Nov 20" in ok(http, "received PI-3001 9,000", command="/offer")
    ok(http, "informed PI-3001 2", command="/offer")
    clock.set(D(2026, 11, 24))
    final = ok(http, "received PI-3001 15,000 final", command="/offer")
    assert "now at “Final offer received” as of Nov 24" in final

    clock.set(D(2026, 11, 30))  # Monday: into settlement, and the client is told of the final offer that day
    settle = ok(http, "advance PI-3001")
    assert "moved to “Accounting and client decision” as of Mon Nov 30 (today)" in settle
    assert "/case contacted PI-3001 client accounting" in settle
    assert "told of the final offer on Mon Nov 30 (today)" in ok(
        http, "informed PI-3001 final", command="/offer"
    )
    shown = obligations_of(card(http, "PI-3001"))
    assert "R12 client · due today · Go over the accounting" in shown
    assert "It is the client's choice; advise only if asked." in shown
    assert "R11" not in shown, "telling the client of the final offer answered R11, not R12"
    due = ok(http, "due")
    assert "R12 client · due today" in due and "show the net both ways" in due
    assert "R12" in http.home() and "advise only if asked" in http.home()

    clock.set(D(2026, 12, 1))
    assert "PI-3001" in ok(http, "due") and "*due Nov 30 — 1 day overdue (1 business day)*" in ok(http, "due")
    assert log_contact_form(http, "U1", "PI-3001", ACCOUNTING_CHOICE, D(2026, 12, 1)) == 200
    assert "R12" not in obligations_of(card(http, "PI-3001"))
    closed = ok(http, "close PI-3001 settled")
    assert "Closed PI-3001 (Jane Roe) as settled" in closed
    assert services.show_case(http.slack.firm, "U1", "PI-3001").closed


# ---------------------------------------------------------------- each item


def _to_demand_stages(http: Server, number: str, *, on: str = "2026-10-01") -> None:
    ok(http, f"new {number} Jane Roe {on}")
    ok(http, f"provider {number} add Kaiser {on}")
    ok(http, f"provider {number} received 1 both {on}")
    ok(http, f"advance {number} {on}")
    ok(http, f"advance {number} {on}")


def test_an_offer_before_the_demand_leaves_the_stage_and_the_demand_can_still_be_sent(http: Server) -> None:
    ok(http, "new PI-5000 Sam Poe 2026-11-02")
    got = ok(http, "received PI-5000 5000 2026-11-25", command="/offer")
    assert "stays at “Collecting records”" in got and "R10" in got
    assert "*Collecting records*" in card(http, "PI-5000")
    refused(http, "advance PI-5000 negotiation")  # a plain member skips nothing
    ok(http, "provider PI-5000 add Kaiser 2026-11-02")
    ok(http, "provider PI-5000 received 1 both 2026-11-10")
    ok(http, "advance PI-5000 2026-11-10")
    assert "Demand on PI-5000 sent Mon Nov 16 — 10 days ago" in ok(http, "demand PI-5000 sent 2026-11-16")


def test_the_accounting_conversation_by_command_and_its_refusals(http: Server) -> None:
    _to_demand_stages(http, "PI-7")
    ok(http, "demand PI-7 sent 2026-10-02")
    refused_text = refused(http, "contacted PI-7 client accounting")
    assert "step 9" in refused_text
    assert "with the client" in refused(http, "contacted PI-7 adjuster accounting")
    ok(http, "received PI-7 9000 final 2026-11-20", command="/offer")
    ok(http, "advance PI-7 2026-11-23")
    ok(http, "contacted PI-7 client 2026-11-23 told them about the final offer")
    assert "R12 client" in obligations_of(card(http, "PI-7"))
    talked = ok(http, "contacted PI-7 client 2026-11-24 accounting went over both nets")
    assert "Logged the accounting conversation" in talked
    assert "R12" not in obligations_of(card(http, "PI-7"))


def test_only_a_repeated_plain_advance_by_the_same_person_is_refused(http: Server) -> None:
    _to_demand_stages(http, "PI-8")
    ok(http, "demand PI-8 sent 2026-10-02")
    ok(http, "received PI-8 20,000 final", command="/offer")
    assert "moved to “Accounting and client decision”" in ok(http, "advance PI-8")  # not a double submit
    ok(http, "new PI-9 Ann Lee 2026-10-01")
    ok(http, "provider PI-9 add Kaiser 2026-10-01")
    ok(http, "provider PI-9 received 1 both 2026-10-02")
    ok(http, "advance PI-9")
    again = refused(http, "advance PI-9")
    assert "already moved to “Waiting for a legal assistant” by <@U1>; nothing changed" in again
    assert "moved to “Demand being drafted”" in ok(http, "advance PI-9 2026-11-26")  # names its day


def test_telling_of_the_final_offer_and_of_one_already_told(http: Server) -> None:
    _to_demand_stages(http, "PI-3001")
    ok(http, "demand PI-3001 sent 2026-10-02")
    ok(http, "received PI-3001 20,000 final 2026-11-20", command="/offer")
    assert "told of the final offer on Mon Nov 23 — 3 days ago" in ok(
        http, "informed PI-3001 final 2026-11-23", command="/offer"
    )
    contacts = card(http, "PI-3001")
    again = refused(http, "informed PI-3001 final", command="/offer")
    assert "already told of the final offer on PI-3001 on Nov 23; nothing changed" in again
    assert card(http, "PI-3001") == contacts
    assert "no offer 7" in refused(http, "informed PI-3001 7", command="/offer")


def test_replies_to_back_dated_events_speak_of_their_own_day(http: Server) -> None:
    _to_demand_stages(http, "PI-3001")
    sent = ok(http, "demand PI-3001 sent 2026-11-06")
    assert "Tell the client (R6, due Nov 6 — 20 days overdue (12 business days))" in sent
    assert "today" not in sent.split("\n")[0]
    offer = ok(http, "received PI-3001 5,000 2026-11-20", command="/offer")
    assert "(R10, due Nov 20 — 6 days overdue (3 business days))" in offer


def test_hold_ups_shown_with_their_day_closed_by_the_demand_and_cleared_by_hand(http: Server) -> None:
    ok(http, "new PI-4 Jo Doe 2026-10-01 sol 2027-01-15")
    ok(http, "provider PI-4 add Kaiser 2026-10-01")
    ok(http, "provider PI-4 received 1 both 2026-10-02")
    ok(http, "advance PI-4 2026-10-05")
    ok(http, "holdup PI-4 chart-notes")
    ok(http, "holdup PI-4 billing")
    shown = card(http, "PI-4")
    assert ":red_circle: missing chart notes (since Nov 26)" in shown
    cleared = ok(http, "holdup PI-4 clear billing")
    assert "Cleared 1 hold-up on PI-4 as of Nov 26: missing billing (since Nov 26)." in cleared
    sent = ok(http, "demand PI-4 sent")
    assert "Closed the hold-ups it was waiting on: missing chart notes (since Nov 26)." in sent
    after = card(http, "PI-4")
    assert "Hold-ups" not in after and "red_circle: missing" not in after
    assert "demand has gone out" in refused(http, "holdup PI-4 wage-loss")


def test_the_card_flags_once_lists_providers_in_order_and_says_acknowledged(
    http: Server, clock: Clock
) -> None:
    ok(http, "new PI-2 Jane Roe 2026-09-01")
    ok(http, "provider PI-2 add Valley Orthopedics 2026-09-01")
    ok(http, "provider PI-2 add Bayside Imaging 2026-09-01")
    ok(http, "provider PI-2 received 1 both 2026-09-20")  # 1 is all in; 2 still owes: it carries a button
    shown = card(http, "PI-2")
    assert shown.index("1. Valley Orthopedics") < shown.index("2. Bayside Imaging")
    providers = shown[shown.index("Providers") : shown.index("Open obligations")]
    assert providers.count("slow") == 1 and "snail" not in shown
    console = render_blocks(http.command("U1", "show PI-2")["blocks"])
    assert "(slow) slow" not in console
    assert [line for line in console.splitlines() if "slow" in line and "Bayside" in line] == [
        "2. Bayside Imaging — owes records and bills, asked Sep 1 (86 days) · slow  [Mark received]"
    ]
    ok(http, "provider PI-2 received 2 both 2026-10-01")
    ok(http, "advance PI-2 2026-10-02")
    ok(http, "advance PI-2 2026-10-05")
    ok(http, "demand PI-2 sent 2026-11-06")
    ok(http, "demand PI-2 ack 2026-11-16")
    assert "*Demand sent, acknowledged Nov 16*" in card(http, "PI-2")
    assert "awaiting acknowledgment" not in card(http, "PI-2")


def test_one_age_across_the_card_due_overdue_home_and_the_digest(http: Server, clock: Clock) -> None:
    ok(http, "new PI-1 Jane Roe 2026-07-30")
    age = "due Jul 30 — 119 days overdue (81 business days)"
    for text in (card(http, "PI-1"), ok(http, "due"), ok(http, "overdue"), http.home()):
        assert age in text
    out = io.StringIO()
    digest_command(http.slack.firm, http.slack.firm.today(), dry_run=True, out=out)  # Thanksgiving: forced
    assert age in out.getvalue()


def test_talking_points_wherever_the_manager_sees_the_obligation(http: Server, clock: Clock) -> None:
    clock.set(D(2026, 11, 27))
    _to_demand_stages(http, "PI-6", on="2026-11-16")
    ok(http, "demand PI-6 sent")  # R6 due today, its talking point: the insurer's 30 days
    point = "The insurer has 30 days to acknowledge it."
    assert point in card(http, "PI-6")
    assert point in ok(http, "due")
    assert point in http.home()
    out = io.StringIO()
    assert digest_command(http.slack.firm, dry_run=True, out=out) == 0
    assert point in out.getvalue()
    clock.set(D(2026, 11, 30))
    ok(http, "new PI-61 Sam Poe")  # R1 today, and R6 of PI-6 overdue
    assert digest_command(http.slack.firm, out=io.StringIO()) == 0
    digests = [c for c in http.slack.standin.calls_to("chat.postMessage") if "digest" in c.params["text"]]
    text = all_text(digests[-1].params["blocks"])
    assert point in text and "no providers are recorded yet" in text
    assert "0 places" not in text


def test_a_digest_item_names_talking_points_that_do_not_fit(http: Server) -> None:
    from handlers.blocks.digests import item_text

    ok(http, "new PI-1 Jane Roe 2026-11-25")
    item = services.due_for(http.slack.firm, ["U1"])[0]
    long = item._replace(talking_points=tuple("word " * 70 for _ in range(12)))
    text = item_text(long)
    assert len(text) <= 3000
    assert re.search(r"…\d+ more talking points? on the card: `/case show PI-1`", text)


def test_coming_up_on_a_saturday_lists_the_next_five_business_days(http: Server, clock: Clock) -> None:
    clock.set(D(2026, 11, 16))
    ok(http, "new PI-1 Jane Roe")  # R2 due Mon Nov 30
    clock.set(D(2026, 11, 20))
    ok(http, "new PI-2 Sam Poe")  # R2 due Fri Dec 4
    clock.set(D(2026, 11, 28))  # Saturday
    due = ok(http, "due")
    assert "*Due today* (0)" in due
    assert "*Coming up* — the next 5 business days (2)" in due
    for heading in (
        "*Mon Nov 30* (0)",
        "*Tue Dec 1* (0)",
        "*Wed Dec 2* (0)",
        "*Thu Dec 3* (0)",
        "*Fri Dec 4* (1)",
    ):
        assert heading in due or heading.replace("(0)", "(1)") in due
    coming = due[due.index("*Coming up*") :]
    monday = coming[coming.index("*Mon Nov 30*") : coming.index("*Tue Dec 1*")]
    assert "*PI-1* Jane Roe · R2 client · due Mon Nov 30" in monday
    assert "*PI-2* Sam Poe · R2 client · due Fri Dec 4" in coming[coming.index("*Fri Dec 4*") :]
    shown = http.home()
    assert "*Coming up* — the next 5 business days" in shown and "*Fri Dec 4* (1)" in shown
    assert shown.index("*Overdue*") < shown.index("*Coming up*")


def test_the_console_shows_talking_points_and_coming_up(firm: Firm, clock: Clock) -> None:
    clock.set(D(2026, 11, 27))
    out = io.StringIO()
    script = "/case new PI-1 Jane Roe 2026-11-16\n/case show PI-1\n/case due\n"
    assert run_console(firm, as_user="U1", stdin=io.StringIO(script), stdout=out) == 0
    shown = out.getvalue()
    assert "◦ Ask where they were treated: no providers are recorded yet" in shown
    assert "Coming up — the next 5 business days" in shown and "Mon Nov 30" in shown

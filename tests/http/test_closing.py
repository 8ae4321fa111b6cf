"""Issue 18 item 5, closing needs its facts, through the real HTTP server (waitress + Bolt, signed requests)
against the Slack stand-in, typed the way a manager types it: `/case close PI-2043 settled` from "Collecting
records" is refused with what is missing and the command that records it, and changes nothing (the export
before and after is identical); a lead closes with `because <reason>`, which shows on `/case history`; once
the facts are recorded the manager closes, and the reply names the client so a mistyped number is seen."""

from __future__ import annotations

from datetime import date

import pytest

from bot.services.exports import export_data
from tests.kit.clock import Clock
from tests.kit.replies import refused, shown
from tests.kit.served import Server

MON_NOV_30 = date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _monday(clock: Clock) -> None:
    clock.set(MON_NOV_30)


@pytest.fixture
def http(http: Server) -> Server:
    http.command("UADMIN", "role <@ULEAD> lead")
    return http


def ok(http: Server, text: str, user: str = "U1", command: str = "/case") -> str:
    said = shown(http.command(user, text, command))
    assert ":warning:" not in said and ":x:" not in said, (text, said)
    return said


def stage_of(http: Server, number: str) -> str:
    return next(c["stage"] for c in export_data(http.slack.firm)["cases"] if c["number"] == number)


def collecting_records(http: Server) -> None:
    ok(http, "new PI-2043 Renée Dubois 2026-10-01")
    ok(http, "provider PI-2043 add Sutter Health 2026-10-01")


def demand_sent(http: Server) -> None:
    """PI-2043 with its records in and its demand out (no offer yet)."""
    collecting_records(http)
    ok(http, "provider PI-2043 received 1 both 2026-10-20")
    ok(http, "advance PI-2043 2026-10-21")
    ok(http, "advance PI-2043 2026-10-22")
    ok(http, "demand PI-2043 sent 2026-10-23 adjuster Karen Wu")


def test_the_issues_line_from_collecting_records_is_refused_with_what_is_missing(http: Server) -> None:
    collecting_records(http)
    said = refused(http, "close PI-2043 settled")
    assert (
        "PI-2043 (“Renée Dubois”) is at “Collecting records”: no final offer is recorded and the accounting "
        "conversation (step 9) is not logged. Record the final offer with /offer received PI-2043 "
        "&lt;amount&gt; final." in said
    )
    assert (
        "A lead or an admin can close it anyway, giving the reason: "
        "/case close PI-2043 settled because &lt;reason&gt;. Nothing changed." in said
    )
    assert "Example: `/offer received PI-2043 45,000 final`" in said
    assert "Usage: `/case close <case-no> settled|litigation|dropped [because <reason…>]`" in said
    # Every obligation is still open: nothing was cancelled.
    assert "R1 client" in ok(http, "show PI-2043") and stage_of(http, "PI-2043") == "records"


def test_a_manager_cannot_close_without_the_facts_even_with_a_reason(http: Server) -> None:
    collecting_records(http)
    said = refused(http, "close PI-2043 settled because client signed release early")
    assert "no final offer is recorded" in said
    assert "Only a lead or an admin can close it without that, with a reason." in said


def test_a_lead_closes_with_a_reason_and_it_shows_on_the_history(http: Server) -> None:
    collecting_records(http)
    said = refused(http, "close PI-2043 settled", user="ULEAD")
    assert "You can close it anyway, giving the reason: /case close PI-2043 settled because" in said

    reply = ok(http, "close PI-2043 settled because client signed release early", user="ULEAD")
    assert (
        "Closed PI-2043 (Renée Dubois) as settled without a final offer or the accounting conversation, "
        "because “client signed release early” (kept on its history); its open obligations were cancelled."
        in reply
    )
    assert stage_of(http, "PI-2043") == "settled"
    history = ok(http, "history PI-2043")
    newest = [line for line in history.splitlines() if line.startswith("*")][1]
    assert newest == (
        "*Mon Nov 30 10:00* · <@ULEAD> · closed the case as settled, from “Collecting records” "
        "— “client signed release early”"
    )
    exported = next(c for c in export_data(http.slack.firm)["cases"] if c["number"] == "PI-2043")
    assert exported["stages"][-1]["reason"] == "client signed release early"


def test_with_the_final_offer_recorded_the_manager_closes_and_the_reply_names_the_client(
    http: Server,
) -> None:
    demand_sent(http)
    ok(http, "received PI-2043 45,000 final 11/20", command="/offer")
    ok(http, "new PI-2034 Omar Haddad 2026-10-01")  # the number one transposition away
    refused(http, "close PI-2034 settled")  # Omar's case has no offer: a mistyped number closes nothing
    reply = ok(http, "close PI-2043 settle")  # `settle` is settled
    assert "Closed PI-2043 (Renée Dubois) as settled; its open obligations were cancelled." in reply
    assert stage_of(http, "PI-2043") == "settled" and stage_of(http, "PI-2034") == "records"


def test_litigation_needs_the_demand_out_or_the_clients_decision(http: Server) -> None:
    collecting_records(http)
    said = refused(http, "close PI-2043 litigation")
    assert "its demand has not gone out and the client's decision (step 9) is not recorded" in said
    assert "/case advance PI-2043, then /case demand PI-2043 sent" in said
    ok(http, "provider PI-2043 received 1 both 2026-10-20")
    ok(http, "advance PI-2043 2026-10-21")
    said = refused(http, "close PI-2043 litigation")
    assert "Record the demand when it goes out with /case demand PI-2043 sent." in said
    assert "Example: `/case demand PI-2043 sent`" in said
    ok(http, "advance PI-2043 2026-10-22")
    ok(http, "demand PI-2043 sent 2026-10-23")
    reply = ok(http, "close PI-2043 litigation")
    assert "Closed PI-2043 (Renée Dubois) as litigation; its open obligations were cancelled." in reply


def test_at_step_9_the_accounting_conversation_is_the_clients_decision(http: Server) -> None:
    demand_sent(http)
    ok(http, "advance PI-2043 settlement 2026-11-02 because settled at mediation", user="ULEAD")
    said = refused(http, "close PI-2043 settled")
    assert "Log that conversation with /case contacted PI-2043 client accounting" in said
    ok(http, "contacted PI-2043 client accounting went over the statement, she settles")
    reply = ok(http, "close PI-2043 settled")
    assert "Closed PI-2043 (Renée Dubois) as settled" in reply


def test_a_voided_accounting_conversation_does_not_count(http: Server) -> None:
    demand_sent(http)
    ok(http, "advance PI-2043 settlement 2026-11-02 because settled at mediation", user="ULEAD")
    ok(http, "contacted PI-2043 client accounting went over the statement")
    ok(http, "fix PI-2043 contact void because that was PI-2034's call")
    refused(http, "close PI-2043 settled")


def test_dropped_needs_no_facts_and_keeps_a_reason_given(http: Server) -> None:
    collecting_records(http)
    reply = ok(http, "close PI-2043 dropped because client stopped returning calls")
    assert (
        "Closed PI-2043 (Renée Dubois) as dropped, because “client stopped returning calls”; "
        "its open obligations were cancelled." in reply
    )


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("close PI-2043 setled", "/case close PI-2043 settled"),
        ("close PI-2043 litigaton", "/case close PI-2043 litigation"),
        ("close PI-2043 droped because no injury", "/case close PI-2043 dropped because no injury"),
    ],
)
def test_an_outcome_typed_with_a_typo_is_asked_about(http: Server, typed: str, meant: str) -> None:
    collecting_records(http)
    said = refused(http, typed, user="ULEAD")
    assert "did you mean `" in said and "Nothing was recorded." in said
    assert f"Example: `{meant}`" in said


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("close PI-2043 won", "“won” is not settled, litigation or dropped."),
        ("close PI-2043", "Say whether it settled, litigation or dropped."),
        ("close PI-2043 settled because", "Say why after “because”."),
        ("close PI-2043 settled today", "I don't know what to do with “today”"),
    ],
)
def test_other_bad_closes_are_refused_and_change_nothing(http: Server, typed: str, says: str) -> None:
    collecting_records(http)
    assert says in refused(http, typed, user="ULEAD")


def test_the_client_and_the_reason_are_shown_as_typed(http: Server) -> None:
    ok(http, "new PI-9 Bo <b>Bold</b> & Co 2026-10-01")
    said = refused(http, "close PI-9 settled")
    assert "PI-9 (“Bo &lt;b&gt;Bold&lt;/b&gt; &amp; Co”)" in said
    reply = ok(http, "close PI-9 settled because <!here> *signed*", user="UADMIN")
    assert "Closed PI-9 (Bo &lt;b&gt;Bold&lt;/b&gt; &amp; Co) as settled" in reply
    assert "<!here>" not in reply and "&lt;!here&gt;" in reply

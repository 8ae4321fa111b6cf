"""`casebot console`'s pretend client: `text <number> <words…>` and `mail <address> <words…>` go through the
same inbound service as Twilio's webhook and the SMTP listener, and the console prints the DM the manager
gets and whatever casebot answers the client; a line it can't read says how to type it and changes nothing.
No Twilio and no mail server: texts and email are printed, as a newcomer's console prints them."""

from __future__ import annotations

import io

import pytest

from bot.entrypoints.console import HELP, run_console
from bot.services.exports import export_data
from bot.services.firm import Firm
from tests.kit.client_updates import client_settings, with_clients

SETUP = [
    "/case new PI-2041 Ana Rivera 2026-11-02",
    "/case client PI-2041 phone (305) 555-0123",
    "/case client PI-2041 email ana.rivera@example.com",
    "/case client PI-2041 consent sms yes engagement letter",
]


@pytest.fixture
def live(firm: Firm) -> Firm:
    """A firm whose client messages are printed (no Twilio, no mail server), with its name and phone set."""
    return with_clients(firm, client_settings(hold=10))


def console(firm: Firm, *lines: str) -> str:
    out = io.StringIO()
    assert run_console(firm, as_user="U1", stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out) == 0
    return out.getvalue()


def after(out: str, line: str) -> str:
    """What the console printed for `line` (up to the next prompt)."""
    return out.split(f"U1> {line}\n", 1)[1].split("\nU1> ", 1)[0]


def test_a_pretend_text_brings_the_managers_dm_opens_r15_and_a_reply_closes_it(live: Firm) -> None:
    out = console(
        live,
        *SETUP,
        "text +13055550123 ¿cuándo me pagan? Tuve otra resonancia.",
        "/case due 2026-11-27",
        "/case reply PI-2041 Hola Ana, le llamo mañana a las 10.",
        "wait 11",
        "/case due 2026-11-27",
    )
    got = after(out, "text +13055550123 ¿cuándo me pagan? Tuve otra resonancia.")
    assert got.startswith("── A text from (305) 555-0123, to casebot: it is on PI-2041;")
    assert "── DM ──\nPI-2041 · Ana Rivera wrote" in got
    assert "> ¿cuándo me pagan? Tuve otra resonancia." in got
    assert "Answer by Fri Nov 27 (R15)" in got
    assert "[Log as contact]  [Reply]  [Not this case]" in got
    assert "/case reply PI-2041 <words…>" in got  # how to answer without the buttons
    assert "R15 client · due Fri Nov 27" in after(out, "/case due 2026-11-27")

    sent = after(out, "wait 11")
    assert (
        "── SMS to +13055550123 (not sent: texts are not configured) ──\nHola Ana, le llamo mañana a las 10."
        in sent
    )
    assert "R15" not in out.rsplit("U1> /case due 2026-11-27", 1)[1]
    [_, reply] = export_data(live)["cases"][0]["client_messages"]
    assert (reply["direction"], reply["by"], reply["status"]) == ("out", "U1", "sent")


def test_stop_is_answered_once_and_an_unknown_number_goes_to_the_leads(live: Firm) -> None:
    out = console(
        live,
        *SETUP,
        "text (305)555-0123 STOP",
        "text +13055550123 stop",
        "text +13055550777 Soy el esposo de Ana",
    )
    stop = after(out, "text (305)555-0123 STOP")
    assert "STOP: texts to that number are off at once" in stop
    assert "> STOP" in stop and "Texts to this client are off now" in stop
    assert stop.endswith(
        "── SMS to +13055550123 (not sent: texts are not configured) ──\n"
        "Rivera Law: You are unsubscribed and will get no more texts from us. Reply START to get them again. "
        "Questions? Call (305) 555-0100."
    )
    assert "── SMS" not in after(out, "text +13055550123 stop")  # nothing after a STOP
    unknown = after(out, "text +13055550777 Soy el esposo de Ana")
    assert "no case can claim that number, so the leads get it by DM" in unknown
    assert "A text from an unknown number" in unknown and "> Soy el esposo de Ana" in unknown
    consents = export_data(live)["cases"][0]["client_consents"]
    assert [(c["granted"], c["source"]) for c in consents][-1] == (False, "the client texted STOP")


def test_a_pretend_email_answers_casebots_email_once_it_has_gone(live: Firm) -> None:
    out = console(
        live,
        *SETUP,
        "mail ana.rivera@example.com Hola",
        "/case update PI-2041 email send",
        "wait 11",
        "mail ana.rivera@example.com Gracias, ¿y el cheque?",
    )
    assert "casebot has sent ana.rivera@example.com no email that a reply could come back to." in after(
        out, "mail ana.rivera@example.com Hola"
    )
    got = after(out, "mail ana.rivera@example.com Gracias, ¿y el cheque?")
    assert got.startswith("── An email from ana.rivera@example.com, to casebot: it is on PI-2041;")
    assert "Ana Rivera emailed you" in got and "> Gracias, ¿y el cheque?" in got
    messages = export_data(live)["cases"][0]["client_messages"]
    assert [(m["direction"], m["channel"]) for m in messages] == [("out", "email"), ("in", "email")]


def test_a_line_it_cannot_read_says_how_to_type_it_and_changes_nothing(live: Firm) -> None:
    console(live, *SETUP)
    before = export_data(live)
    bad = [
        (
            "text",
            "Which number texts, and what does it say? For example: text +13055550123 ¿cuándo me pagan?",
        ),
        ("text 305 hola", "“305” is not a phone number (type it in one piece, area code included)."),
        ("text (305) 555-0123 hola", "“(305)” is not a phone number"),
        ("text +13055550123", "Type the client's words after the number."),
        ("text +13055550123 " + "a" * 1601, "A text holds at most 1,600 characters; that one has 1,601."),
        ("mail nope hola", "“nope” is not an email address. For example: mail ana.rivera@example.com"),
        ("mail ana.rivera@example.com", "Type the client's words after the address."),
    ]
    out = console(live, *(line for line, _ in bad))
    for line, said in bad:
        assert said in after(out, line), line
    assert "── DM" not in out and "── SMS" not in out
    assert {k: v for k, v in export_data(live).items() if k != "exported_at"} == {
        k: v for k, v in before.items() if k != "exported_at"
    }


def test_the_consoles_help_names_both_words() -> None:
    assert "text <number> <words…>" in HELP and "mail <address> <words…>" in HELP

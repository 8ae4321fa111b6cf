"""Issue 22 through the real HTTP server (waitress + Bolt) with the Slack stand-in, the project's Twilio stand-in
(signed webhooks as Twilio signs them, the real `twilio` package sending) and, for email, a relay and casebot's
own SMTP listener on loopback: a client's reply reaches the manager's DM once however often it is delivered,
R15 opens and closes, STOP / no más / START / HELP act at once with one answer each, a forged request changes
nothing, and an email reply (Spanish Gmail quote included) reaches the manager with only its new text.
SQLite and PostgreSQL."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import urlencode

import pytest

from bot.services.client_updates import send_update
from bot.services.exports import export_data
from bot.services.firm import Firm
from tests.kit.client_replies import DOMAIN, World, gmail_reply, open_world, smtp_to_casebot, token_of
from tests.kit.client_updates import case_with_client
from tests.kit.clock import Clock


@pytest.fixture
def world(firm: Firm, clock: Clock) -> Iterator[World]:
    with open_world(firm, clock) as opened:
        yield opened


def test_a_signed_text_reaches_the_manager_once_and_its_r15_closes_on_reply(
    world: World, clock: Clock
) -> None:
    case_with_client(world.firm)
    status, sid = world.text("¿Cuándo me pagan? Tuve otra resonancia el viernes.")
    assert status == 200
    assert world.text("¿Cuándo me pagan? Tuve otra resonancia el viernes.", sid=sid)[0] == 200  # again
    world.send()
    world.send()
    [dm] = world.dms("U1")
    assert "PI-2041 · Ana Rivera texted you" in dm
    assert "> ¿Cuándo me pagan? Tuve otra resonancia el viernes." in dm
    assert "Answer by *Tue Dec 8* (R15)" in dm
    assert "Log as contact" in dm and "Reply" in dm and "Not this case" in dm
    [r15] = [row for row in world.due() if row["rule"] == "R15"]
    assert (r15["case"], r15["kind"], r15["due"]) == ("PI-2041", "client", "2026-12-08")
    assert r15["reason"] == "The client wrote on Dec 7 (text): answer them"

    clock.advance(minutes=20)  # the manager answers a little later
    shown = world.command(
        "reply PI-2041 Hola Ana, el pago llega después del acuerdo. Le llamo mañana a las 10."
    )
    assert "Your reply to PI-2041's client goes by text to (305) 555-0123" in shown
    world.send()
    assert world.texts_to()[-1] == "Hola Ana, el pago llega después del acuerdo. Le llamo mañana a las 10."
    assert [row for row in world.due() if row["rule"] == "R15"] == []
    messages = world.command("messages PI-2041")
    assert messages.index("Le llamo mañana") < messages.index("¿Cuándo me pagan?")  # newest first
    assert "← *Text from the client*" in messages and "→ *Text by <@U1>*" in messages
    exported = export_data(world.firm)["cases"][0]["client_messages"]
    assert [(m["direction"], m["channel"]) for m in exported] == [("in", "sms"), ("out", "sms")]


def test_stop_opts_out_at_once_with_one_confirmation_and_the_next_update_is_refused(world: World) -> None:
    case_with_client(world.firm, language="es")
    assert world.text("STOP")[0] == 200
    world.send()
    assert world.texts_to() == [
        "Rivera Law: Se dio de baja; no recibirá más mensajes de texto. Responda START para volver. "
        "Llame al (305) 555-0100."
    ]
    assert world.text("Stop.")[0] == 200  # nothing after a STOP
    world.send()
    assert len(world.texts_to()) == 1
    assert "opted out of texts (STOP)" in world.update_refused()
    consents = export_data(world.firm)["cases"][0]["client_consents"]
    assert [(c["granted"], c["source"], c["by"]) for c in consents][-1] == (
        False,
        "the client texted STOP",
        "client",
    )
    assert any("texted STOP" in dm for dm in world.dms("U1"))
    assert [row for row in world.due() if row["rule"] == "R15"] == []  # a keyword asks for no answer

    assert world.text("COMENZAR")[0] == 200
    world.send()
    assert world.texts_to()[-1] == (
        "Rivera Law: Volverá a recibir mensajes de su caso. Responda AYUDA para ayuda o STOP para parar."
    )
    consents = export_data(world.firm)["cases"][0]["client_consents"]
    assert [(c["granted"], c["source"]) for c in consents][-1] == (True, "the client texted COMENZAR")

    assert world.text("ayuda")[0] == 200
    world.send()
    assert world.texts_to()[-1] == (
        "Rivera Law: Ayuda con su caso: llame al (305) 555-0100. Responda STOP para no recibir más mensajes."
    )


def test_no_mas_opts_out_and_start_opts_back_in_in_english(world: World) -> None:
    case_with_client(world.firm)
    assert world.text("¡No más!")[0] == 200
    world.send()
    assert world.texts_to() == [
        "Rivera Law: You are unsubscribed and will get no more texts from us. Reply START to get them again. "
        "Questions? Call (305) 555-0100."
    ]
    assert "opted out of texts (STOP)" in world.update_refused()
    assert world.text("START")[0] == 200
    world.send()
    assert world.texts_to()[-1].startswith("Rivera Law: You will get texts about your case again.")
    assert send_update(world.firm, "U1", "PI-2041", channel="sms").preview.channel == "sms"


def test_a_request_to_stop_in_words_stops_texts_and_asks_the_manager(world: World) -> None:
    case_with_client(world.firm, language="es")
    assert world.text("Por favor no me manden más mensajes")[0] == 200
    world.send()
    assert world.texts_to() == []  # no keyword: no automatic answer, a person confirms
    [dm] = world.dms("U1")
    assert "reads like a request to stop texts" in dm and "Yes: no more texts" in dm
    assert "has not agreed to texts" in world.update_refused()


def test_a_forged_or_unsigned_request_gets_403_and_changes_nothing(world: World) -> None:
    case_with_client(world.firm)
    world.slack.ctx.drain()  # the Home tabs the setup's changes republish (and the rows they read) are done
    before = export_data(world.firm)
    assert world.text("STOP", signature="forged+signature=")[0] == 403
    assert world.text("STOP", signature="")[0] == 403
    world.firm.settings = replace(world.firm.settings, public_base_url="https://casebot.riveralaw.example")
    assert world.text("STOP")[0] == 403  # signed for another address
    after = export_data(world.firm)
    assert {k: v for k, v in after.items() if k != "exported_at"} == {
        k: v for k, v in before.items() if k != "exported_at"
    }
    world.send()  # and nothing was queued: no text goes, no DM about it
    assert export_data(world.firm)["cases"] == before["cases"]
    assert world.texts_to() == [] and world.dms("U1") == []


def test_a_text_from_an_unknown_number_goes_to_the_leads(world: World) -> None:
    case_with_client(world.firm)
    assert world.text("Hi, this is Ana's husband, she's in hospital", sender="+13055550777")[0] == 200
    world.send()
    [dm] = [d for d in world.dms("UADMIN") if "unknown number" in d]  # no lead named: the admins
    assert "A text from an unknown number" in dm and "(305) 555-0777" in dm and "Ana's husband" in dm
    assert world.dms("U1") == [] and world.texts_to("+13055550777") == []


def test_an_email_reply_through_the_smtp_listener_reaches_the_manager_with_only_its_new_text(
    world: World, clock: Clock
) -> None:
    case_with_client(world.firm, language="es", phone=None)
    send_update(world.firm, "U1", "PI-2041", channel="email")
    world.send()
    [sent] = world.relay.mails
    reply_to = str(sent["Reply-To"])
    token = token_of(sent)
    assert reply_to == f"reply+{token}@{DOMAIN}" and str(sent["Message-ID"]) == f"<{token}@{DOMAIN}>"

    with smtp_to_casebot(world.firm) as smtp:
        smtp.sendmail("maria.lopez@gmail.com", [reply_to], gmail_reply(token))
        smtp.sendmail("maria.lopez@gmail.com", [reply_to], gmail_reply(token))  # again
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            smtp.sendmail("x@example.com", [f"reply+{'a' * 32}@{DOMAIN}"], b"Subject: x\r\n\r\nhi\r\n")
    world.send()
    [dm] = [d for d in world.dms("U1") if "emailed you" in d]
    assert (
        "> Hola Dana, gracias por avisarme.\n> ¿Cuándo me pagan? Tuve otra resonancia la semana pasada." in dm
    )
    assert "escribió" not in dm and "Ramos Law" not in dm and "STOP" not in dm
    assert [row["rule"] for row in world.due() if row["rule"] == "R15"] == ["R15"]

    clock.advance(minutes=20)
    world.command("reply PI-2041 Hola Ana, el pago llega después del acuerdo.")
    world.send()
    answer = world.relay.mails[-1]
    assert str(answer["In-Reply-To"]) == "<CAF3kq9xN2eN+3vWcQ@mail.gmail.com>"
    assert str(answer["Reply-To"]).startswith("reply+") and str(answer["Reply-To"]) != reply_to
    assert [row for row in world.due() if row["rule"] == "R15"] == []


def test_urlencode_matches_what_twilio_posts() -> None:
    # Twilio posts the form as application/x-www-form-urlencoded; the stand-in's helper is what the tests use.
    assert urlencode({"Body": "¿Sí?"}) == "Body=%C2%BFS%C3%AD%3F"

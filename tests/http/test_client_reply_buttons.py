"""The buttons on a client's DM, clicked over the real HTTP server (waitress + Bolt, signed as Slack signs)
with the Slack and Twilio stand-ins: Reply opens its form, and the form's words reach the client once by the
channel they last used, close R15 and redraw the DM; a form with nothing or too much in it is refused on its
field and sends nothing; Not this case and Log as contact do what they say in the DM itself; someone who may
not see the case is refused and nothing changes. And what casebot logs meanwhile names no client's words and
no number. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from bot.services.client_updates import send_update
from bot.services.exports import export_data
from bot.services.firm import Firm
from handlers.blocks import all_text
from handlers.blocks.client_replies import (
    CONFIRM_STOP,
    KEEP_TEXTING,
    NOT_THIS_CASE,
    REPLY_CLIENT,
    REPLY_VIEW,
)
from handlers.blocks.digests import LOG_CONTACT
from tests.kit.client_replies import (
    CLIENT,
    DOMAIN,
    World,
    buttons_of,
    gmail_reply,
    open_world,
    smtp_to_casebot,
    token_of,
)
from tests.kit.client_updates import case_with_client
from tests.kit.clock import Clock

QUESTION = "¿Cuándo me pagan? Tuve otra resonancia el viernes."
ANSWER = "Hola Ana, el pago llega después del acuerdo. Le llamo mañana a las 10."


@pytest.fixture
def world(firm: Firm, clock: Clock) -> Iterator[World]:
    with open_world(firm, clock) as opened:
        yield opened


def texted(world: World, words: str = QUESTION) -> None:
    """The client's text arrives (Twilio delivers it twice) and the scheduler's tick brings the DM."""
    status, sid = world.text(words)
    assert status == 200 and world.text(words, sid=sid)[0] == 200
    world.send()


def r15(world: World) -> list[dict[str, object]]:
    return [row for row in world.due() if row["rule"] == "R15"]


def opened_form(world: World) -> dict[str, object]:
    [call] = [c for c in world.slack.standin.calls if c.method == "views.open"]
    view = call.params["view"]
    assert isinstance(view, dict) and view["callback_id"] == REPLY_VIEW
    return view


def test_the_reply_form_sends_the_managers_words_once_closes_r15_and_redraws_the_dm(
    world: World, clock: Clock
) -> None:
    case_with_client(world.firm)
    texted(world)
    [dm_text] = world.dms("U1")  # delivered twice, told once
    assert QUESTION in dm_text
    assert [(r["case"], r["due"]) for r in r15(world)] == [("PI-2041", "2026-12-08")]
    dm = world.client_dm()

    clock.advance(minutes=20)
    status, posted = world.click(dm, REPLY_CLIENT)
    assert status == 200 and posted == []  # the form opens; nothing else is said
    view = opened_form(world)
    assert "*PI-2041* · to Ana Rivera by text at (305) 555-0123" in all_text(view["blocks"])  # type: ignore[arg-type]
    assert json.loads(str(view["private_metadata"]))["ts"] == dm.ts

    status, ack = world.submit(view, ANSWER)
    assert (status, ack) == (200, {})  # the form closes
    [update] = [c.params for c in world.slack.standin.calls if c.method == "chat.update"]
    assert (update["channel"], update["ts"]) == (dm.channel, dm.ts)
    redrawn = all_text(update["blocks"])
    assert "> ¿Cuándo me pagan?" in redrawn  # the client's words stay
    assert "Your reply to *PI-2041*'s client goes by text to (305) 555-0123. It goes now." in redrawn
    assert "`/case undo PI-2041` cancels it while it is held" in redrawn
    assert not {REPLY_CLIENT, NOT_THIS_CASE, LOG_CONTACT} & {
        e["action_id"] for e in buttons_of(update["blocks"])
    }

    world.send()
    world.send()
    assert world.texts_to() == [ANSWER]  # once
    assert r15(world) == []
    contacts = export_data(world.firm)["cases"][0]["contacts"]
    assert [(c["kind"], c["by"], c["channel"]) for c in contacts][-1] == ("client", "U1", "sms")
    messages = world.command("messages PI-2041")
    assert messages.index("Le llamo mañana") < messages.index("¿Cuándo me pagan?")
    assert "→ *Text by <@U1>*" in messages


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("   \n  ", "Write your reply to the client, e.g. Thanks, I'll call you tomorrow morning."),
        ("a" * 1601, "That reply is 1601 characters; a text holds 1600."),
    ],
)
def test_a_form_with_nothing_or_too_much_in_it_is_refused_on_its_field_and_sends_nothing(
    world: World, typed: str, said: str
) -> None:
    case_with_client(world.firm)
    texted(world)
    world.click(world.client_dm(), REPLY_CLIENT)
    view = opened_form(world)
    before = export_data(world.firm)

    status, ack = world.submit(view, typed)
    assert status == 200
    assert ack == {"response_action": "errors", "errors": {"text": said}}
    assert world.unchanged_since(before)
    world.send()
    assert world.texts_to() == []
    assert [c for c in world.slack.standin.calls if c.method == "chat.update"] == []
    assert len(r15(world)) == 1


def test_not_this_case_takes_the_message_off_in_the_dm_and_the_leads_get_it(world: World) -> None:
    case_with_client(world.firm)
    texted(world, "Hi, is my appointment still on Friday?")
    dm = world.client_dm()

    status, [answer] = world.click(dm, NOT_THIS_CASE)
    assert status == 200 and answer["replace_original"] is True
    shown = all_text(answer["blocks"])
    assert "> Hi, is my appointment still on Friday?" in shown
    assert "Took that message off PI-2041; the leads will route it." in shown
    assert buttons_of(answer["blocks"]) == []
    assert r15(world) == []
    world.send()
    [routed] = [d for d in world.dms("UADMIN") if "A text to route" in d]
    assert "Hi, is my appointment still on Friday?" in routed and "(305) 555-0123" in routed

    before = export_data(world.firm)
    status, [again] = world.click(dm, NOT_THIS_CASE)  # the same button, from a stale copy of the DM
    assert "That message was taken off PI-2041 already." in all_text(again["blocks"])
    assert again.get("replace_original") is False
    assert world.unchanged_since(before)


def test_log_as_contact_closes_r15_in_the_dm(world: World, clock: Clock) -> None:
    case_with_client(world.firm)
    texted(world)
    clock.advance(minutes=5)  # the manager called the client back
    status, [answer] = world.click(world.client_dm(), LOG_CONTACT)
    assert status == 200 and answer["replace_original"] is True
    shown = all_text(answer["blocks"])
    assert "> ¿Cuándo me pagan?" in shown and "✓" in shown and "PI-2041" in shown
    assert buttons_of(answer["blocks"]) == []
    assert r15(world) == []
    contacts = export_data(world.firm)["cases"][0]["contacts"]
    assert [(c["kind"], c["by"]) for c in contacts][-1] == ("client", "U1")
    world.send()
    assert world.texts_to() == []  # logging a contact sends the client nothing


def test_no_keep_texting_answers_in_the_dm_and_leaves_its_other_buttons(world: World) -> None:
    case_with_client(world.firm, language="es")
    texted(world, "Por favor no me manden más mensajes")
    assert "has not agreed to texts" in world.update_refused()
    dm = world.client_dm()
    assert {CONFIRM_STOP, KEEP_TEXTING, REPLY_CLIENT} <= {e["action_id"] for e in buttons_of(dm.blocks)}

    status, [answer] = world.click(dm, KEEP_TEXTING)
    assert status == 200 and answer["replace_original"] is True
    assert "Texts to PI-2041's client are on again." in all_text(answer["blocks"])
    left = {e["action_id"] for e in buttons_of(answer["blocks"])}
    assert CONFIRM_STOP not in left and KEEP_TEXTING not in left and REPLY_CLIENT in left
    assert ":warning:" not in world.command("update PI-2041 sms")  # texts may go again


@pytest.mark.parametrize("action", [REPLY_CLIENT, NOT_THIS_CASE, LOG_CONTACT])
def test_someone_who_may_not_see_the_case_is_refused_and_nothing_changes(world: World, action: str) -> None:
    case_with_client(world.firm)
    texted(world)
    dm = world.client_dm()
    before = export_data(world.firm)
    status, [answer] = world.click(dm, action, user="U2")
    assert status == 200 and answer.get("replace_original") is False
    shown = all_text(answer["blocks"]) + str(answer.get("text"))
    assert ":warning:" in shown or ":no_entry:" in shown or "can't" in shown
    assert "Ana Rivera" not in shown and "Cuándo" not in shown
    assert [c for c in world.slack.standin.calls if c.method == "views.open"] == []
    assert world.unchanged_since(before)
    assert len(r15(world)) == 1


def test_logs_name_no_words_and_no_number_of_any_message_either_way(
    world: World, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    case_with_client(world.firm)
    texted(world)
    clock.advance(minutes=5)
    world.click(world.client_dm(), REPLY_CLIENT)
    world.submit(opened_form(world), ANSWER)
    world.command("reply PI-2041 Otra cosa: traiga la carta del seguro.")
    world.send()
    assert world.text("STOP")[0] == 200
    assert world.text("Soy el esposo de Ana", sender="+13055550777")[0] == 200
    send_update(world.firm, "U1", "PI-2041", channel="email")
    world.send()
    token = token_of(world.relay.mails[-1])
    with smtp_to_casebot(world.firm) as smtp:
        smtp.sendmail("maria.lopez@gmail.com", [f"reply+{token}@{DOMAIN}"], gmail_reply(token))
    world.send()
    assert len(world.texts_to()) == 3 and len(world.relay.mails) == 1  # the scenario ran…
    assert any("gracias por avisarme" in d for d in world.dms("U1")) and caplog.records  # …and logged

    logged = caplog.text
    for secret in (
        "Cuándo",
        "resonancia",
        "Hola Ana",
        "traiga la carta",
        "esposo",
        "se dio de baja",
        "unsubscribed",
        CLIENT,
        "3055550123",
        "555-0123",
        "555-0777",
        "Ana Rivera",
        "ana.rivera",
        "maria.lopez",
        "gracias por avisarme",
        "Hola Dana",
        token,
    ):
        assert secret.lower() not in logged.lower(), secret

"""Clients' replies in the services, on SQLite and PostgreSQL: which case a text belongs to, who is told, the
manager's buttons (Not this case, Yes / No to a request to stop), /case messages and /case reply refusals;
and the keyword answers' templates. No Slack, no carrier: what was recorded and what was claimed."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from bot import services as sv
from bot.errors import CasebotError, InputError, NotAllowed, PreconditionNotMet
from bot.rules.client_details import sms_segments
from bot.rules.keyword_replies import keyword_reply
from bot.rules.keywords import Keyword
from bot.services import client_conversation as conv
from bot.services.client_replies import CLIENT_WROTE, UNKNOWN_NUMBER, receive_text
from bot.services.client_updates import send_update
from bot.services.clients import set_client_detail
from bot.services.exports import export_data
from bot.services.firm import Firm
from storage.client_models import ClientMessage
from storage.models import Case, Delivery, Obligation
from tests.kit.client_updates import case_with_client, client_settings, with_clients
from tests.kit.clock import Clock

CLIENT = "+13055550123"


@pytest.fixture
def live(firm: Firm, clock: Clock) -> Firm:
    clock.set(date(2026, 12, 7), time(10, 0))
    return with_clients(firm, client_settings(twilio_base="http://127.0.0.1:9", hold=10))


def text(firm: Firm, body: str, *, sid: str, sender: str = CLIENT) -> str:
    return receive_text(firm, sid=sid, sender=sender, to="+13055550199", body=body).what


def claimed(firm: Firm, kind: str) -> list[Delivery]:
    with firm.db.uow() as s:
        return list(s.scalars(select(Delivery).where(Delivery.kind == kind).order_by(Delivery.id)))


def open_r15(firm: Firm) -> list[str]:
    with firm.db.uow() as s:
        rows = s.scalars(select(Obligation).where(Obligation.rule == "R15", Obligation.state == "open"))
        return [o.key for o in rows]


def test_a_text_goes_to_the_case_casebot_last_texted_at_that_number(live: Firm) -> None:
    case_with_client(live, "PI-1")
    case_with_client(live, "PI-2")  # the same client number on a second case
    with live.db.uow() as s:
        second = s.scalar(select(Case.id).where(Case.number == "PI-2"))
        assert second is not None
        s.add(
            ClientMessage(
                case_id=second,
                direction="out",
                channel="sms",
                to_addr=CLIENT,
                body="x",
                status="sent",
                by="U1",
                created_at=live.now(),
            )
        )
    assert receive_text(live, sid="SMa1", sender=CLIENT, to="+1", body="hola").case == "PI-2"


def test_a_number_on_two_open_cases_with_no_text_sent_goes_to_the_leads(live: Firm) -> None:
    case_with_client(live, "PI-1")
    case_with_client(live, "PI-2")
    assert text(live, "hola", sid="SMa1") == "unknown"
    [dm] = claimed(live, UNKNOWN_NUMBER)
    assert dm.user_id == "UADMIN" and dm.payload["cases"] == ["PI-1", "PI-2"]
    assert claimed(live, CLIENT_WROTE) == [] and open_r15(live) == []


def test_the_same_message_twice_is_recorded_once(live: Firm) -> None:
    case_with_client(live)
    assert text(live, "hola", sid="SMa1") == "message"
    assert text(live, "hola", sid="SMa1") == "duplicate"
    assert len(claimed(live, CLIENT_WROTE)) == 1 and len(open_r15(live)) == 1


def test_a_cover_gets_it_while_the_manager_is_away(live: Firm) -> None:
    case_with_client(live)
    sv.set_away(live, "U1", until=date(2026, 12, 14), cover="U2")
    text(live, "hola", sid="SMa1")
    [dm] = claimed(live, CLIENT_WROTE)
    assert dm.user_id == "U2" and dm.payload["for"] == "U1"


def test_not_this_case_takes_it_off_cancels_r15_and_tells_the_leads(live: Firm) -> None:
    case_with_client(live)
    text(live, "hola", sid="SMa1")
    [dm] = claimed(live, CLIENT_WROTE)
    message_id = int(dm.payload["message"])
    with pytest.raises(NotAllowed):
        conv.not_this_case(live, "U2", message_id)
    assert len(open_r15(live)) == 1
    assert "off PI-2041" in conv.not_this_case(live, "U1", message_id).message
    assert open_r15(live) == []
    [lead] = claimed(live, UNKNOWN_NUMBER)
    assert lead.payload["not_case"] == "PI-2041" and lead.payload["by"] == "U1"
    with pytest.raises(CasebotError):
        conv.not_this_case(live, "U1", message_id)


def test_a_request_to_stop_in_words_stops_texts_until_the_manager_says_no(live: Firm) -> None:
    case_with_client(live)
    assert text(live, "please stop texting me", sid="SMa1") == "stop-request"
    message_id = int(claimed(live, CLIENT_WROTE)[0].payload["message"])
    with pytest.raises(PreconditionNotMet):
        send_update(live, "U1", "PI-2041", channel="sms")
    assert "on again" in conv.answer_stop_request(live, "U1", message_id, stop=False).message
    consents = export_data(live)["cases"][0]["client_consents"]
    assert [(c["granted"], c["by"]) for c in consents][-2:] == [(False, "client"), (True, "U1")]
    with pytest.raises(CasebotError):  # it no longer stops anything
        conv.answer_stop_request(live, "U1", message_id, stop=False)


def test_messages_are_shown_newest_first_a_page_at_a_time_to_who_may_see_the_case(live: Firm) -> None:
    case_with_client(live)
    for n in range(12):
        text(live, f"mensaje {n}", sid=f"SMa{n}")
    first = conv.conversation(live, "U1", "pi-2041")
    assert (first.page, first.pages) == (1, 2)
    assert [m.text for m in first.messages][:2] == ["mensaje 11", "mensaje 10"]
    assert [m.text for m in conv.conversation(live, "U1", "PI-2041", 2).messages] == [
        "mensaje 1",
        "mensaje 0",
    ]
    with pytest.raises(InputError):
        conv.conversation(live, "U1", "PI-2041", 3)
    with pytest.raises(NotAllowed) as refused:
        conv.conversation(live, "U2", "PI-2041")
    assert "Ana" not in refused.value.message


def test_a_reply_is_refused_and_nothing_queued_without_consent_or_anything_to_answer(live: Firm) -> None:
    case_with_client(live, consent=False)
    before = export_data(live)["cases"][0]["client_messages"]
    with pytest.raises(PreconditionNotMet):  # the client has not written: nothing to reply to
        conv.reply_to_client(live, "U1", "PI-2041", "hola")
    text(live, "hola", sid="SMa1")
    with pytest.raises(PreconditionNotMet) as refused:  # wrote by text, but never agreed to texts
        conv.reply_to_client(live, "U1", "PI-2041", "hola")
    assert "not agreed to texts" in refused.value.message
    with pytest.raises(InputError):
        conv.reply_to_client(live, "U1", "PI-2041", "   ")
    after = export_data(live)["cases"][0]["client_messages"]
    assert (
        [m for m in after if m["direction"] == "out"] == [m for m in before if m["direction"] == "out"] == []
    )


def test_a_keyword_on_a_changed_number_concerns_the_new_number_only(live: Firm) -> None:
    case_with_client(live)
    set_client_detail(live, "U1", "PI-2041", "phone", "(305) 555-0124")
    assert text(live, "STOP", sid="SMa1") == "unknown"  # the old number is no case's now


@pytest.mark.parametrize("keyword", list(Keyword))
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_keyword_answer_names_the_firm_and_fits_two_segments(keyword: Keyword, language: str) -> None:
    answer = keyword_reply(keyword, language, "Rivera & Asociados Abogados", "(305) 555-0100")
    assert answer.startswith("Rivera & Asociados: ")  # the firm's name, cut at a word to 20 characters
    assert "(305) 555-0100" in answer or keyword is Keyword.START
    assert sms_segments(answer).count <= 2
    assert "STOP" in answer or keyword is Keyword.STOP


@pytest.mark.parametrize("language", ["en", "es"])
def test_with_no_firm_phone_set_an_answer_asks_no_one_to_call_a_blank(language: str) -> None:
    stop, help_ = (keyword_reply(k, language, "Rivera Law", "") for k in (Keyword.STOP, Keyword.HELP))
    assert stop.endswith(("Reply START to get them again.", "Responda START para volver."))
    assert help_ in (
        "Rivera Law: For help with your case, reply with your question. Reply STOP to opt out.",
        "Rivera Law: Ayuda con su caso: responda con su pregunta. Responda STOP para no recibir más mensajes.",
    )
    assert "call" not in (stop + help_).lower() and "llame" not in stop + help_

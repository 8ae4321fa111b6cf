"""The DMs a client's message brings, as pure Block Kit: the words quoted and escaped, the buttons each kind
of message gets. No Slack, no database."""

from __future__ import annotations

import json
from datetime import date, datetime

from bot.delivery.reply_messages import ClientWroteMessage, UnknownNumberMessage
from bot.services.client_conversation import ReplyQueued
from handlers.blocks.client_replies import (
    CONFIRM_STOP,
    KEEP_TEXTING,
    NOT_THIS_CASE,
    REPLY_CLIENT,
    ReplyForm,
    build_client_answered,
    build_client_wrote,
    build_reply_modal,
    build_unknown_number,
    read_reply_metadata,
)
from handlers.blocks.digests import LOG_CONTACT
from handlers.blocks.kit import all_text


def wrote(**kw: object) -> ClientWroteMessage:
    base: dict[str, object] = dict(
        user_id="UDANA",
        day=date(2026, 12, 7),
        case="PI-2041",
        client="María López",
        manager="UDANA",
        channel="sms",
        text="¿Cuándo me pagan? <!here> *ya*",
        received_at=datetime(2026, 12, 7, 10, 41),
        what="message",
        message_id=17,
        obligation_id=99,
        due_on=date(2026, 12, 8),
    )
    base.update(kw)
    return ClientWroteMessage(**base)  # type: ignore[arg-type]


def buttons(blocks: list[dict[str, object]]) -> dict[str, str]:
    return {
        e["action_id"]: e["value"]  # type: ignore[index]
        for b in blocks
        if b.get("type") == "actions"
        for e in b["elements"]  # type: ignore[attr-defined]
    }


def test_a_client_text_reaches_the_owner_quoted_escaped_with_its_three_buttons() -> None:
    text, blocks = build_client_wrote(wrote())
    shown = all_text(blocks)
    assert "*PI-2041* · María López texted you · Mon Dec 7, 10:41 AM" in shown
    assert "> ¿Cuándo me pagan? &lt;!here&gt; \u200b*\u200bya\u200b*\u200b" in shown
    assert "Answer by *Tue Dec 8* (R15)" in shown
    found = buttons(blocks)
    assert json.loads(found[LOG_CONTACT]) == {"o": 99, "c": "PI-2041"}
    assert found[REPLY_CLIENT] == "17" and found[NOT_THIS_CASE] == "17"
    assert any(b.get("block_id") == "ob:99" for b in blocks)  # the digest's Log contact marks this row done
    assert text.startswith("PI-2041 · María López texted you")


def test_a_cover_sees_whose_client_it_is() -> None:
    _, blocks = build_client_wrote(wrote(user_id="UCOVER", covering_for="UDANA"))
    assert "(for <@UDANA>, who is away)" in all_text(blocks)


def test_stop_says_texts_are_off_and_offers_no_reply_button() -> None:
    text, blocks = build_client_wrote(wrote(text="STOP", what="stop", obligation_id=None, due_on=None))
    assert "texted STOP" in text
    assert "Texts to this client are off now" in all_text(blocks)
    assert buttons(blocks) == {}


def test_a_request_to_stop_in_words_asks_the_manager_to_confirm() -> None:
    _, blocks = build_client_wrote(wrote(text="no me manden más mensajes", what="stop-request"))
    found = buttons(blocks)
    assert found[CONFIRM_STOP] == "17" and found[KEEP_TEXTING] == "17"
    assert "reads like a request to stop texts" in all_text(blocks)


def test_an_email_says_emailed() -> None:
    text, blocks = build_client_wrote(wrote(channel="email", attachments=1))
    assert "emailed you" in text and "1 attachment(s) not shown" in all_text(blocks)


def test_an_unknown_number_goes_to_a_lead_with_the_words_and_no_case() -> None:
    text, blocks = build_unknown_number(
        UnknownNumberMessage("ULEAD", date(2026, 12, 7), "(305) 555-0199", "who is this? <@U1>", 0)
    )
    assert text == "A text from an unknown number, (305) 555-0199."
    assert (
        "<@U1>" not in all_text(blocks)
        and "&lt;@" in all_text(blocks)
        and "No case has this number." in all_text(blocks)
    )


def test_the_reply_form_carries_the_message_and_case() -> None:
    view = build_reply_modal(17, "PI-2041", "María López", "sms", "(305) 555-0123")
    assert read_reply_metadata(view["private_metadata"]) == ReplyForm(17, "PI-2041")
    assert read_reply_metadata("garbage") is None
    assert "by text at (305) 555-0123" in all_text(view["blocks"])


def test_the_reply_form_remembers_the_dm_it_came_from_only_when_slack_named_one() -> None:
    view = build_reply_modal(17, "PI-2041", "María López", "sms", "(305) 555-0123", dm=("DU1", "1.000001"))
    assert read_reply_metadata(view["private_metadata"]) == ReplyForm(17, "PI-2041", "DU1", "1.000001")
    crafted = json.dumps({"m": 17, "c": "PI-2041", "ch": "#general", "ts": "1.1"})
    assert read_reply_metadata(crafted) == ReplyForm(17, "PI-2041")


def test_once_answered_the_dm_keeps_the_words_and_says_where_the_reply_goes_instead_of_its_buttons() -> None:
    queued = ReplyQueued(
        "PI-2041", "sms", "(305) 555-0123", 18, datetime(2026, 12, 7, 10, 51), False, hold_minutes=10
    )
    text, blocks = build_client_answered(wrote(), queued)
    shown = all_text(blocks)
    assert text.startswith("PI-2041 · María López texted you")
    assert "> ¿Cuándo me pagan? &lt;!here&gt;" in shown
    assert (
        "goes by text to (305) 555-0123. It goes at Mon Dec 7, 10:51 AM, after the 10-minute hold." in shown
    )
    assert buttons(blocks) == {}

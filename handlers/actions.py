"""Buttons on the case card (Log contact, Advance, Mark received, Client told of offer) and the overdue list's
Previous and Next."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import services
from bot.errors import InputError
from handlers.blocks import (
    ADVANCE,
    LOG_CONTACT,
    OFFER_INFORMED,
    OVERDUE_NEXT,
    OVERDUE_PREVIOUS,
    PROVIDER_RECEIVED,
    UNDO,
    Reply,
    build_case_card,
    build_log_contact_modal,
    esc_message,
    fit,
    read_page_value,
    read_undo_value,
    section,
    undo_button,
    user_text,
)
from handlers.commands import overdue_reply
from handlers.context import Context
from handlers.refusals import refusal

log = logging.getLogger(__name__)


def _value(body: dict[str, Any]) -> str:
    return str((body.get("actions") or [{}])[0].get("value") or "")


def _channel(body: dict[str, Any]) -> str | None:
    return (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")


def handle_log_contact(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: dict[str, Any]
) -> None:
    ack()
    ctx: Context = context["casebot"]
    try:
        ctx.people.check(body["user"]["id"])
        services.check_may_see(ctx.firm, body["user"]["id"], _value(body))
    except Exception as exc:
        _tell(ctx, respond, refusal(exc, doing="open the log-contact form", user=body["user"]["id"]))
        return
    client.views_open(
        trigger_id=body["trigger_id"],
        view=build_log_contact_modal(_value(body), ctx.firm.today(), channel=_channel(body)),
    )


def _change(
    ctx: Context, body: dict[str, Any], respond: Respond, do: Callable[[str], services.Outcome]
) -> None:
    """Check the person, make the change, then show the message and the card as they now stand."""
    actor = body["user"]["id"]
    try:
        ctx.people.check(actor)
        outcome = do(actor)
    except Exception as exc:
        _tell(ctx, respond, refusal(exc, doing="handle a button", user=actor))
        return
    text = esc_message(outcome.message, user_text(outcome.card) if outcome.card is not None else ())
    accessory = undo_button(outcome.card.number, outcome.undo) if outcome.card and outcome.undo else None
    reply = Reply(text, [section(f":white_check_mark: {text}", accessory)])
    if outcome.card is not None:
        card = build_case_card(outcome.card, ctx.firm.today())
        reply = Reply(text, fit(reply.blocks + card.blocks))
    _tell(ctx, respond, reply, replace=True)


def _tell(ctx: Context, respond: Respond, reply: Reply, *, replace: bool = False) -> None:
    # Posting to response_url is a round trip to Slack: it goes after the ack, off the request thread.
    ctx.later(
        respond, text=reply.text, blocks=reply.blocks, response_type="ephemeral", replace_original=replace
    )


def handle_advance(ack: Ack, body: dict[str, Any], respond: Respond, context: dict[str, Any]) -> None:
    ack()
    try:
        value = json.loads(_value(body))
        number, expected = str(value["case"]), str(value["expected"])
    except (ValueError, KeyError, TypeError):
        _tell(
            context["casebot"],
            respond,
            refusal(InputError("That button is out of date; open the card again.")),
        )
        return
    _change(
        context["casebot"],
        body,
        respond,
        lambda actor: services.advance(context["casebot"].firm, actor, number, expected=expected),
    )


def handle_provider_received(
    ack: Ack, body: dict[str, Any], respond: Respond, context: dict[str, Any]
) -> None:
    ack()
    number, seq, what = (_value(body).split("|") + ["", "", ""])[:3]
    _change(
        context["casebot"],
        body,
        respond,
        lambda actor: services.provider_received(context["casebot"].firm, actor, number, seq, what or "both"),
    )


def handle_offer_informed(ack: Ack, body: dict[str, Any], respond: Respond, context: dict[str, Any]) -> None:
    ack()
    number, _, n = _value(body).partition("|")
    _change(
        context["casebot"],
        body,
        respond,
        lambda actor: services.offer_informed(
            context["casebot"].firm, actor, number, int(n) if n.isdigit() else None
        ),
    )


def handle_undo(ack: Ack, body: dict[str, Any], respond: Respond, context: dict[str, Any]) -> None:
    """Undo under a change's reply: that change only, and only while it is the case's latest."""
    ack()
    ctx: Context = context["casebot"]
    found = read_undo_value(_value(body))
    if found is None:
        _tell(ctx, respond, refusal(InputError("That button is out of date; nothing was undone.")))
        return
    number, change = found
    _change(ctx, body, respond, lambda actor: services.undo_change(ctx.firm, actor, number, audit_id=change))


def handle_overdue_page(ack: Ack, body: dict[str, Any], respond: Respond, context: dict[str, Any]) -> None:
    """Previous or Next under `/case overdue`: the list as it stands now, at the page the button names."""
    ack()
    ctx: Context = context["casebot"]
    page, user = read_page_value(_value(body))
    ctx.later(_show_overdue_page, ctx, respond, body["user"]["id"], page, user)


def _show_overdue_page(ctx: Context, respond: Respond, actor: str, page: int, user: str | None) -> None:
    try:
        ctx.people.check(actor)
        reply, replace = overdue_reply(ctx, actor, user, page), True
    except Exception as exc:
        reply = refusal(exc, doing="show a page of the overdue list", page=page, user=actor)
        replace = False
    respond(text=reply.text, blocks=reply.blocks, response_type="ephemeral", replace_original=replace)


def register(app: App, ctx: Context) -> None:
    app.action(LOG_CONTACT)(handle_log_contact)
    app.action(ADVANCE)(handle_advance)
    app.action(re.compile(rf"^{PROVIDER_RECEIVED}(:\d+)?$"))(handle_provider_received)
    app.action(re.compile(rf"^{OFFER_INFORMED}(:\d+)?$"))(handle_offer_informed)
    app.action(OVERDUE_PREVIOUS)(handle_overdue_page)
    app.action(OVERDUE_NEXT)(handle_overdue_page)
    app.action(UNDO)(handle_undo)

"""Buttons on the case card (Log contact, Advance, Mark received, Client told of offer) and the overdue list's
Previous and Next."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import services
from handlers import values
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
)
from handlers.commands import overdue_reply
from handlers.context import Context, listener
from handlers.refusals import refusal
from handlers.values import CHANNEL_ID

log = logging.getLogger(__name__)


def _channel(body: dict[str, Any]) -> str | None:
    channel, container = body.get("channel"), body.get("container")
    found = (channel.get("id") if isinstance(channel, dict) else None) or (
        container.get("channel_id") if isinstance(container, dict) else None
    )
    return found if isinstance(found, str) and CHANNEL_ID.fullmatch(found) else None


def handle_log_contact(
    ctx: Context, ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    number = values.case_number(values.button_value(body, "log contact"), "log contact")
    trigger = values.text(body.get("trigger_id"), "trigger_id", most=200)
    actor = values.actor(body)
    ack()
    try:
        ctx.people.serve(actor, lambda: services.check_may_see(ctx.firm, actor, number))
    except Exception as exc:
        _tell(ctx, respond, refusal(exc, doing="open the log-contact form", user=actor))
        return
    client.views_open(
        trigger_id=trigger, view=build_log_contact_modal(number, ctx.firm.today(), channel=_channel(body))
    )


def _change(
    ctx: Context, body: dict[str, Any], respond: Respond, do: Callable[[str], services.Outcome]
) -> None:
    """Check the person and make the change in one transaction, then show the message and the card as they
    now stand."""
    actor = values.actor(body)
    try:
        outcome = ctx.people.serve(actor, lambda: do(actor))
    except Exception as exc:
        _tell(ctx, respond, refusal(exc, doing="handle a button", user=actor))
        return
    text = esc_message(outcome.message)
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


def handle_advance(ctx: Context, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    value = values.json_object(values.button_value(body, "advance"), "advance")
    number = values.case_number(value.get("case"), "advance")
    expected = values.text(value.get("expected"), "advance", most=40)
    ack()
    _change(
        ctx,
        body,
        respond,
        lambda actor: services.advance(ctx.firm, actor, number, expected=expected),
    )


def handle_provider_received(ctx: Context, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    parts = values.button_value(body, "mark received").split("|")
    if len(parts) != 3:
        raise values.CraftedValue("mark received")
    number = values.case_number(parts[0], "mark received")
    seq = str(values.integer(parts[1], "mark received"))
    what = values.text(parts[2], "mark received", most=20)
    ack()
    _change(
        ctx,
        body,
        respond,
        lambda actor: services.provider_received(ctx.firm, actor, number, seq, what),
    )


def handle_offer_informed(ctx: Context, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    number, bar, n = values.button_value(body, "client told").partition("|")
    if not bar:
        raise values.CraftedValue("client told")
    number, nth = values.case_number(number, "client told"), values.integer(n, "client told")
    ack()
    _change(
        ctx,
        body,
        respond,
        lambda actor: services.offer_informed(ctx.firm, actor, number, nth),
    )


def handle_undo(ctx: Context, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    """Undo under a change's reply: that change only, and only while it is the case's latest."""
    number, change = read_undo_value(values.button_value(body, "undo"))
    ack()
    _change(ctx, body, respond, lambda actor: services.undo_change(ctx.firm, actor, number, audit_id=change))


def handle_overdue_page(ctx: Context, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    """Previous or Next under `/case overdue`: the list as it stands now, at the page the button names."""
    page, user = read_page_value(values.button_value(body, "overdue page"))
    actor = values.actor(body)
    ack()
    ctx.later(_show_overdue_page, ctx, respond, actor, page, user)


def _show_overdue_page(ctx: Context, respond: Respond, actor: str, page: int, user: str | None) -> None:
    try:
        reply, replace = ctx.people.serve(actor, lambda: overdue_reply(ctx, actor, user, page)), True
    except Exception as exc:
        reply = refusal(exc, doing="show a page of the overdue list", page=page, user=actor)
        replace = False
    respond(text=reply.text, blocks=reply.blocks, response_type="ephemeral", replace_original=replace)


def register(app: App, ctx: Context) -> None:
    app.action(LOG_CONTACT)(listener(ctx, handle_log_contact))
    app.action(ADVANCE)(listener(ctx, handle_advance))
    app.action(re.compile(rf"^{PROVIDER_RECEIVED}(:\d+)?$"))(listener(ctx, handle_provider_received))
    app.action(re.compile(rf"^{OFFER_INFORMED}(:\d+)?$"))(listener(ctx, handle_offer_informed))
    app.action(OVERDUE_PREVIOUS)(listener(ctx, handle_overdue_page))
    app.action(OVERDUE_NEXT)(listener(ctx, handle_overdue_page))
    app.action(UNDO)(listener(ctx, handle_undo))

"""The digest's buttons: Log contact, Snooze (tomorrow, 3 days, next week), Open case."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot import services
from handlers import values
from handlers.blocks import build_case_card, esc_message
from handlers.blocks.digests import LOG_CONTACT, OPEN_CASE, SNOOZE, mark_done
from handlers.context import Context, listener
from handlers.refusals import refusal


def _message(body: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]]]:
    """The digest message the click came from: its text and blocks, as Slack sends them back."""
    message = body.get("message") or {}
    if not isinstance(message, dict):
        raise values.CraftedValue("digest message")
    text = message.get("text")
    return (values.text(text, "digest message", most=40_000) if text is not None else None), values.blocks(
        message.get("blocks"), "digest blocks"
    )


def _replace_item(
    ctx: Context,
    message: tuple[str | None, list[dict[str, Any]]],
    respond: Respond,
    obligation_id: int,
    note: str,
) -> None:
    """The digest as it was, with this item's buttons replaced by what was done."""
    text, blocks = message
    ctx.later(
        respond,
        text=text or esc_message(note),
        blocks=mark_done(blocks, obligation_id, note),
        replace_original=True,
    )


def _fail(ctx: Context, respond: Respond, exc: Exception) -> None:
    reply = refusal(exc, doing="handle a digest button")
    ctx.later(
        respond, text=reply.text, blocks=reply.blocks, response_type="ephemeral", replace_original=False
    )


def handle_digest_log_contact(ctx: Context, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    value = values.json_object(values.button_value(body, "digest log contact"), "digest log contact")
    obligation = values.integer(value.get("o"), "digest log contact")
    actor, message = values.actor(body), _message(body)
    ack()
    try:
        outcome = ctx.people.serve(actor, lambda: services.log_from_digest(ctx.firm, actor, obligation))
    except Exception as exc:
        _fail(ctx, respond, exc)
        return
    _replace_item(ctx, message, respond, obligation, "✓ " + outcome.message)


def handle_digest_snooze(ctx: Context, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    option = values.action(body).get("selected_option")
    raw = values.text(option.get("value") if isinstance(option, dict) else None, "snooze", most=60)
    ob, colon, choice = raw.partition(":")
    if not colon:
        raise values.CraftedValue("snooze")
    obligation = values.integer(ob, "snooze")
    actor, message = values.actor(body), _message(body)
    ack()
    try:
        until = services.snooze_until(choice, ctx.firm.today())
        outcome = ctx.people.serve(actor, lambda: services.snooze(ctx.firm, actor, obligation, until))
    except Exception as exc:
        _fail(ctx, respond, exc)
        return
    _replace_item(ctx, message, respond, obligation, "💤 " + outcome.message)


def handle_digest_open_case(ctx: Context, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    number = values.case_number(values.button_value(body, "open case"), "open case")
    actor = values.actor(body)
    ack()
    try:
        card = ctx.people.serve(actor, lambda: services.show_case(ctx.firm, actor, number))
    except Exception as exc:
        _fail(ctx, respond, exc)
        return
    reply = build_case_card(card, ctx.firm.today())
    ctx.later(
        respond, text=reply.text, blocks=reply.blocks, response_type="ephemeral", replace_original=False
    )


def register(app: App, ctx: Context) -> None:
    app.action(LOG_CONTACT)(listener(ctx, handle_digest_log_contact))
    app.action(SNOOZE)(listener(ctx, handle_digest_snooze))
    app.action(OPEN_CASE)(listener(ctx, handle_digest_open_case))

"""The buttons on a client's message (Reply, Not this case, and Yes / No to a message that read like a request
to stop) and the Reply form. Log as contact is the digest's own button (handlers/reminders.py)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.services import client_conversation as conv
from handlers import values
from handlers.blocks import Reply, esc_message, section
from handlers.blocks.client_replies import (
    CONFIRM_STOP,
    KEEP_TEXTING,
    NOT_THIS_CASE,
    REPLY_CLIENT,
    REPLY_VIEW,
    build_reply_modal,
    build_reply_queued,
    read_reply_metadata,
)
from handlers.context import Context
from handlers.refusals import form_errors, refusal
from handlers.views import form_values

log = logging.getLogger(__name__)

REPLY_FIELDS = {"text": "text"}


def _message_id(body: dict[str, Any]) -> int:
    """The client's message a button names (its id, as casebot put it there); anything else is crafted."""
    return values.integer(values.button_value(body, "client message"), "client message")


def _tell(ctx: Context, respond: Respond, reply: Reply, *, replace: bool = False) -> None:
    ctx.later(
        respond, text=reply.text, blocks=reply.blocks, response_type="ephemeral", replace_original=replace
    )


def handle_reply_button(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: dict[str, Any]
) -> None:
    actor, message_id = values.actor(body), _message_id(body)
    ack()
    ctx: Context = context["casebot"]
    try:
        ctx.people.check(actor)
        number, client_name, channel, to = conv.reply_target(ctx.firm, actor, message_id)
    except Exception as exc:
        _tell(ctx, respond, refusal(exc, doing="open the reply form", user=actor))
        return
    client.views_open(
        trigger_id=body["trigger_id"], view=build_reply_modal(message_id, number, client_name, channel, to)
    )


def handle_reply_view(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    ctx: Context = context["casebot"]
    actor, text = values.actor(body), form_values(view).get("text") or ""
    found = read_reply_metadata(values.text(view.get("private_metadata") or "", "reply form metadata"))
    if found is None:
        raise values.CraftedValue("reply form metadata")
    try:
        ctx.people.check(actor)
        queued = conv.reply_to_client(ctx.firm, actor, found[1], text)
    except Exception as exc:
        ack(
            response_action="errors", errors=form_errors(exc, REPLY_FIELDS, "text", doing="reply to a client")
        )
        return
    ack()
    reply = build_reply_queued(queued)
    ctx.later(client.chat_postMessage, channel=actor, text=reply.text, blocks=reply.blocks)


def _answer(ctx: Context, actor: str, message_id: int, respond: Respond, do: Any, doing: str) -> None:
    try:
        ctx.people.check(actor)
        outcome = do(actor, message_id)
    except Exception as exc:
        _tell(ctx, respond, refusal(exc, doing=doing, user=actor))
        return
    text = esc_message(outcome.message)
    _tell(ctx, respond, Reply(text, [section(f":white_check_mark: {text}")]))


def handle_not_this_case(ack: Ack, body: dict[str, Any], respond: Respond, context: dict[str, Any]) -> None:
    actor, message_id = values.actor(body), _message_id(body)
    ack()
    ctx: Context = context["casebot"]
    _answer(
        ctx,
        actor,
        message_id,
        respond,
        lambda actor, m: conv.not_this_case(ctx.firm, actor, m),
        "take a message off a case",
    )


def handle_confirm_stop(ack: Ack, body: dict[str, Any], respond: Respond, context: dict[str, Any]) -> None:
    actor, message_id = values.actor(body), _message_id(body)
    ack()
    ctx: Context = context["casebot"]
    _answer(
        ctx,
        actor,
        message_id,
        respond,
        lambda actor, m: conv.answer_stop_request(ctx.firm, actor, m, stop=True),
        "stop texts",
    )


def handle_keep_texting(ack: Ack, body: dict[str, Any], respond: Respond, context: dict[str, Any]) -> None:
    actor, message_id = values.actor(body), _message_id(body)
    ack()
    ctx: Context = context["casebot"]
    _answer(
        ctx,
        actor,
        message_id,
        respond,
        lambda actor, m: conv.answer_stop_request(ctx.firm, actor, m, stop=False),
        "turn texts back on",
    )


def register(app: App, ctx: Context) -> None:
    app.action(REPLY_CLIENT)(handle_reply_button)
    app.action(NOT_THIS_CASE)(handle_not_this_case)
    app.action(CONFIRM_STOP)(handle_confirm_stop)
    app.action(KEEP_TEXTING)(handle_keep_texting)
    app.view(REPLY_VIEW)(handle_reply_view)

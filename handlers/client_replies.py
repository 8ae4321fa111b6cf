"""The buttons on a client's message (Reply, Not this case, and Yes / No to a message that read like a request
to stop) and the Reply form. Log as contact is the digest's own button (handlers/reminders.py)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.delivery.client_replies import client_wrote_now
from bot.services import client_conversation as conv
from bot.services.client_conversation import ReplyQueued
from handlers import values
from handlers.blocks import Reply, esc_message, section
from handlers.blocks.client_replies import (
    CONFIRM_STOP,
    KEEP_TEXTING,
    NOT_THIS_CASE,
    REPLY_CLIENT,
    REPLY_VIEW,
    ReplyForm,
    build_client_answered,
    build_reply_modal,
    build_reply_queued,
    read_reply_metadata,
    settle_buttons,
)
from handlers.context import Context, listener
from handlers.refusals import form_errors, refusal
from handlers.views import form_values

log = logging.getLogger(__name__)

REPLY_FIELDS = {"text": "text"}
EMPTY_REPLY = "Write your reply to the client, e.g. Thanks, I'll call you tomorrow morning."


def _message_id(body: dict[str, Any]) -> int:
    """The client's message a button names (its id, as casebot put it there); anything else is crafted."""
    return values.integer(values.button_value(body, "client message"), "client message")


def _tell(ctx: Context, respond: Respond, reply: Reply, *, replace: bool = False) -> None:
    ctx.later(
        respond, text=reply.text, blocks=reply.blocks, response_type="ephemeral", replace_original=replace
    )


def handle_reply_button(
    ctx: Context, ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    actor, message_id = values.actor(body), _message_id(body)
    ack()
    try:
        number, client_name, channel, to = ctx.people.serve(
            actor, lambda: conv.reply_target(ctx.firm, actor, message_id)
        )
    except Exception as exc:
        _tell(ctx, respond, refusal(exc, doing="open the reply form", user=actor))
        return
    view = build_reply_modal(message_id, number, client_name, channel, to, dm=values.message_at(body))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def handle_reply_view(
    ctx: Context, ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
) -> None:
    actor, text = values.actor(body), form_values(view).get("text") or ""
    found = read_reply_metadata(values.text(view.get("private_metadata") or "", "reply form metadata"))
    if found is None:
        raise values.CraftedValue("reply form metadata")
    if not text.strip():  # Slack lets a form's text through that is only spaces
        ack(response_action="errors", errors={"text": EMPTY_REPLY})
        return
    case = found.case
    try:
        queued = ctx.people.serve(actor, lambda: conv.reply_to_client(ctx.firm, actor, case, text))
    except Exception as exc:
        ack(
            response_action="errors", errors=form_errors(exc, REPLY_FIELDS, "text", doing="reply to a client")
        )
        return
    ack()
    ctx.later(_answered, ctx, client, actor, found, queued)


def _answered(ctx: Context, client: WebClient, actor: str, form: ReplyForm, queued: ReplyQueued) -> None:
    """The DM the Reply button sat in, redrawn: its buttons give way to where the reply goes and when (so it
    is not answered twice). With no such DM to redraw, the same words come as a new DM."""
    dm = client_wrote_now(ctx.firm, form.message_id) if form.dm_channel and form.dm_ts else None
    if dm is not None and form.dm_channel and form.dm_ts:
        text, blocks = build_client_answered(dm, queued)
        client.chat_update(channel=form.dm_channel, ts=form.dm_ts, text=text, blocks=blocks)
        return
    reply = build_reply_queued(queued)
    client.chat_postMessage(channel=actor, text=reply.text, blocks=reply.blocks)


def _answer(
    ctx: Context,
    body: dict[str, Any],
    actor: str,
    message_id: int,
    respond: Respond,
    do: Any,
    doing: str,
    buttons: str,
) -> None:
    """A button on a client's DM: the service's answer takes the place of that row of buttons in the DM (or,
    for a click Slack sent without its message, comes as a private note)."""
    message = body.get("message")
    try:
        outcome = ctx.people.serve(actor, lambda: do(actor, message_id))
    except Exception as exc:
        _tell(ctx, respond, refusal(exc, doing=doing, user=actor))
        return
    text = esc_message(outcome.message)
    done = [section(f":white_check_mark: {text}")]
    if isinstance(message, dict) and values.message_at(body) is not None:
        blocks = settle_buttons(values.blocks(message.get("blocks"), "client message"), buttons, done)
        fallback = values.text(message.get("text") or text, "client message", most=40_000)
        ctx.later(respond, text=fallback, blocks=blocks, replace_original=True)
        return
    _tell(ctx, respond, Reply(text, done))


def handle_not_this_case(ctx: Context, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    actor, message_id = values.actor(body), _message_id(body)
    ack()
    _answer(
        ctx,
        body,
        actor,
        message_id,
        respond,
        lambda actor, m: conv.not_this_case(ctx.firm, actor, m),
        "take a message off a case",
        NOT_THIS_CASE,
    )


def handle_confirm_stop(ctx: Context, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    actor, message_id = values.actor(body), _message_id(body)
    ack()
    _answer(
        ctx,
        body,
        actor,
        message_id,
        respond,
        lambda actor, m: conv.answer_stop_request(ctx.firm, actor, m, stop=True),
        "stop texts",
        CONFIRM_STOP,
    )


def handle_keep_texting(ctx: Context, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    actor, message_id = values.actor(body), _message_id(body)
    ack()
    _answer(
        ctx,
        body,
        actor,
        message_id,
        respond,
        lambda actor, m: conv.answer_stop_request(ctx.firm, actor, m, stop=False),
        "turn texts back on",
        KEEP_TEXTING,
    )


def register(app: App, ctx: Context) -> None:
    app.action(REPLY_CLIENT)(listener(ctx, handle_reply_button))
    app.action(NOT_THIS_CASE)(listener(ctx, handle_not_this_case))
    app.action(CONFIRM_STOP)(listener(ctx, handle_confirm_stop))
    app.action(KEEP_TEXTING)(listener(ctx, handle_keep_texting))
    app.view(REPLY_VIEW)(listener(ctx, handle_reply_view))

"""The client-update buttons: Send and Cancel under a preview, and Send update on a digest, /case due or Home
item (which opens the same preview)."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.errors import InputError
from bot.services.client_updates import preview_update, send_update
from handlers.blocks import Reply
from handlers.blocks.client_updates import (
    CANCEL_UPDATE,
    OPEN_UPDATE,
    SEND_UPDATE,
    UPDATE_VIEW,
    build_answer_view,
    build_update_preview,
    build_update_preview_view,
    build_update_queued,
    read_open_value,
    read_update_value,
)
from handlers.blocks.kit import esc, section
from handlers.context import Context, listener
from handlers.refusals import refusal


def _value(body: dict[str, Any]) -> str:
    return str((body.get("actions") or [{}])[0].get("value") or "")


def _answer(ctx: Context, respond: Respond, reply: Reply, *, replace: bool) -> None:
    ctx.later(
        respond, text=reply.text, blocks=reply.blocks, response_type="ephemeral", replace_original=replace
    )


def handle_send(ctx: Context, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    """Send, under a preview: exactly the previewed notice (refused if it has changed since)."""
    ack()
    actor = body["user"]["id"]
    found = read_update_value(_value(body))
    try:
        if found is None:
            raise InputError("That Send button is out of date; nothing was sent. Preview the update again.")
        number, channel, rule, check = found
        queued = ctx.people.serve(
            actor, lambda: send_update(ctx.firm, actor, number, channel=channel, rule=rule, check=check)
        )
    except Exception as exc:
        _answer(ctx, respond, refusal(exc, doing="send a client update", user=actor), replace=False)
        return
    _answer(ctx, respond, build_update_queued(queued, ctx.firm.now()), replace=True)


def handle_cancel(ctx: Context, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    """Cancel, under a preview: nothing was queued, so nothing changes."""
    ack()
    text = f"Cancelled: nothing was sent to {_value(body)[:40]}'s client."
    _answer(ctx, respond, Reply(text, [section(esc(text))]), replace=True)


def handle_open(ctx: Context, ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
    """Send update, on an item: the same preview `/case update` answers. Under a message (a digest, `/case
    due`) it answers there; on Home, where a click has no reply of its own, it opens as a form."""
    ack()
    actor = body["user"]["id"]
    found = read_open_value(_value(body))
    preview = None
    try:
        if found is None:
            raise InputError("That button is out of date; try /case update with the case number.")
        number, rule = found
        preview = ctx.people.serve(actor, lambda: preview_update(ctx.firm, actor, number, rule=rule))
        reply = build_update_preview(preview)
    except Exception as exc:
        reply = refusal(exc, doing="preview a client update", user=actor)
    if body.get("response_url"):
        _answer(ctx, respond, reply, replace=False)
        return
    view = build_update_preview_view(preview) if preview is not None else build_answer_view(reply)
    client.views_open(trigger_id=str(body.get("trigger_id") or ""), view=view)


def handle_view(ctx: Context, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
    """Send, on the form Home opened: exactly the previewed notice; the form then says when it goes (or why
    nothing was sent)."""
    actor = body["user"]["id"]
    found = read_update_value(str(view.get("private_metadata") or ""))
    try:
        if found is None:
            raise InputError("That form is out of date; nothing was sent. Preview the update again.")
        number, channel, rule, check = found
        queued = ctx.people.serve(
            actor, lambda: send_update(ctx.firm, actor, number, channel=channel, rule=rule, check=check)
        )
        reply = build_update_queued(queued, ctx.firm.now())
    except Exception as exc:
        reply = refusal(exc, doing="send a client update", user=actor)
    ack(response_action="update", view=build_answer_view(reply))


def register(app: App, ctx: Context) -> None:
    app.action(SEND_UPDATE)(listener(ctx, handle_send))
    app.action(CANCEL_UPDATE)(listener(ctx, handle_cancel))
    app.action(re.compile(rf"^{OPEN_UPDATE}(:\d+)?$"))(listener(ctx, handle_open))
    app.view(UPDATE_VIEW)(listener(ctx, handle_view))

"""The digest's buttons: Log contact, Snooze (tomorrow, 3 days, next week), Open case."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, Respond

from bot import services
from handlers.blocks import build_case_card
from handlers.blocks.digests import LOG_CONTACT, OPEN_CASE, SNOOZE, mark_done
from handlers.context import Context
from handlers.refusals import refusal
from handlers.said import say


def _action(body: dict[str, Any]) -> dict[str, Any]:
    action: dict[str, Any] = (body.get("actions") or [{}])[0]
    return action


def _replace_item(
    ctx: Context, body: dict[str, Any], respond: Respond, obligation_id: int, note: str
) -> None:
    """The digest as it was, with this item's buttons replaced by what was done."""
    message = body.get("message") or {}
    blocks = mark_done(message.get("blocks") or [], obligation_id, note)
    ctx.later(respond, text=message.get("text") or say(note), blocks=blocks, replace_original=True)


def _fail(ctx: Context, respond: Respond, exc: Exception) -> None:
    reply = refusal(exc, doing="handle a digest button")
    ctx.later(
        respond, text=reply.text, blocks=reply.blocks, response_type="ephemeral", replace_original=False
    )


def handle_digest_log_contact(
    ack: Ack, body: dict[str, Any], respond: Respond, context: dict[str, Any]
) -> None:
    ack()
    ctx: Context = context["casebot"]
    try:
        ctx.people.check(body["user"]["id"])
        value = json.loads(_action(body).get("value") or "{}")
        outcome = services.log_from_digest(ctx.firm, body["user"]["id"], int(value["o"]))
    except Exception as exc:
        _fail(ctx, respond, exc)
        return
    _replace_item(ctx, body, respond, int(value["o"]), "✓ " + outcome.message)


def handle_digest_snooze(ack: Ack, body: dict[str, Any], respond: Respond, context: dict[str, Any]) -> None:
    ack()
    ctx: Context = context["casebot"]
    try:
        ctx.people.check(body["user"]["id"])
        raw = str((_action(body).get("selected_option") or {}).get("value") or "")
        ob, _, choice = raw.partition(":")
        until = services.snooze_until(choice, ctx.firm.today())
        outcome = services.snooze(ctx.firm, body["user"]["id"], int(ob), until)
    except Exception as exc:
        _fail(ctx, respond, exc)
        return
    _replace_item(ctx, body, respond, int(ob), "💤 " + outcome.message)


def handle_digest_open_case(
    ack: Ack, body: dict[str, Any], respond: Respond, context: dict[str, Any]
) -> None:
    ack()
    ctx: Context = context["casebot"]
    try:
        ctx.people.check(body["user"]["id"])
        card = services.show_case(ctx.firm, body["user"]["id"], str(_action(body).get("value") or ""))
    except Exception as exc:
        _fail(ctx, respond, exc)
        return
    reply = build_case_card(card, ctx.firm.today())
    ctx.later(
        respond, text=reply.text, blocks=reply.blocks, response_type="ephemeral", replace_original=False
    )


def register(app: App, ctx: Context) -> None:
    app.action(LOG_CONTACT)(handle_digest_log_contact)
    app.action(SNOOZE)(handle_digest_snooze)
    app.action(OPEN_CASE)(handle_digest_open_case)

"""Modal submissions: the new-case form and the log-contact form. Errors show on the form's own fields."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import services
from bot.rules.parsing import When, parse_day
from bot.rules.playbook import Kind
from handlers import values
from handlers.blocks import LOG_CONTACT_VIEW, NEW_CASE_VIEW, Reply, build_outcome
from handlers.blocks.modals import ACCOUNTING_CHOICE
from handlers.context import Context, listener
from handlers.refusals import form_errors

log = logging.getLogger(__name__)

# Each form: the service's argument → the block it is typed in (what a refusal's `field` points at).
NEW_CASE_FIELDS = {
    "number": "number",
    "client": "client",
    "manager": "manager",
    "on": "on",
    "limitation_on": "sol",
}
LOG_CONTACT_FIELDS = {"kind": "kind", "on": "on", "note": "note"}


def form_values(view: dict[str, Any]) -> dict[str, Any]:
    """Each input block's answer, whatever its element: text, date, user or radio choice (each a string;
    any other shape is values.CraftedValue)."""
    state = view.get("state") or {}
    answers = state.get("values") or {} if isinstance(state, dict) else None
    if not isinstance(answers, dict):
        raise values.CraftedValue("form state")
    out: dict[str, Any] = {}
    for block_id, actions in answers.items():
        if not isinstance(actions, dict) or not all(isinstance(e, dict) for e in actions.values()):
            raise values.CraftedValue("form state")
        element: dict[str, Any] = next(iter(actions.values()), {})
        option = element.get("selected_option") or {}
        answer = (
            element.get("value")
            or element.get("selected_date")
            or element.get("selected_user")
            or (option.get("value") if isinstance(option, dict) else option)
        )
        out[block_id] = None if answer is None else values.text(answer, "form field", most=3000)
    return out


def _meta(view: dict[str, Any]) -> dict[str, Any]:
    """What casebot put in the form's private_metadata: the channel it was opened from, and its case."""
    meta = values.json_object(view.get("private_metadata") or "{}", "form metadata")
    channel, case = meta.get("channel"), meta.get("case")
    return {
        "channel": values.channel_id(channel, "form metadata") if channel is not None else None,
        "case": values.case_number(case, "form metadata") if case is not None else None,
    }


def _date(text: str | None, today: date, when: When = "past") -> date | None:
    """A form's day: a date picker's, or typed (11/3, Nov 3, yesterday…)."""
    return parse_day(text, today, when=when) if text else None


def _notify(ctx: Context, client: WebClient, user: str, channel: str | None, reply: Reply) -> None:
    """After a form: a private note where the person was (ephemeral), else in their DM with casebot."""
    if channel:
        try:
            client.chat_postEphemeral(channel=channel, user=user, text=reply.text, blocks=reply.blocks)
            return
        except SlackApiError as exc:
            log.info(
                "Ephemeral note to %s in %s failed (%s); sending it as a DM",
                user,
                channel,
                exc.response.get("error"),
            )
    client.chat_postMessage(channel=user, text=reply.text, blocks=reply.blocks)


def handle_new_case(
    ctx: Context, ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
) -> None:
    actor, v = values.actor(body), form_values(view)
    manager = v.get("manager") or actor

    def create() -> services.Outcome:
        if manager != actor:
            ctx.people.check(manager, who="them", field="manager")
        return services.create_case(
            ctx.firm,
            actor,
            v.get("number") or "",
            v.get("client") or "",
            manager=manager,
            on=_date(v.get("on"), ctx.firm.today()),
            limitation_on=_date(v.get("sol"), ctx.firm.today(), "dated"),
        )

    try:
        outcome = ctx.people.serve(actor, create)
    except Exception as exc:
        ack(response_action="errors", errors=form_errors(exc, NEW_CASE_FIELDS, "number", doing="open a case"))
        return
    ack()
    reply = build_outcome(outcome.message, outcome.card, ctx.firm.today(), undo=outcome.undo)
    ctx.later(_notify, ctx, client, actor, _meta(view).get("channel"), reply)


def handle_log_contact(
    ctx: Context, ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
) -> None:
    actor, v, meta = values.actor(body), form_values(view), _meta(view)
    kind = v.get("kind") or "client"
    topic = "accounting" if kind == ACCOUNTING_CHOICE else None
    try:
        outcome = ctx.people.serve(
            actor,
            lambda: services.log_contact(
                ctx.firm,
                actor,
                str(meta.get("case") or ""),
                kind=Kind.CLIENT if topic else kind,
                on=_date(v.get("on"), ctx.firm.today()),
                note=v.get("note"),
                topic=topic,
            ),
        )
    except Exception as exc:
        ack(
            response_action="errors",
            errors=form_errors(exc, LOG_CONTACT_FIELDS, "kind", doing="log a contact"),
        )
        return
    ack()
    ctx.later(
        _notify,
        ctx,
        client,
        actor,
        meta.get("channel"),
        build_outcome(outcome.message, outcome.card, ctx.firm.today(), undo=outcome.undo),
    )


def register(app: App, ctx: Context) -> None:
    app.view(NEW_CASE_VIEW)(listener(ctx, handle_new_case))
    app.view(LOG_CONTACT_VIEW)(listener(ctx, handle_log_contact))

"""A client's message in Slack: the DM to whoever owns the case (Log as contact · Reply · Not this case), the
DM to the leads for an unknown number, the Reply form, and `/case messages`. Every word the client wrote
passes through esc()."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bot.delivery.reply_messages import ClientWroteMessage, UnknownNumberMessage
from bot.services.client_conversation import Conversation, ReplyQueued
from handlers import values
from handlers.blocks.digests import LOG_CONTACT as DIGEST_LOG_CONTACT
from handlers.blocks.kit import Block, Reply, actions, button, confirm, context, esc, header, plain, section
from handlers.values import CHANNEL_ID, MESSAGE_TS

REPLY_CLIENT = "client_reply"  # opens the Reply form; value: the message's id
NOT_THIS_CASE = "client_not_this_case"  # value: the message's id
CONFIRM_STOP = "client_confirm_stop"  # a message read as a request to stop: yes, no more texts
KEEP_TEXTING = "client_keep_texting"  # …or no, it was not one
REPLY_VIEW = "client_reply_view"
REPLY_CHARS = 1600
TITLE_CHARS = 24

_CHANNEL = {"sms": ("texted", "text"), "email": ("emailed", "email")}


def quoted(text: str) -> str:
    """The client's words as a Slack quote, escaped, blank lines kept as quoted blank lines."""
    lines = (text or "").strip().split("\n") or [""]
    return "\n".join("> " + esc(line) for line in lines)


def _when(at: datetime) -> str:
    return f"{at:%a %b} {at.day}, {at:%-I:%M %p}"


def _owner_buttons(m: ClientWroteMessage) -> list[Block]:
    elements: list[Block] = []
    if m.obligation_id is not None:
        value = json.dumps({"o": m.obligation_id, "c": m.case}, separators=(",", ":"))
        elements.append(button("Log as contact", DIGEST_LOG_CONTACT, value, style="primary"))
    elements.append(button("Reply", REPLY_CLIENT, str(m.message_id)))
    elements.append(
        button(
            "Not this case",
            NOT_THIS_CASE,
            str(m.message_id),
            confirm=confirm(
                "Not this case?",
                f"The message leaves {esc(m.case)} (its reminder is cancelled) and goes to the leads to route.",
                "Not this case",
            ),
        )
    )
    return elements


def build_client_wrote(m: ClientWroteMessage) -> tuple[str, list[Block]]:
    """The DM a client's message brings to whoever owns the case."""
    verb, noun = _CHANNEL.get(m.channel, ("wrote", "message"))
    who = f" (for <@{m.covering_for}>, who is away)" if m.covering_for else ""
    head = f"*{esc(m.case)}* · {esc(m.client)} {verb} you{who} · {_when(m.received_at)}"
    attached = (
        f"\n_{m.attachments} attachment(s) not shown: ask the client to bring or mail them._"
        if m.attachments
        else ""
    )
    if m.what == "stop":
        text = f"{m.case} · {m.client} texted STOP: no more texts."
        return text, [
            section(f":no_entry: {head}\n{quoted(m.text)}"),
            context(
                "Texts to this client are off now; casebot sent the one confirmation the carrier expects and "
                "sends nothing more by text until they reply START. Reach them by email or a call. "
                "Their consent change is on the case's history."
            ),
        ]
    if m.what == "start":
        return f"{m.case} · {m.client} texted START: texts are on again.", [
            section(f":white_check_mark: {head}\n{quoted(m.text)}"),
            context(
                "Texts to this client are on again; casebot confirmed it to them. It is on the case's history."
            ),
        ]
    if m.what == "help":
        return f"{m.case} · {m.client} texted HELP.", [
            section(f":information_source: {head}\n{quoted(m.text)}"),
            context("casebot answered with the firm's name and phone number. Nothing else changed."),
        ]
    due = f"Answer by *{m.due_on:%a %b} {m.due_on.day}* (R15). " if m.due_on else ""
    blocks: list[Block] = [
        header(f"{m.case} · {m.client} wrote"[:150]),
        section(f":speech_balloon: {head}\n{quoted(m.text)}{attached}"),
    ]
    if m.what == "stop-request":
        blocks.append(
            section(
                ":warning: This reads like a request to stop texts, so casebot sends them none until you say "
                "it was not. Is it one?"
            )
        )
        blocks.append(
            actions(
                f"stop:{m.message_id}",
                [
                    button("Yes: no more texts", CONFIRM_STOP, str(m.message_id), style="danger"),
                    button("No: keep texting", KEEP_TEXTING, str(m.message_id)),
                ],
            )
        )
    blocks.append(
        context(
            f"{due}Reply sends your words back by {noun}; `/case messages {esc(m.case)}` shows the conversation."
        )
    )
    blocks.append(
        actions(f"ob:{m.obligation_id}" if m.obligation_id else f"msg:{m.message_id}", _owner_buttons(m))
    )
    return f"{m.case} · {m.client} {verb} you: {m.text[:200]}", blocks


def build_unknown_number(m: UnknownNumberMessage) -> tuple[str, list[Block]]:
    """To a lead: a text no case can claim."""
    if m.not_case:
        return f"A text {m.not_case}'s manager says is not from their client.", [
            header("A text to route"),
            section(f":grey_question: From *{esc(m.number)}*\n{quoted(m.text)}"),
            context(
                f"<@{m.said_by}> says it is not from {esc(m.not_case)}'s client, so it is off that case. "
                "If it is another client's, put the number on their case and tell its manager."
            ),
        ]
    why = (
        f"The number is on {len(m.cases)} open cases ({', '.join(esc(c) for c in m.cases)}): "
        "casebot can't tell which one it is about."
        if m.cases
        else "No case has this number."
    )
    media = f"\n_{m.media} picture(s) not shown._" if m.media else ""
    return f"A text from an unknown number, {m.number}.", [
        header("A text from an unknown number"),
        section(f":grey_question: From *{esc(m.number)}*\n{quoted(m.text)}{media}"),
        context(
            f"{why} If it is a client's, add the number to their case (`/case client &lt;case-no&gt; phone {esc(m.number)}`)"
            " and tell its manager; casebot sent no answer."
        ),
    ]


@dataclass(frozen=True)
class ReplyForm:
    """What the Reply form carries: the client's message, its case, and the DM the button sat in (to redraw
    it once the reply is queued), when Slack said which."""

    message_id: int
    case: str
    dm_channel: str | None = None
    dm_ts: str | None = None


def build_reply_modal(
    message_id: int, case: str, client: str, channel: str, to: str, dm: tuple[str, str] | None = None
) -> dict[str, Any]:
    """The Reply form: the manager's own words, back to the client the way they last wrote."""
    noun = "text" if channel == "sms" else "email"
    meta: dict[str, Any] = {"m": message_id, "c": case}
    if dm is not None:
        meta["ch"], meta["ts"] = dm
    return {
        "type": "modal",
        "callback_id": REPLY_VIEW,
        "title": plain("Reply to client", TITLE_CHARS),
        "submit": plain("Send", TITLE_CHARS),
        "close": plain("Cancel", TITLE_CHARS),
        "private_metadata": json.dumps(meta),
        "blocks": [
            section(f"*{esc(case)}* · to {esc(client)} by {noun} at {esc(to)}"),
            {
                "type": "input",
                "block_id": "text",
                "label": plain("Your reply"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": "value",
                    "multiline": True,
                    "max_length": REPLY_CHARS,
                },
            },
            context(
                "It goes through casebot's outbox: after the hold (`/case undo` cancels it), inside quiet hours, "
                "and is logged as your contact with the client."
            ),
        ],
    }


def read_reply_metadata(raw: str) -> ReplyForm | None:
    """The Reply form's private_metadata: the client's message and case it was opened for, and the DM it was
    opened from, as build_reply_modal wrote them; None for anything else (an id that is not a bounded integer,
    a case that is not a case number)."""
    try:
        found = values.json_object(raw, "reply form metadata")
        form = ReplyForm(
            values.integer(found.get("m"), "reply form"), values.case_number(found.get("c"), "reply form")
        )
    except values.CraftedValue:
        return None
    channel, ts = found.get("ch"), found.get("ts")
    if isinstance(channel, str) and isinstance(ts, str) and CHANNEL_ID.fullmatch(channel):
        return replace(form, dm_channel=channel, dm_ts=ts) if MESSAGE_TS.fullmatch(ts) else form
    return form


def settle_buttons(blocks: list[Block], action_id: str, done: list[Block]) -> list[Block]:
    """A client's DM as it was, with the row of buttons holding `action_id` replaced by what was done."""
    out: list[Block] = []
    for block in blocks:
        elements = block.get("elements") or [] if block.get("type") == "actions" else []
        if any(isinstance(e, dict) and e.get("action_id") == action_id for e in elements):
            out.extend(done)
        else:
            out.append(block)
    return out


def build_client_answered(m: ClientWroteMessage, queued: ReplyQueued) -> tuple[str, list[Block]]:
    """The DM once its Reply form was sent: the client's words as before, the buttons replaced by where the
    reply goes and when."""
    text, blocks = build_client_wrote(m)
    return text, settle_buttons(blocks, REPLY_CLIENT, build_reply_queued(queued).blocks)


def build_reply_queued(q: ReplyQueued) -> Reply:
    """What the manager reads after `/case reply` or the Reply form: where it goes, when, and how to stop it."""
    noun = "text" if q.channel == "sms" else "email"
    when = f"{q.goes_at:%a %b} {q.goes_at.day}, {q.goes_at:%-I:%M %p}"
    if q.held_for_quiet_hours:
        timing = f"It waits for the client's quiet hours to end and goes {when}, their time."
    elif q.hold_minutes:
        timing = f"It goes at {when}, after the {q.hold_minutes}-minute hold."
    else:
        timing = "It goes now."
    text = f"Your reply to {q.case}'s client goes by {noun} to {q.to}. {timing}"
    return Reply(
        text,
        [
            section(
                f":outbox_tray: Your reply to *{esc(q.case)}*'s client goes by {noun} to {esc(q.to)}. {timing}"
            ),
            context(
                f"`/case undo {esc(q.case)}` cancels it while it is held. Once the carrier takes it, it is logged as "
                f"your contact with the client. `/case messages {esc(q.case)}` shows the conversation."
            ),
        ],
    )


def build_messages_reply(view: Conversation) -> Reply:
    """`/case messages`: the conversation, newest first, a page at a time."""
    lines = []
    for m in view.messages:
        noun = "Text" if m.channel == "sms" else "Email"
        if m.direction == "in":
            who = "from the client"
        else:
            who = f"by <@{m.by}>" if m.by.startswith(("U", "W")) else "by casebot"
        status = f" · {m.status}" if m.direction == "out" else ""
        rule = f" · {m.rule}" if m.rule and m.direction == "out" else ""
        arrow = "←" if m.direction == "in" else "→"
        lines.append(f"{arrow} *{noun} {who}* · {_when(m.at)}{rule}{status}\n{quoted(m.text)}")
    blocks: list[Block] = [header(f"Messages · {view.case} · {view.client}"[:150])]
    if not lines:
        blocks.append(section("_No messages with this client yet._"))
    for line in lines:
        blocks.append(section(line))
    more = f" · `/case messages {esc(view.case)} {view.page + 1}` for older" if view.page < view.pages else ""
    blocks.append(context(f"Page {view.page} of {max(view.pages, 1)}, newest first{more}."))
    return Reply(f"Messages with {view.case}'s client", blocks)

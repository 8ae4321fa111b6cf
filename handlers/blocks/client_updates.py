"""Client updates in Slack: the preview (the exact text, the channel, for SMS its segments and encoding, Send
and Cancel), what a send answers (when it goes, how to undo it), and the Send update button."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.delivery.client_ports import ClientProblemMessage
from bot.rules.client_details import LANGUAGE_NAMES
from bot.rules.notices import NOTICE_RULES
from bot.rules.playbook import Kind
from bot.services.cards import DueItem
from bot.services.client_updates import UpdatePreview, UpdateQueued
from handlers.blocks.kit import (
    Block,
    Reply,
    actions,
    button,
    code,
    confirm,
    context,
    esc,
    header,
    plain,
    section,
)

SEND_UPDATE = "client_update_send"
CANCEL_UPDATE = "client_update_cancel"
OPEN_UPDATE = "client_update_open"  # the Send update button of a digest, /case due or Home item
UPDATE_VIEW = "client_update_view"  # the preview as a form, from Home (a Home click has no reply of its own)
ACTIONS_ELEMENTS = 25  # Slack's most buttons in one actions block
_TITLE_CHARS = 24  # a modal's title and its buttons


def update_value(p: UpdatePreview) -> str:
    return json.dumps({"case": p.case, "channel": p.channel, "rule": p.rule, "check": p.check})


def read_update_value(value: str) -> tuple[str, str, str, str] | None:
    try:
        data = json.loads(value)
        return str(data["case"]), str(data["channel"]), str(data["rule"]), str(data["check"])
    except (ValueError, KeyError, TypeError):
        return None


def open_update_button(
    case: str, rule: str, *, label: str = "Send update", action_id: str = OPEN_UPDATE
) -> Block:
    return button(label, action_id, json.dumps({"case": case, "rule": rule}))


def sendable(item: DueItem) -> bool:
    """A client item whose notice casebot can send: a message rule, or a call rule's "please call" message."""
    return item.kind == Kind.CLIENT and item.rule in NOTICE_RULES


def send_update_buttons(items: Sequence[DueItem], block_id: str) -> list[Block]:
    """Under a list (`/case due`, Home): a Send update button for each of its client items, named by case and
    rule, each opening the same preview as `/case update`; nothing when none may be sent."""
    pairs = list(dict.fromkeys((i.case, i.rule) for i in items if sendable(i)))
    if not pairs:
        return []
    shown = pairs[:ACTIONS_ELEMENTS]
    buttons = [
        open_update_button(case, rule, label=f"Send update: {case} {rule}", action_id=f"{OPEN_UPDATE}:{n}")
        for n, (case, rule) in enumerate(shown, start=1)
    ]
    blocks: list[Block] = [actions(block_id, buttons)]
    if len(pairs) > len(shown):
        blocks.append(context(f"…and {len(pairs) - len(shown)} more: {code('/case update <case-no>')}"))
    return blocks


def read_open_value(value: str) -> tuple[str, str | None] | None:
    try:
        data = json.loads(value)
        return str(data["case"]), (str(data["rule"]) if data.get("rule") else None)
    except (ValueError, KeyError, TypeError):
        return None


def _quoted(text: str) -> str:
    return "\n".join("> " + esc(line) if line else ">" for line in text.strip().split("\n"))


def _how(p: UpdatePreview) -> str:
    language = LANGUAGE_NAMES.get(p.language, p.language)
    if p.channel == "sms":
        s = p.segments
        size = (
            f" · {s.count} segment{'s' if s.count != 1 else ''}, {s.encoding} ({s.units} characters)"
            if s
            else ""
        )
        return f"SMS to {esc(p.to)} · {language}{size}"
    return f"Email to {esc(p.to)} · {language}"


def build_update_preview(p: UpdatePreview) -> Reply:
    """The notice exactly as the client would get it, with Send and Cancel."""
    kind = "asks the client to call (a call rule: sending it records an attempt; the obligation stays open)"
    what = kind if p.call else "closes the obligation as a logged client contact once the carrier accepts it"
    lines = [f"*{esc(p.case)} · {p.rule} update, preview* — {_how(p)}"]
    if p.subject:
        lines.append(f"Subject: {esc(p.subject)}")
    lines.append(_quoted(p.text))
    sure = confirm("Send it?", f"Send this {p.channel} to {esc(p.to)}?", "Send")
    text = f"Preview of the {p.rule} {p.channel} for {p.case}: {p.text}"
    return Reply(
        text,
        [
            section("\n".join(lines)),
            context(f"This {what}. Nothing is sent until you press Send (or type {code(_send_command(p))})."),
            actions(
                f"update:{p.case}:{p.rule}",
                [
                    button("Send", SEND_UPDATE, update_value(p), style="primary", confirm=sure),
                    button("Cancel", CANCEL_UPDATE, p.case),
                ],
            ),
        ],
    )


def build_update_preview_view(p: UpdatePreview) -> dict[str, Any]:
    """The same preview as a form (from Home): Send submits it, Cancel closes it and sends nothing."""
    reply = build_update_preview(p)
    return {
        "type": "modal",
        "callback_id": UPDATE_VIEW,
        "title": plain("Send update", _TITLE_CHARS),
        "submit": plain("Send", _TITLE_CHARS),
        "close": plain("Cancel", _TITLE_CHARS),
        "private_metadata": update_value(p),
        "blocks": [b for b in reply.blocks if b.get("type") != "actions"],
    }


def build_answer_view(reply: Reply) -> dict[str, Any]:
    """What the form turns into after Send (or instead of a preview that can't be made): the reply, and Done."""
    return {
        "type": "modal",
        "callback_id": UPDATE_VIEW,
        "title": plain("Send update", _TITLE_CHARS),
        "close": plain("Done", _TITLE_CHARS),
        "blocks": reply.blocks,
    }


def _send_command(p: UpdatePreview) -> str:
    return f"/case update {p.case} {p.channel} {p.rule} send"


def _at(moment: datetime, today: datetime) -> str:
    clock = f"{moment:%-I:%M %p}"
    return clock if moment.date() == today.date() else f"{clock} on {moment:%a %b %-d}"


def build_update_queued(q: UpdateQueued, now: datetime) -> Reply:
    """A send's answer: what goes, to whom, when; how to stop it."""
    p = q.preview
    now = now.astimezone(q.goes_at.tzinfo)
    when = _at(q.goes_at, now)
    if q.held_for_quiet_hours:
        timing = (
            f"It is outside the client's quiet hours, so it waits: it goes at {when} (the client's time)."
        )
    else:
        timing = f"It goes at {when} (the client's time), after a {q.hold_minutes}-minute hold."
    text = f"Queued the {p.rule} {p.channel} to {p.case}'s client ({p.to}). {timing}"
    return Reply(
        text,
        [
            section(f":outbox_tray: {esc(text)}"),
            context(
                f"Changed your mind? {code(f'/case undo {p.case}')} cancels it until then; nothing is sent."
            ),
        ],
    )


def build_client_problem(m: ClientProblemMessage) -> tuple[str, list[Block]]:
    """To the manager (and the sender): a client message was refused, skipped or reported failed."""
    what = f"{m.rule} {m.channel}" if m.rule else m.channel
    verb = {
        "refused": "was refused by the carrier",
        "skipped": "was not sent",
        "failed": "failed",
        "undelivered": "was not delivered",
    }.get(m.what, m.what)
    text = f"The {what} to {m.case}'s client {verb}: {m.why}."
    reopened = m.what in ("failed", "undelivered")
    follow = (
        "The contact it logged no longer counts, so the obligation is open again: call the client, or "
        f"send it another way ({code(f'/case update {m.case} email')})."
        if reopened
        else f"Nothing was logged. Check the client's details with {code(f'/case show {m.case}')}."
    )
    return text, [
        header(f"Client {m.channel} {verb}: {m.case}"),
        section(f":warning: *{esc(m.case)}* · {esc(m.client)} — the {esc(what)} {verb}: {esc(m.why)}."),
        context(follow),
    ]

"""Client updates in Slack: the preview (the exact text, the channel, for SMS its segments and encoding, Send
and Cancel), what a send answers (when it goes, how to undo it), and the Send update button."""

from __future__ import annotations

import json
from datetime import datetime

from bot.delivery.client_ports import ClientProblemMessage
from bot.rules.client_details import LANGUAGE_NAMES
from bot.services.client_updates import UpdatePreview, UpdateQueued
from handlers.blocks.kit import Block, Reply, actions, button, code, confirm, context, esc, header, section

SEND_UPDATE = "client_update_send"
CANCEL_UPDATE = "client_update_cancel"
OPEN_UPDATE = "client_update_open"  # the Send update button of a digest, /case due or Home item


def update_value(p: UpdatePreview) -> str:
    return json.dumps({"case": p.case, "channel": p.channel, "rule": p.rule, "check": p.check})


def read_update_value(value: str) -> tuple[str, str, str, str] | None:
    try:
        data = json.loads(value)
        return str(data["case"]), str(data["channel"]), str(data["rule"]), str(data["check"])
    except (ValueError, KeyError, TypeError):
        return None


def open_update_button(case: str, rule: str) -> Block:
    return button("Send update", OPEN_UPDATE, json.dumps({"case": case, "rule": rule}))


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

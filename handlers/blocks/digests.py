"""What casebot sends a person each morning and through the day: the daily digest and same-day reminders,
each item with its Log contact, Snooze and Open case controls.

Within Slack's 50 blocks and text limits; what does not fit is summarised with a pointer, never dropped.
No dollar amounts. A client item carries the last note typed with a client contact: a DM is read only by
its recipient, who works the case (or covers it)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.delivery.ports import CaseFlags, DigestMessage, LastNote, ReminderMessage
from bot.rules.playbook import Kind
from bot.services.cards import DueItem
from handlers.blocks.client_updates import open_update_button, sendable
from handlers.blocks.kit import (
    MESSAGE_BLOCKS,
    SECTION_CHARS,
    Block,
    actions,
    button,
    context,
    cut,
    esc,
    esc_message,
    header,
    plain,
    plural,
    section,
)

POINT_CHARS = 300  # one talking point at most; a longer one ends in "…"

# action_ids of a digest item's controls
LOG_CONTACT = "digest_log_contact"
SNOOZE = "digest_snooze"
OPEN_CASE = "digest_open_case"
SNOOZE_CHOICES = (("tomorrow", "Tomorrow"), ("3days", "In 3 days"), ("nextweek", "Next week"))


def whom(item: DueItem) -> str:
    return {
        "client": f"the client, {esc(item.client)}",
        "adjuster": "the adjuster",
        "provider": "the provider",
        "task": "a task for you",
    }.get(item.kind, item.kind)


def when(item: DueItem) -> str:
    """The item's age, said as everywhere else (DueItem.when), bold when overdue; and an attempt that did
    not reach them ("tried Nov 30, voicemail")."""
    said = item.when()
    said = f"*{said}*" if item.overdue_days else said
    return f"{said} · {item.tried}" if item.tried else said


def nth(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def days_left(days: int) -> str:
    if days < 0:
        return f"passed {plural(-days, 'day')} ago"
    if days == 0:
        return "today"
    return f"in {plural(days, 'day')}"


def flag_lines(flags: CaseFlags | None) -> list[str]:
    """What a digest item flags about its case: the limitation date inside the red window, with the open
    hold-ups in red, and offers the client was not told of in time. No amounts."""
    if flags is None:
        return []
    lines = []
    if flags.red and flags.limitation_on is not None and flags.days_left is not None:
        lines.append(
            f":red_circle: *limitation {days_left(flags.days_left)}* "
            f"(last day to file {flags.limitation_on:%b %-d, %Y})"
        )
        lines += [f":red_circle: hold-up: {esc(h)}" for h in flags.holdups]
    for o in flags.late_offers:
        what = "final offer" if o.final else f"{nth(o.n)} offer"
        lines.append(
            f":warning: the client was not told of the {what} (received {o.received_on:%b %-d}, "
            f"{plural(o.business_days, 'business day')} ago)"
        )
    return lines


def item_text(
    item: DueItem, *, points: bool = True, flags: CaseFlags | None = None, note: LastNote | None = None
) -> str:
    """One item: case, client, age, flags, why, and every talking point. What would not fit in one section
    is named, never dropped silently: the rest of the points are on the case card."""
    lines = [
        f"*{esc(item.case)}* · {esc(item.client)} — {when(item)}",
        *flag_lines(flags),
        f"Contact {whom(item)}: {esc(item.reason)}",
    ]
    if note is not None and item.kind == Kind.CLIENT:
        lines.append(f"Last note ({note.on:%b %-d}): “{esc(cut(note.note, POINT_CHARS))}”")
    if not points:
        return "\n".join(lines)
    said = [f"• {esc(cut(p, POINT_CHARS))}" for p in item.talking_points]
    room = SECTION_CHARS - 80 - len("\n".join(lines))
    shown: list[str] = []
    for point in said:
        if len(point) + 1 > room:
            break
        shown.append(point)
        room -= len(point) + 1
    if len(shown) < len(said):
        left = len(said) - len(shown)
        shown.append(f"…{plural(left, 'more talking point')} on the card: `/case show {esc(item.case)}`")
    return "\n".join(lines + shown)


def build_item_actions(item: DueItem) -> Block:
    value = json.dumps({"o": item.obligation_id, "c": item.case}, separators=(",", ":"))
    elements: list[dict[str, Any]] = []
    if item.kind != Kind.TASK:
        label = "Log follow-up" if item.kind == Kind.PROVIDER else "Log contact"
        elements.append(button(label, LOG_CONTACT, value, style="primary"))
    elements.append(
        {
            "type": "static_select",
            "action_id": SNOOZE,
            "placeholder": plain("Snooze…"),
            "options": [
                {"text": plain(label), "value": f"{item.obligation_id}:{key}"}
                for key, label in SNOOZE_CHOICES
            ],
        }
    )
    if sendable(item):  # the same preview as /case update
        elements.append(open_update_button(item.case, item.rule))
    elements.append(button("Open case", OPEN_CASE, item.case))
    return actions(f"ob:{item.obligation_id}", elements)


def build_digest(m: DigestMessage) -> tuple[str, list[Block]]:
    """The daily digest: overdue (most overdue first), then due today, each with its buttons."""
    counts = ", ".join(
        x
        for x in (
            f"{len(m.overdue)} overdue" if m.overdue else "",
            f"{len(m.due_today)} due today" if m.due_today else "",
        )
        if x
    )
    text = f"Your casebot digest for {m.day:%a %b %-d}: {counts}."
    first = [esc(i.case) for i in (*m.overdue, *m.due_today)][:5]
    text += " " + ", ".join(first) + ("…" if len(m.overdue) + len(m.due_today) > 5 else "")
    blocks: list[Block] = [header(f"Your digest for {m.day:%A, %B %-d}")]
    note = f"{counts}. Log each contact as you make it; snooze what can wait."
    if m.covering:
        note += " Includes the cases of " + ", ".join(f"<@{u}>" for u in m.covering) + ", who is away."
    red = sorted((f for f in m.flags if f.red), key=lambda f: (f.days_left or 0, f.case))
    if red:
        soonest = red[0]
        note += (
            f" :red_circle: {plural(len(red), 'case')} near the limitation date; soonest "
            f"{esc(soonest.case)}, {days_left(soonest.days_left or 0)}."
        )
        text += (
            "; limitation near: "
            + ", ".join(esc(f.case) for f in red[:5])
            + ("…" if len(red) > 5 else "")
            + "."
        )
    blocks.append(context(note))
    groups = [
        (title, items) for title, items in (("Overdue", m.overdue), ("Due today", m.due_today)) if items
    ]
    total = len(m.overdue) + len(m.due_today)
    shown = 0
    for title, items in groups:
        if len(blocks) + 1 + 2 + 1 > MESSAGE_BLOCKS:
            break
        blocks.append(section(f"*{title}*"))
        for item in items:
            # Two blocks an item, and one kept for the summary of the rest if any remain after it.
            left_after = total - shown - 1
            if len(blocks) + 2 + (1 if left_after else 0) > MESSAGE_BLOCKS:
                break
            blocks.append(
                section(
                    item_text(item, flags=m.flags_for(item.case), note=m.note_for(item.case)),
                    block_id=f"item:{item.obligation_id}",
                )
            )
            blocks.append(build_item_actions(item))
            shown += 1
        else:
            continue
        break
    if shown < total:
        rest = [*m.overdue, *m.due_today][shown:]
        late = sum(1 for i in rest if i.overdue_days)
        detail = ", ".join(
            x
            for x in (
                f"{late} overdue" if late else "",
                f"{len(rest) - late} due today" if len(rest) - late else "",
            )
            if x
        )
        blocks.append(
            section(
                f"…and {plural(len(rest), 'more item')} ({detail}) that did not fit here: "
                f"see them all with `/case due`."
            )
        )
    return text, blocks


def build_reminder(m: ReminderMessage) -> tuple[str, list[Block]]:
    """One obligation that came due today after the digest went out."""
    item = m.item
    who = f" (for <@{m.covering_for}>, who is away)" if m.covering_for else ""
    text = f"New today{who}: {esc(item.case)} · {esc(item.client)} — {esc(item.reason)}"
    blocks = [
        section(f"*New today*{who}\n" + item_text(item), block_id=f"item:{item.obligation_id}"),
        build_item_actions(item),
    ]
    return text, blocks


def mark_done(blocks: Sequence[Block], obligation_id: int, note: str) -> list[Block]:
    """The digest as it was, with one item's buttons replaced by what was done about it."""
    out = []
    for block in blocks:
        if block.get("type") == "actions" and block.get("block_id") == f"ob:{obligation_id}":
            out.append({**context(esc_message(note)), "block_id": f"done:{obligation_id}"})
        else:
            out.append(block)
    return out

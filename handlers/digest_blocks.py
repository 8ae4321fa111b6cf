"""Block Kit for what casebot sends on its own: digests, same-day reminders, escalations, the weekly report,
statute-of-limitations alerts.

Pure `build_*` functions: plain messages from bot/delivery/ports.py in, `(fallback text, blocks)` out. Every message
stays within Slack's 50 blocks and text limits; what does not fit is summarised with a pointer, never dropped.
No dollar amounts and no medical details in any of them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.delivery.ports import (
    CaseFlags,
    DigestMessage,
    EscalationMessage,
    LimitationAlertMessage,
    Message,
    ReminderMessage,
    WeeklyReportMessage,
)
from bot.services.cards import DueItem

MAX_BLOCKS = 50
SECTION_MAX = 3000
POINTS_SHOWN = 3

LOG_CONTACT = "digest_log_contact"
SNOOZE = "digest_snooze"
OPEN_CASE = "digest_open_case"
SNOOZE_CHOICES = (("tomorrow", "Tomorrow"), ("3days", "In 3 days"), ("nextweek", "Next week"))

Block = dict[str, Any]


def esc(text: str) -> str:
    """Escape what Slack's mrkdwn treats as markup, for names and notes people typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": _cut(text, 150), "emoji": True}


def _header(text: str) -> Block:
    return {"type": "header", "text": _plain(text)}


def _section(text: str, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": _cut(text, SECTION_MAX)}}
    if block_id:
        block["block_id"] = block_id
    return block


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(text, SECTION_MAX)}]}


def whom(item: DueItem) -> str:
    return {
        "client": f"the client, {esc(item.client)}",
        "adjuster": "the adjuster",
        "provider": "the provider",
        "task": "a task for you",
    }.get(item.kind, item.kind)


def when(item: DueItem) -> str:
    if item.overdue_days:
        days = item.overdue_days
        return f"*{days} day{'s' if days != 1 else ''} overdue* (due {item.due_on:%b %-d})"
    return "due today"


def _nth(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _days_left(days: int) -> str:
    if days < 0:
        return f"passed {_plural(-days, 'day')} ago"
    if days == 0:
        return "today"
    return f"in {_plural(days, 'day')}"


def flag_lines(flags: CaseFlags | None) -> list[str]:
    """What a digest item flags about its case: the limitation date inside the red window, with the open
    hold-ups in red, and offers the client was not told of in time. No amounts."""
    if flags is None:
        return []
    lines = []
    if flags.red and flags.limitation_on is not None and flags.days_left is not None:
        lines.append(
            f":red_circle: *limitation {_days_left(flags.days_left)}* (last day to file {flags.limitation_on:%b %-d, %Y})"
        )
        lines += [f":red_circle: hold-up: {esc(h)}" for h in flags.holdups]
    for o in flags.late_offers:
        what = "final offer" if o.final else f"{_nth(o.n)} offer"
        lines.append(
            f":warning: the client was not told of the {what} (received {o.received_on:%b %-d}, "
            f"{_plural(o.business_days, 'business day')} ago)"
        )
    return lines


def item_text(item: DueItem, *, points: bool = True, flags: CaseFlags | None = None) -> str:
    lines = [
        f"*{esc(item.case)}* · {esc(item.client)} — {when(item)}",
        *flag_lines(flags),
        f"Contact {whom(item)}: {esc(item.reason)}",
    ]
    if points:
        lines += [f"• {esc(_cut(p, 300))}" for p in item.talking_points[:POINTS_SHOWN]]
    return "\n".join(lines)


def build_item_actions(item: DueItem) -> Block:
    value = json.dumps({"o": item.obligation_id, "c": item.case}, separators=(",", ":"))
    elements: list[dict[str, Any]] = []
    if item.kind != "task":
        label = "Log follow-up" if item.kind == "provider" else "Log contact"
        elements.append(
            {
                "type": "button",
                "action_id": LOG_CONTACT,
                "text": _plain(label),
                "value": value,
                "style": "primary",
            }
        )
    elements.append(
        {
            "type": "static_select",
            "action_id": SNOOZE,
            "placeholder": _plain("Snooze…"),
            "options": [
                {"text": _plain(label), "value": f"{item.obligation_id}:{key}"}
                for key, label in SNOOZE_CHOICES
            ],
        }
    )
    elements.append(
        {"type": "button", "action_id": OPEN_CASE, "text": _plain("Open case"), "value": item.case}
    )
    return {"type": "actions", "block_id": f"ob:{item.obligation_id}", "elements": elements}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


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
    first = [i.case for i in (*m.overdue, *m.due_today)][:5]
    text += " " + ", ".join(first) + ("…" if len(m.overdue) + len(m.due_today) > 5 else "")
    blocks: list[Block] = [_header(f"Your digest for {m.day:%A, %B %-d}")]
    note = f"{counts}. Log each contact as you make it; snooze what can wait."
    if m.covering:
        note += " Includes the cases of " + ", ".join(f"<@{u}>" for u in m.covering) + ", who is away."
    red = sorted((f for f in m.flags if f.red), key=lambda f: (f.days_left or 0, f.case))
    if red:
        soonest = red[0]
        note += (
            f" :red_circle: {_plural(len(red), 'case')} near the limitation date; soonest "
            f"{esc(soonest.case)}, {_days_left(soonest.days_left or 0)}."
        )
        text += (
            "; limitation near: " + ", ".join(f.case for f in red[:5]) + ("…" if len(red) > 5 else "") + "."
        )
    blocks.append(_context(note))
    groups = [
        (title, items) for title, items in (("Overdue", m.overdue), ("Due today", m.due_today)) if items
    ]
    total = len(m.overdue) + len(m.due_today)
    shown = 0
    for title, items in groups:
        if len(blocks) + 1 + 2 + 1 > MAX_BLOCKS:
            break
        blocks.append(_section(f"*{title}*"))
        for item in items:
            # Two blocks an item, and one kept for the summary of the rest if any remain after it.
            left_after = total - shown - 1
            if len(blocks) + 2 + (1 if left_after else 0) > MAX_BLOCKS:
                break
            blocks.append(
                _section(item_text(item, flags=m.flags_for(item.case)), block_id=f"item:{item.obligation_id}")
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
            _section(
                f"…and {_plural(len(rest), 'more item')} ({detail}) that did not fit here: "
                f"see them all with `/case due`."
            )
        )
    return text, blocks


def build_reminder(m: ReminderMessage) -> tuple[str, list[Block]]:
    """One obligation that came due today after the digest went out."""
    item = m.item
    who = f" (for <@{m.covering_for}>, who is away)" if m.covering_for else ""
    text = f"New today{who}: {item.case} · {item.client} — {item.reason}"
    blocks = [
        _section(f"*New today*{who}\n" + item_text(item), block_id=f"item:{item.obligation_id}"),
        build_item_actions(item),
    ]
    return text, blocks


def build_escalation(m: EscalationMessage) -> tuple[str, list[Block]]:
    """To a lead: client and adjuster contacts overdue past the limit. Who, which case, why; no amounts."""
    n = len(m.items)
    text = (
        f"{_plural(n, 'client or adjuster contact')} overdue more than "
        f"{m.after_business_days} business days: "
        + ", ".join(i.case for i in m.items[:5])
        + ("…" if n > 5 else "")
    )
    blocks: list[Block] = [
        _header(f"Overdue past {m.after_business_days} business days"),
        _context("These were due and nobody has logged the contact. A logged contact on the case clears it."),
    ]
    for i, item in enumerate(m.items):
        if len(blocks) + 1 + (1 if i < n - 1 else 0) > MAX_BLOCKS:
            blocks.append(_section(f"…and {n - i} more: see them with `/case overdue`."))
            break
        blocks.append(
            _section(
                f"*{esc(item.case)}* · {esc(item.client)} — <@{item.manager}> · {when(item)}\n"
                f"Contact {whom(item)}: {esc(item.reason)}",
                block_id=f"item:{item.obligation_id}",
            )
        )
    return text, blocks


def _lines(rows: Sequence[str], limit: int = SECTION_MAX) -> str:
    out, size = [], 0
    for i, row in enumerate(rows):
        if size + len(row) + 40 > limit:
            out.append(f"…and {len(rows) - i} more")
            break
        out.append(row)
        size += len(row) + 1
    return "\n".join(out)


def build_weekly_report(m: WeeklyReportMessage) -> tuple[str, list[Block]]:
    """Monday's report to a lead: open cases by stage, overdue by manager, the oldest overdue items."""
    open_total = sum(n for _, n in m.by_stage)
    overdue_total = sum(n for _, n in m.overdue_by_manager)
    text = f"Weekly report, week of {m.week_of:%b %-d}: {open_total} open cases, {overdue_total} overdue obligations."
    blocks: list[Block] = [_header(f"Weekly report, week of {m.week_of:%B %-d}")]
    blocks.append(
        _section(
            "*Open cases by stage*\n"
            + (_lines([f"{esc(label)}: {n}" for label, n in m.by_stage]) or "No open cases.")
        )
    )
    blocks.append(
        _section(
            "*Overdue by manager*\n"
            + (_lines([f"<@{u}>: {n}" for u, n in m.overdue_by_manager]) or "Nothing overdue. ")
        )
    )
    if m.oldest:
        blocks.append(
            _section(
                "*Oldest overdue*\n"
                + _lines(
                    [
                        f"*{esc(i.case)}* · {esc(i.client)} — <@{i.manager}> · {i.overdue_days} days: {esc(_cut(i.reason, 120))}"
                        for i in m.oldest
                    ]
                )
            )
        )
    return text, blocks


def build_limitation_alert(m: LimitationAlertMessage) -> tuple[str, list[Block]]:
    """As a case crosses 180, 90, 60 or 30 days before its limitation date: the case, the client, the date,
    the days left, the open hold-ups (red inside the red window) and an Open case button. No amounts and no
    medical details (hold-ups by kind only; their notes stay on the case card)."""
    left = _days_left(m.days_left)
    who = f" (for <@{m.covering_for}>, who is away)" if m.covering_for else ""
    text = (
        f"Statute of limitations{who}: {m.case} · {m.client} — last day to file {m.limitation_on:%b %-d, %Y} "
        f"({left})."
    )
    icon = ":red_circle:" if m.red else ":hourglass_flowing_sand:"
    blocks: list[Block] = [
        _header(f"Limitation {left}: {m.case}"),
        _section(
            f"{icon} *{esc(m.case)}* · {esc(m.client)} — manager <@{m.manager}>{who}\n"
            f"Last day to file: *{m.limitation_on:%A, %B %-d, %Y}* ({left}; the {m.threshold}-day alert)\n"
            f"Stage: {esc(m.stage_label)}",
            block_id=f"sol:{m.case}"[:255],
        ),
    ]
    if m.holdups:
        mark = ":red_circle: " if m.red else "• "
        blocks.append(_section("*Open hold-ups*\n" + _lines([mark + esc(h) for h in m.holdups])))
    else:
        blocks.append(_section("*Open hold-ups*\nNone."))
    blocks.append(
        _context(
            "File before this day ends: casebot never moves it past a weekend or holiday. "
            "A lawyer confirms every limitation date."
        )
    )
    blocks.append(
        {
            "type": "actions",
            "block_id": f"sol-actions:{m.case}"[:255],
            "elements": [
                {"type": "button", "action_id": OPEN_CASE, "text": _plain("Open case"), "value": m.case}
            ],
        }
    )
    return text, blocks


def build_message(m: Message) -> tuple[str, list[Block]]:
    if isinstance(m, DigestMessage):
        return build_digest(m)
    if isinstance(m, ReminderMessage):
        return build_reminder(m)
    if isinstance(m, EscalationMessage):
        return build_escalation(m)
    if isinstance(m, WeeklyReportMessage):
        return build_weekly_report(m)
    if isinstance(m, LimitationAlertMessage):
        return build_limitation_alert(m)
    builder = getattr(m, "build", None)  # other kinds may carry their own builder
    if callable(builder):
        result: tuple[str, list[Block]] = builder()
        return result
    raise TypeError(f"no Block Kit builder for {type(m).__name__}")


def mark_done(blocks: Sequence[Block], obligation_id: int, note: str) -> list[Block]:
    """The digest as it was, with one item's buttons replaced by what was done about it."""
    out = []
    for block in blocks:
        if block.get("type") == "actions" and block.get("block_id") == f"ob:{obligation_id}":
            out.append({**_context(esc(note)), "block_id": f"done:{obligation_id}"})
        else:
            out.append(block)
    return out

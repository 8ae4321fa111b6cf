"""What the scheduler or `casebot digest` would send, printed as the person would read it in Slack:
`casebot tick --dry-run [--date]`, `tick` in the console, and `casebot digest --dry-run`. Each message is
built by the same Block Kit builder the Slack notifier uses, then shown as text; nothing is sent."""

from __future__ import annotations

from datetime import date
from typing import TextIO

from bot.delivery.ports import Message, WeeklyChartMessage
from bot.delivery.rehearsal import Planned, rehearse_day
from bot.services.firm import Firm
from handlers.blocks.outbound import build_notification
from handlers.render import render_message

KIND_NAMES = {
    "digest": ("digest", "digests"),
    "reminder": ("reminder", "reminders"),
    "escalation": ("escalation", "escalations"),
    "weekly": ("weekly report", "weekly reports"),
    "weekly-chart": ("weekly chart", "weekly charts"),
    "sol": ("limitation alert", "limitation alerts"),
    "claim-deadline": ("claim-deadline alert", "claim-deadline alerts"),
    "handover": ("handover notice", "handover notices"),
}


def message_text(m: Message) -> str:
    """A message as Slack would show it, in plain text."""
    if isinstance(m, WeeklyChartMessage):
        return f"(a picture, {len(m.png):,} bytes: {m.title} — {m.alt_text})"
    text, blocks = build_notification(m)
    return render_message(text, blocks)


def count_kinds(kinds: list[str]) -> str:
    """ "2 digests, 1 escalation": each kind in the order first met."""
    order: dict[str, int] = {}
    for k in kinds:
        order[k] = order.get(k, 0) + 1
    parts = []
    for k, n in order.items():
        one, many = KIND_NAMES.get(k, (k, k))
        parts.append(f"{n} {one if n == 1 else many}")
    return ", ".join(parts)


def print_tick(firm: Firm, day: date | None, out: TextIO) -> int:
    """The day's ticks rehearsed: every message, when, of what kind and to whom; then a count."""
    today = firm.today()
    when = day or today
    planned: list[Planned] = rehearse_day(firm, day)
    tz = firm.settings.tz
    span = "the rest of today" if when == today else "that day"
    if not planned:
        why = "" if firm.calendar.is_business_day(when) else f" ({not_business_day(firm, when)})"
        print(
            f"Nothing would be sent on {when:%a %Y-%m-%d}{why}: the scheduler has nothing to send "
            f"for {span}. Dry run, nothing sent.",
            file=out,
        )
        return 0
    for p in planned:
        name = KIND_NAMES.get(p.kind, (p.kind, p.kind))[0]
        print(f"── {p.at.astimezone(tz):%H:%M} · {name} to {p.user_id} ──", file=out)
        print(message_text(p.message), file=out)
        print(file=out)
    print(
        f"{len(planned)} message{'s' if len(planned) != 1 else ''} would be sent on {when:%a %Y-%m-%d} "
        f"({span}, {firm.settings.firm_timezone}): {count_kinds([p.kind for p in planned])}. "
        "Dry run, nothing sent.",
        file=out,
    )
    return 0


def not_business_day(firm: Firm, day: date) -> str:
    """Why `day` is not a business day, as a person would say it."""
    if day.weekday() >= 5:
        return "a weekend"
    name = firm.calendar.holiday_name(day)
    return "the firm is closed" if name == "firm closed" else f"a firm holiday: {name}"

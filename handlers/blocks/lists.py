"""Lists of cases and obligations: `/case mine`, `/case due`, `/case overdue` (paged, by manager for a lead)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from bot.rules.playbook import STAGES, Stage
from bot.services.cards import DueItem
from bot.services.obligations import OverduePage
from handlers.blocks.kit import (
    MESSAGE_BLOCKS,
    Block,
    Reply,
    actions,
    button,
    context,
    cut,
    day,
    days,
    esc,
    fit,
    lines_sections,
    section,
)

# action_ids of the overdue list's page buttons
OVERDUE_PREVIOUS = "overdue_page_previous"
OVERDUE_NEXT = "overdue_page_next"

OVERDUE_PAGE_ITEMS = 40  # obligations a page: with a section a manager, well inside 50 blocks
_OVERDUE_LINE_CHARS = 280


def when(item: DueItem, today: date) -> str:
    if item.overdue_days:
        return f"*{days(item.overdue_days)} overdue* (due {day(item.due_on)})"
    if item.due_on == today:
        return "due today"
    return f"due {day(item.due_on)}"


def due_line(item: DueItem, today: date, *, with_client: bool = True) -> str:
    who = f" {esc(item.client)}" if with_client else ""
    snoozed = (
        f" · snoozed to {day(item.snoozed_until)}" if item.state == "snoozed" and item.snoozed_until else ""
    )
    return (
        f"• *{esc(item.case)}*{who} · {item.rule} {item.kind} · {when(item, today)} · {esc(item.reason)}"
        f"{snoozed}"
    )


def build_mine(rows: Sequence[tuple[str, str, str, int]]) -> Reply:
    if not rows:
        return Reply(
            "You have no open cases. Open one with `/case new <case-no> <client name>`.",
            [section("You have no open cases. Open one with `/case new <case-no> <client name>`.")],
        )
    blocks: list[Block] = [section(f"*Your open cases* ({len(rows)})")]
    blocks.extend(cases_by_stage(rows, max_blocks=MESSAGE_BLOCKS - 2))
    return Reply(f"You have {len(rows)} open case(s).", fit(blocks))


def cases_by_stage(rows: Sequence[tuple[str, str, str, int]], *, max_blocks: int) -> list[Block]:
    by_stage: dict[str, list[str]] = {}
    for number, client, stage, n in rows:
        by_stage.setdefault(stage, []).append(f"• *{esc(number)}* {esc(client)} · {days(n)}")
    blocks: list[Block] = []
    for stage, lines in by_stage.items():
        if len(blocks) >= max_blocks:
            break
        label = STAGES[Stage(stage)].label
        blocks.extend(lines_sections([f"*{label}* ({len(lines)})", *lines]))
    return blocks[:max_blocks]


def build_due(items: Sequence[DueItem], on: date, today: date) -> Reply:
    """What is due on a day (by a later day: everything until then), and what is overdue as of today."""
    overdue = [i for i in items if i.due_on < today]
    due = [i for i in items if i.due_on >= today]
    when_ = "today" if on == today else f"{'by' if on > today else 'on'} {on:%a %b} {on.day}"
    if not items:
        text = f"Nothing due {when_}, and nothing overdue. :tada:"
        return Reply(text, [section(text)])
    blocks = [section(f"*Due {when_}* ({len(due)})")]
    blocks.extend(lines_sections([due_line(i, today) for i in due], empty="_Nothing._", max_blocks=10))
    blocks.append(section(f"*Overdue* ({len(overdue)})"))
    blocks.extend(lines_sections([due_line(i, today) for i in overdue], empty="_Nothing._", max_blocks=10))
    return Reply(f"{len(due)} due {when_}, {len(overdue)} overdue.", fit(blocks))


def _late(item: DueItem) -> str:
    """How late, in business days (a Friday item on Sunday is overdue but 0 business days late)."""
    n = item.overdue_business_days
    age = f"{n} business day{'' if n == 1 else 's'} overdue" if n else "overdue"
    return f"*{age}* (due {day(item.due_on)})"


def overdue_line(item: DueItem) -> str:
    snoozed = (
        f" · snoozed to {day(item.snoozed_until)}" if item.state == "snoozed" and item.snoozed_until else ""
    )
    line = (
        f"• *{esc(item.case)}* {esc(item.client)} · {item.rule} {item.kind} · {_late(item)} · "
        f"{esc(item.reason)}{snoozed}"
    )
    return cut(line, _OVERDUE_LINE_CHARS)


def _most_overdue(item: DueItem) -> tuple[int, int, str, str]:
    return (-item.overdue_business_days, -item.overdue_days, item.case, item.rule)


def overdue_order(items: Sequence[DueItem], *, by_manager: bool) -> list[DueItem]:
    """Most overdue first; by manager, the manager with the most overdue item first, their items together."""
    if not by_manager:
        return sorted(items, key=_most_overdue)
    groups: dict[str, list[DueItem]] = {}
    for i in sorted(items, key=_most_overdue):
        groups.setdefault(i.manager, []).append(i)
    order = sorted(groups, key=lambda m: (_most_overdue(groups[m][0])[:2], m))
    return [i for m in order for i in groups[m]]


def overdue_page_count(total: int) -> int:
    return max(1, -(-total // OVERDUE_PAGE_ITEMS))


def overdue_page_of(items: Sequence[DueItem], *, everyone: bool, page: int = 1) -> OverduePage:
    """A page of a whole overdue list held in memory (services.overdue_page reads just the page instead)."""
    ordered = overdue_order(items, by_manager=everyone)
    pages = overdue_page_count(len(ordered))
    page = min(max(page, 1), pages)
    first = (page - 1) * OVERDUE_PAGE_ITEMS
    counts: dict[str, int] = {}
    for i in ordered:
        counts[i.manager] = counts.get(i.manager, 0) + 1
    return OverduePage(
        items=tuple(ordered[first : first + OVERDUE_PAGE_ITEMS]),
        everyone=everyone,
        total=len(ordered),
        managers=tuple(counts.items()),
        page=page,
        pages=pages,
        first=first,
    )


def build_overdue(
    items: Sequence[DueItem], today: date, *, everyone: bool, page: int = 1, user: str | None = None
) -> Reply:
    """A page of a whole overdue list (see build_overdue_page)."""
    return build_overdue_page(overdue_page_of(items, everyone=everyone, page=page), user=user)


def build_overdue_page(p: OverduePage, *, user: str | None = None) -> Reply:
    """Overdue obligations, most overdue first, ages in business days; for a lead, grouped by manager.

    A page holds OVERDUE_PAGE_ITEMS; Previous and Next carry the page and the @user filter, so a click
    shows the list as it stands then. `user` is whose list a lead asked for (None: their own or everyone's)."""
    if not p.total:
        text = f"<@{user}> has nothing overdue. :tada:" if user else "Nothing is overdue. :tada:"
        return Reply(text, [section(text)])
    everyone, page, pages, first, shown, counts = p.everyone, p.page, p.pages, p.first, p.items, p.counts
    if everyone:
        title = f"*Overdue across the firm*: {p.total} for {len(counts)} manager(s), most overdue first"
        text = f"{p.total} overdue across {len(counts)} manager(s)."
    elif user:
        title, text = f"*Overdue for <@{user}>* ({p.total})", f"{p.total} overdue for <@{user}>."
    else:
        title, text = f"*Overdue* ({p.total})", f"{p.total} overdue."
    blocks: list[Block] = [section(title)]
    room = MESSAGE_BLOCKS - 3  # the title above, the page line and the buttons below
    if everyone:
        groups: dict[str, list[DueItem]] = {}
        for i in shown:
            groups.setdefault(i.manager, []).append(i)
        for m, group in groups.items():
            earlier = p.continued and group[0] is shown[0]
            heading = f"*<@{m}>* · {counts[m]} overdue" + (" (continued)" if earlier else "")
            lines = [heading, *(overdue_line(i) for i in group)]
            blocks.extend(lines_sections(lines, max_blocks=max(1, room - len(blocks) + 1)))
    else:
        blocks.extend(lines_sections([overdue_line(i) for i in shown], max_blocks=room))
    if pages > 1:
        blocks.append(
            context(
                f"Page {page} of {pages} · {first + 1}–{first + len(shown)} of {p.total}"
                + ("" if user or not everyone else " · `/case overdue @user` for one person")
            )
        )
        buttons = []
        if page > 1:
            buttons.append(button("Previous", OVERDUE_PREVIOUS, _page_value(page - 1, user)))
        if page < pages:
            buttons.append(button("Next", OVERDUE_NEXT, _page_value(page + 1, user), style="primary"))
        blocks.append(actions("overdue_pages", buttons))
        text = f"{text} Page {page} of {pages}."
    return Reply(text, fit(blocks))


def _page_value(page: int, user: str | None) -> str:
    return json.dumps({"page": page, "user": user}, separators=(",", ":"))


def read_page_value(value: str) -> tuple[int, str | None]:
    """The page and @user filter a Previous or Next button carries; an unreadable one is page 1, no filter."""
    try:
        data = json.loads(value)
        page, user = int(data.get("page", 1)), data.get("user")
    except (ValueError, TypeError, AttributeError):
        return 1, None
    return max(page, 1), (str(user) if user else None)

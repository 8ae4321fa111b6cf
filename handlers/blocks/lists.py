"""Lists of cases and obligations: `/case mine`, `/case due`, `/case overdue` (paged, by manager for a lead)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache

from bot.rules.playbook import STAGES, Stage
from bot.services.cards import DueItem
from bot.services.obligations import ComingDay, OverduePage
from handlers import values
from handlers.blocks.client_updates import send_update_buttons
from handlers.blocks.kit import (
    MESSAGE_BLOCKS,
    Block,
    Reply,
    actions,
    button,
    context,
    cut,
    day,
    esc,
    fit,
    in_stage,
    lines_sections,
    section,
)

# action_ids of the overdue list's page buttons
OVERDUE_PREVIOUS = "overdue_page_previous"
OVERDUE_NEXT = "overdue_page_next"

OVERDUE_PAGE_ITEMS = 40  # obligations a page: with a section a manager, well inside 50 blocks
_OVERDUE_LINE_CHARS = 280


_POINT_CHARS = 300  # one talking point, at most; a longer one ends in "…"


def when(item: DueItem, today: date | None = None) -> str:
    """The one way an age is said (DueItem.when), bold when overdue."""
    said = item.when(today)
    return f"*{said}*" if item.overdue_days else said


# Talking points' lines kept (the least recently used forgotten first): most points are the playbook's own
# words, met again on every list (a `/case due` sets out three hundred or so); the rest name a case's providers.
_POINT_LINES_KEPT = 4096


@lru_cache(maxsize=_POINT_LINES_KEPT)
def _point_line(point: str, indent: str) -> str:
    return f"{indent}◦ {esc(cut(point, _POINT_CHARS))}"


def points(item: DueItem, indent: str = "    ") -> list[str]:
    """The obligation's talking points, one line each, user text escaped."""
    return [_point_line(point, indent) for point in item.talking_points]


def due_line(
    item: DueItem, today: date, *, with_client: bool = True, with_case: bool = True, talking: bool = True
) -> str:
    """One obligation: case, rule, kind, its age, why; then its talking points."""
    who = f"*{esc(item.case)}*" if with_case else ""
    who += f" {esc(item.client)}" if with_client else ""
    snoozed = (
        f" · snoozed to {day(item.snoozed_until)}" if item.state == "snoozed" and item.snoozed_until else ""
    )
    tried = item.tried or ""  # an attempt that did not reach them: still open
    parts = [
        who.strip(),
        f"{item.rule} {item.kind}",
        when(item, today),
        tried,
        f"{esc(item.reason)}{snoozed}",
    ]
    line = "• " + " · ".join(p for p in parts if p)
    return "\n".join([line, *(points(item) if talking else [])])


def coming_up_sections(coming: Sequence[ComingDay], today: date, *, max_blocks: int = 6) -> list[Block]:
    """The next business days, one heading each, with what is due on it (or snoozed to it)."""
    total = sum(len(d.items) for d in coming)
    blocks: list[Block] = [section(f"*Coming up* — the next {len(coming)} business days ({total})")]
    lines: list[str] = []
    for d in coming:
        lines.append(f"*{d.day:%a %b} {d.day.day}* ({len(d.items)})")
        lines += [due_line(i, today) for i in d.items] or ["_Nothing due._"]
    blocks.extend(lines_sections(lines, max_blocks=max_blocks, more="…and {n} more lines: `/case due`"))
    return blocks


def build_mine(
    rows: Sequence[tuple[str, str, str, int]],
    team: Sequence[tuple[str, str, str, int, str]] = (),
    acknowledged: Mapping[str, date] | None = None,
) -> Reply:
    """The caller's open cases by stage, then (under their own heading) the cases they work on a team."""
    none = "You have no open cases. Open one with `/case new <case-no> <client name>`."
    if not rows and not team:
        return Reply(none, [section(none)])
    acked = acknowledged or {}
    blocks: list[Block] = [section(f"*Your open cases* ({len(rows)})" if rows else none)]
    room = MESSAGE_BLOCKS - 3
    blocks.extend(cases_by_stage(rows, max_blocks=room // 2 if team else room, acknowledged=acked))
    if team:
        blocks.append(section(f"*On your team* ({len(team)}) — cases you work with their manager"))
        blocks.extend(
            team_cases_by_stage(team, max_blocks=MESSAGE_BLOCKS - 1 - len(blocks), acknowledged=acked)
        )
    text = f"You have {len(rows)} open case(s)" + (f", and {len(team)} on your team." if team else ".")
    return Reply(text, fit(blocks))


def _stage_key(stage: str, number: str, acknowledged: Mapping[str, date]) -> str:
    """The group a case is listed under: its stage, or "acknowledged" for a demand the insurer answered."""
    return ACKNOWLEDGED if stage == Stage.DEMAND_SENT.value and number in acknowledged else stage


ACKNOWLEDGED = "demand_sent:acknowledged"


def _group_label(key: str) -> str:
    return "Demand sent, acknowledged" if key == ACKNOWLEDGED else STAGES[Stage(key)].label


def cases_by_stage(
    rows: Sequence[tuple[str, str, str, int]],
    *,
    max_blocks: int,
    acknowledged: Mapping[str, date] | None = None,
) -> list[Block]:
    acked = acknowledged or {}
    by_stage: dict[str, list[str]] = {}
    for number, client, stage, n in rows:
        ack = f" · acknowledged {day(acked[number])}" if number in acked else ""
        key = _stage_key(stage, number, acked)
        by_stage.setdefault(key, []).append(f"• *{esc(number)}* {esc(client)} · {in_stage(n)}{ack}")
    return _grouped(by_stage, max_blocks)


def team_cases_by_stage(
    rows: Sequence[tuple[str, str, str, int, str]],
    *,
    max_blocks: int,
    acknowledged: Mapping[str, date] | None = None,
) -> list[Block]:
    acked = acknowledged or {}
    by_stage: dict[str, list[str]] = {}
    for number, client, stage, n, manager in rows:
        ack = f" · acknowledged {day(acked[number])}" if number in acked else ""
        key = _stage_key(stage, number, acked)
        by_stage.setdefault(key, []).append(
            f"• *{esc(number)}* {esc(client)} · {in_stage(n)}{ack} · manager <@{manager}>"
        )
    return _grouped(by_stage, max_blocks)


def _grouped(by_stage: dict[str, list[str]], max_blocks: int) -> list[Block]:
    blocks: list[Block] = []
    for key, lines in by_stage.items():
        if len(blocks) >= max_blocks:
            break
        blocks.extend(lines_sections([f"*{_group_label(key)}* ({len(lines)})", *lines]))
    return blocks[: max(max_blocks, 0)]


def build_due(items: Sequence[DueItem], on: date, today: date, coming: Sequence[ComingDay] = ()) -> Reply:
    """What is due on a day (by a later day: everything until then) and what is overdue as of today, each
    with its talking points; then what is coming up in the business days after, grouped by day."""
    overdue = [i for i in items if i.due_on < today]
    due = [i for i in items if i.due_on >= today]
    when_ = "today" if on == today else f"{'by' if on > today else 'on'} {on:%a %b} {on.day}"
    ahead = sum(len(d.items) for d in coming)
    if not items and not ahead:
        text = f"Nothing due {when_}, and nothing overdue. :tada:"
        if coming:
            text += f" Nothing in the next {len(coming)} business days either."
        return Reply(text, [section(text)])
    blocks = [section(f"*Due {when_}* ({len(due)})")]
    blocks.extend(lines_sections([due_line(i, today) for i in due], empty="_Nothing._", max_blocks=10))
    blocks.extend(send_update_buttons(due, "due:updates"))
    blocks.append(section(f"*Overdue* ({len(overdue)})"))
    blocks.extend(lines_sections([due_line(i, today) for i in overdue], empty="_Nothing._", max_blocks=10))
    blocks.extend(send_update_buttons(overdue, "overdue:updates"))
    text = f"{len(due)} due {when_}, {len(overdue)} overdue."
    if coming:
        blocks.extend(coming_up_sections(coming, today, max_blocks=MESSAGE_BLOCKS - len(blocks) - 2))
        text += f" {ahead} coming up in the next {len(coming)} business days."
    return Reply(text, fit(blocks, note="…more than Slack shows in one message: `/case overdue`"))


def overdue_line(item: DueItem, today: date | None = None) -> str:
    """One overdue obligation, its age said as everywhere else; its talking points are on the card and in
    `/case due` (a page of forty stays inside one message)."""
    snoozed = (
        f" · snoozed to {day(item.snoozed_until)}" if item.state == "snoozed" and item.snoozed_until else ""
    )
    line = (
        f"• *{esc(item.case)}* {esc(item.client)} · {item.rule} {item.kind} · {when(item, today)}"
        f" · {esc(item.reason)}{snoozed}"
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
    """Overdue obligations, most overdue first (by business days, as escalation counts); for a lead, grouped
    by manager. Ages are said as everywhere else: calendar days, business days beside them.

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
    """The page and @user filter a Previous or Next button carries (values.CraftedValue for anything else)."""
    data = values.json_object(value, "overdue page")
    if set(data) - {"page", "user"}:
        raise values.CraftedValue("overdue page")
    page = values.integer(data.get("page", 1), "overdue page", high=values.MAX_PAGE)
    user = data.get("user")
    return page, (values.user_id(user, "overdue filter") if user is not None else None)

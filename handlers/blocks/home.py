"""The App Home tab: a person's due today, overdue and open cases by stage; a lead also sees the firm."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from bot.rules.ages import due_phrase, plural
from bot.rules.playbook import Role
from bot.rules.playbook import ordinal as ordinal_word
from bot.services.cards import DueItem
from bot.services.caseload import LeadOverview
from bot.services.obligations import ComingDay
from handlers.blocks.client_updates import send_update_buttons
from handlers.blocks.kit import (
    VIEW_BLOCKS,
    Block,
    context,
    day,
    days,
    divider,
    esc,
    fit,
    header,
    lines_sections,
    section,
)
from handlers.blocks.lists import cases_by_stage, coming_up_sections, due_line, team_cases_by_stage


def build_home(
    user: str,
    *,
    today: date,
    due: Sequence[DueItem],
    cases: Sequence[tuple[str, str, str, int]],
    team: Sequence[tuple[str, str, str, int, str]] = (),
    acknowledged: Mapping[str, date] | None = None,
    overview: LeadOverview | None = None,
    overdue_ages: Mapping[str, int] | None = None,
    red_days: int,
    inform_days: int,
    role: Role = Role.MANAGER,
    coming: Sequence[ComingDay] = (),
) -> dict[str, Any]:
    """A person's Home tab: due today, overdue (each with its talking points), what is coming up in the next
    business days, their cases by stage; a lead also sees the firm's overview.

    `overdue_ages` is each manager's oldest overdue item in business days; `red_days` and `inform_days` are
    the playbook's numbers the overview was counted with (for its headings)."""
    due_today = [i for i in due if i.due_on >= today]
    late = [i for i in due if i.due_on < today]
    more = "…and {n} more lines: `/case due`"
    blocks: list[Block] = [
        header(f"casebot · {today:%A %b} {today.day}"),
        context(f"<@{user}> · {role} · `/case help` for everything"),
        section(f"*Due today* ({len(due_today)})"),
        *lines_sections(
            [due_line(i, today) for i in due_today], empty="_Nothing due today._", max_blocks=8, more=more
        ),
        *send_update_buttons(due_today, "home:due:updates"),
        section(f"*Overdue* ({len(late)})"),
        *lines_sections(
            [due_line(i, today) for i in late], empty="_Nothing overdue._", max_blocks=8, more=more
        ),
        *send_update_buttons(late, "home:overdue:updates"),
        *(coming_up_sections(coming, today) if coming else []),
        divider(),
        section(f"*Your open cases* ({len(cases)})"),
        *(
            cases_by_stage(cases, max_blocks=30, acknowledged=acknowledged)
            if cases
            else [section("_None open._")]
        ),
    ]
    if team:
        blocks.append(section(f"*On your team* ({len(team)})"))
        blocks.extend(team_cases_by_stage(team, max_blocks=15, acknowledged=acknowledged))
    if overview is not None:
        blocks.extend(_lead_overview(overview, overdue_ages or {}, red_days, inform_days, today))
    return {"type": "home", "blocks": fit(blocks, VIEW_BLOCKS, note="…more with `/case overdue`")}


def _lead_overview(
    o: LeadOverview, ages: Mapping[str, int], red_days: int, inform_days: int, today: date
) -> list[Block]:
    """The firm as a lead sees it: at most 17 blocks, so a lead's Home stays inside Slack's 100."""
    blocks: list[Block] = [divider(), header("The firm")]
    stages = [
        (
            f"• *Demand sent*: {s.cases} ({s.cases - s.acknowledged} awaiting acknowledgment, "
            f"{s.acknowledged} acknowledged)"
            if s.acknowledged
            else f"• *{s.label}*: {s.cases}"
        )
        + f" · average {s.average_days:g} {'day' if s.average_days == 1 else 'days'} in stage (longest {s.longest_days})"
        for s in o.stages
    ]
    blocks.append(
        section(f"*Open cases by stage* ({o.open_cases})\n" + ("\n".join(stages) or "_None open._"))
    )

    # The lists may hold only their first rows (as many as these sections can show); the counts are of all.
    managers = o.overdue_managers if o.overdue_managers is not None else len(o.overdue)
    lines = [f"*Overdue by manager* ({o.overdue_total})"]
    for m in o.overdue:
        oldest = due_phrase(m.oldest_due_on, today, ages.get(m.manager))
        lines.append(f"• <@{m.manager}>: {m.overdue} · oldest {oldest}")
    if not o.overdue:
        lines.append("_Nothing overdue across the firm._")
    blocks.extend(
        lines_sections(lines, max_blocks=3, more="…and {n} more: `/case overdue`", total=1 + managers)
    )
    blocks.append(section(f"*Escalations open*: {o.escalations_open}"))

    red = o.inside_limitation_count if o.inside_limitation_count is not None else len(o.inside_limitation)
    lines = [f"*Inside {red_days} days of the limitation date* ({red})"]
    lines += [
        f"• :red_circle: *{esc(c.case)}* · <@{c.manager}> · {c.limitation_on:%Y-%m-%d} · "
        + (f"{days(c.days_left)} left" if c.days_left >= 0 else f"passed {days(-c.days_left)} ago")
        for c in o.inside_limitation
    ]
    if not o.inside_limitation:
        lines.append("_None._")
    blocks.extend(lines_sections(lines, max_blocks=3, total=1 + red))
    if o.claim_deadlines:  # a claim against a public entity not yet presented, its deadline near or gone
        lines = ["*Claim deadlines against a public entity, near or passed*"]
        lines += [
            f"• :red_circle: *{esc(c.case)}* · <@{c.manager}> · present by {c.limitation_on:%Y-%m-%d} · "
            + (f"{days(c.days_left)} left" if c.days_left >= 0 else f"passed {days(-c.days_left)} ago")
            for c in o.claim_deadlines
        ]
        blocks.extend(lines_sections(lines, max_blocks=2, total=len(lines)))

    untold = o.offers_not_told_count if o.offers_not_told_count is not None else len(o.offers_not_told)
    lines = [f"*Offers the client was not told of within {inform_days} business days* ({untold})"]
    lines += [
        f"• :warning: *{esc(x.case)}* · {'final' if x.final else ordinal_word(x.n)} offer · received "
        f"{day(x.received_on)}, {plural(x.business_days, 'business day')} ago · <@{x.manager}>"
        for x in o.offers_not_told
    ]
    if not o.offers_not_told:
        lines.append("_None._")
    blocks.extend(lines_sections(lines, max_blocks=3, total=1 + untold))
    return blocks

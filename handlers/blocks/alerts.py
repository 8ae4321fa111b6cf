"""What casebot sends leads and managers when something needs attention: escalations, Monday's weekly report,
statute-of-limitations and claim-deadline alerts. No dollar amounts and no medical details (hold-ups by kind only)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.delivery.ports import (
    ClaimDeadlineAlertMessage,
    EscalationMessage,
    HandoverMessage,
    LimitationAlertMessage,
    WeeklyReportMessage,
)
from handlers.blocks.digests import OPEN_CASE, days_left, when, whom
from handlers.blocks.kit import (
    MESSAGE_BLOCKS,
    SECTION_CHARS,
    Block,
    actions,
    button,
    context,
    cut,
    esc,
    header,
    plural,
    section,
)


def build_escalation(m: EscalationMessage) -> tuple[str, list[Block]]:
    """To a lead: client and adjuster contacts overdue past the limit. Who, which case, why; no amounts."""
    n = len(m.items)
    text = (
        f"{plural(n, 'client or adjuster contact')} overdue more than "
        f"{plural(m.after_business_days, 'business day')}: "
        + ", ".join(esc(i.case) for i in m.items[:5])
        + ("…" if n > 5 else "")
    )
    blocks: list[Block] = [
        header(f"Overdue past {plural(m.after_business_days, 'business day')}"),
        context("These were due and nobody has logged the contact. A logged contact on the case clears it."),
    ]
    for i, item in enumerate(m.items):
        if len(blocks) + 1 + (1 if i < n - 1 else 0) > MESSAGE_BLOCKS:
            blocks.append(section(f"…and {n - i} more: see them with `/case overdue`."))
            break
        blocks.append(
            section(
                f"*{esc(item.case)}* · {esc(item.client)} — <@{item.manager}> · {when(item)}\n"
                f"Contact {whom(item)}: {esc(item.reason)}",
                block_id=f"item:{item.obligation_id}",
            )
        )
    return text, blocks


def _lines(rows: Sequence[str], limit: int = SECTION_CHARS) -> str:
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
    text = (
        f"Weekly report, week of {m.week_of:%b %-d}: {open_total} open cases, "
        f"{overdue_total} overdue obligations."
    )
    blocks: list[Block] = [header(f"Weekly report, week of {m.week_of:%B %-d}")]
    blocks.append(
        section(
            "*Open cases by stage*\n"
            + (_lines([f"{esc(label)}: {n}" for label, n in m.by_stage]) or "No open cases.")
        )
    )
    blocks.append(
        section(
            "*Overdue by manager*\n"
            + (_lines([f"<@{u}>: {n}" for u, n in m.overdue_by_manager]) or "Nothing overdue. ")
        )
    )
    if m.oldest:
        blocks.append(
            section(
                "*Oldest overdue*\n"
                + _lines(
                    [
                        f"*{esc(i.case)}* · {esc(i.client)} — <@{i.manager}> · {i.when()}: "
                        f"{esc(cut(i.reason, 120))}"
                        for i in m.oldest
                    ]
                )
            )
        )
    return text, blocks


def _which(threshold: int, left: int) -> str:
    return "the alert that it has passed" if threshold == 0 or left < 0 else f"the {threshold}-day alert"


def build_limitation_alert(m: LimitationAlertMessage) -> tuple[str, list[Block]]:
    """As a case crosses 180, 90, 60 or 30 days before its limitation date, and once it has passed: the case,
    the client, the date, the days left, where the date comes from (named when it is the last day to sue a
    public entity), the open hold-ups (red inside the red window) and an Open case button. No amounts and
    no medical details (hold-ups by kind only; their notes stay on the case card)."""
    left = days_left(m.days_left)
    who = f" (for <@{m.covering_for}>, who is away)" if m.covering_for else ""
    what = "Last day to sue a public entity" if m.public else "Statute of limitations"
    gone = m.days_left < 0
    text = (
        f"{what}{who}: {esc(m.case)} · {esc(m.client)} — last day to file {m.limitation_on:%b %-d, %Y} "
        f"({left})" + (": tell a lawyer today." if gone else ".")
    )
    icon = ":red_circle:" if m.red or gone else ":hourglass_flowing_sand:"
    basis = f"\nWhere it comes from: {esc(m.basis)}" if m.basis else ""
    blocks: list[Block] = [
        header(f"{'Public-entity suit deadline' if m.public else 'Limitation'} {left}: {m.case}"),
        section(
            f"{icon} *{esc(m.case)}* · {esc(m.client)} — manager <@{m.manager}>{who}\n"
            f"Last day to file: *{m.limitation_on:%A, %B %-d, %Y}* ({left}; {_which(m.threshold, m.days_left)})"
            f"{basis}\nStage: {esc(m.stage_label)}",
            block_id=f"sol:{m.case}",
        ),
    ]
    if m.holdups:
        mark = ":red_circle: " if m.red else "• "
        blocks.append(section("*Open hold-ups*\n" + _lines([mark + esc(h) for h in m.holdups])))
    else:
        blocks.append(section("*Open hold-ups*\nNone."))
    blocks.append(
        context(
            ":warning: This day has passed: tell a lawyer today. A lawyer confirms every limitation date."
            if gone
            else "File before this day ends: casebot never moves it past a weekend or holiday. "
            "A lawyer confirms every limitation date."
        )
    )
    blocks.append(actions(f"sol-actions:{m.case}", [button("Open case", OPEN_CASE, m.case)]))
    return text, blocks


def build_handover(m: HandoverMessage) -> tuple[str, list[Block]]:
    """To a lead: a manager can no longer receive client data (made a guest, deactivated, of another
    workspace); their open cases need another manager. Case numbers only."""
    n = len(m.cases)
    shown = ", ".join(esc(c) for c in m.cases[:40]) + (f" and {n - 40} more" if n > 40 else "")
    text = f"<@{m.person}> {m.why}: {plural(n, 'open case')} to hand over."
    return text, [
        header("Cases to hand over"),
        section(f"<@{m.person}> {m.why}, so casebot sends them no client data. Their open cases: {shown}."),
        context(
            f"Move them all with `/case handover <@{m.person}> @someone`, or one by one with `/case assign`."
        ),
    ]


def build_claim_deadline_alert(m: ClaimDeadlineAlertMessage) -> tuple[str, list[Block]]:
    """As a claim against a public entity crosses 90, 60, 30, 14 or 7 days before the last day to present it:
    the case, the client, the deadline and where it comes from, and an Open case button. No amounts."""
    left = days_left(m.days_left)
    who = f" (for <@{m.covering_for}>, who is away)" if m.covering_for else ""
    gone = m.days_left < 0
    text = (
        f"Claim deadline (public entity){who}: {m.case} · {m.client} — present the claim by "
        f"{m.deadline_on:%b %-d, %Y} ({left})" + (": tell a lawyer today." if gone else ".")
    )
    blocks: list[Block] = [
        header(f"Claim deadline {left}: {m.case}"),
        section(
            f":classical_building: *{esc(m.case)}* · {esc(m.client)} — manager <@{m.manager}>{who}\n"
            f"Present the claim to the public entity by *{m.deadline_on:%A, %B %-d, %Y}* "
            f"({left}; {_which(m.threshold, m.days_left)})\n"
            f"Deadline: {esc(m.basis)}\nStage: {esc(m.stage_label)}",
            block_id=f"claim-deadline:{m.case}",
        ),
        context(
            ":warning: This day has passed: tell a lawyer today. Record the claim with `/case claim "
            f"{esc(m.case)} presented <day>` if it was presented. A lawyer confirms every date."
            if gone
            else "Present it before this day ends: casebot never moves it past a weekend or holiday. "
            "The limitation date is a separate, later deadline. A lawyer confirms every date."
        ),
        actions(f"claim-deadline-actions:{m.case}", [button("Open case", OPEN_CASE, m.case)]),
    ]
    return text, blocks

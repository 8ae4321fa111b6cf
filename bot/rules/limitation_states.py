"""The general personal-injury limitation period of every state and DC, and the claim deadlines against public
entities, computed from the rows of bot/rules/limitation_table.py (what each row says and how far its source
was checked is described there).

Pure functions: no I/O, standard library only.

What is modelled is the general period for a personal-injury (negligence) claim, counted from the day of the
loss. Tolling, discovery rules, minors, wrongful death, medical negligence, intentional torts and claims with
their own statutes are not modelled; a lawyer confirms every date.

How a date is computed (the conservative rules of bot/rules/limitation.py, kept here):
- N years: the same calendar day N years later (the anniversary); a loss on February 29 runs out on
  February 28 when the final year has no February 29 (the earlier of the two candidate days);
- N months: the same day of the month N months later, or the last day of that month when it is shorter
  (January 31 + 1 month is February 28 or 29): the earlier day, never the first of the next month;
- N days: the day of the loss is not counted, so the period runs out N days after it;
- a last day on a weekend or a court holiday is never moved forward to the next business day.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from bot.rules.limitation_table import ALL_CODES, CLAIM_DEADLINES, PERIODS, ClaimDeadline, StatePeriod
from bot.rules.public_entity_table import PUBLIC_REFUSALS, PUBLIC_SUITS
from bot.rules.said import quoted, said

LAWYER_CONFIRMS = "A lawyer confirms this date."
NO_CLAIM_DEADLINE = (
    "casebot holds no deadline for presenting a claim to a public entity in this state: "
    "enter the claim deadline yourself."
)


class UnknownState(ValueError):
    """The code is not one of the 50 states or DC."""

    def __init__(self, state: str) -> None:
        self.state = state
        self.message = said(
            quoted(state.strip()[:20]),
            " is not a state casebot knows (give the two-letter code, e.g. CA, NY, DC). "
            "Enter the limitation date itself instead.",
        )
        super().__init__(str(self.message))


class LimitationRefused(ValueError):
    """casebot will not compute this state's date: the reason says why, and the caller asks for the date."""

    def __init__(self, row: StatePeriod, reason: str) -> None:
        self.row = row
        self.state = row.state
        self.reason = reason
        super().__init__(f"{row.state}: {reason} Enter the limitation date itself. {LAWYER_CONFIRMS}")


# ---------------------------------------------------------------- date arithmetic


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; February 29 becomes February 28 (the earlier day)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # Feb 29 into a year without one
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, clamped to that month's last day (the earlier day)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def add_days(day: date, days: int) -> date:
    """`days` days later; the day itself is not counted."""
    return day + timedelta(days=days)


# ---------------------------------------------------------------- look-ups


def _code(state: str) -> str:
    code = state.strip().upper()
    if code not in ALL_CODES:
        raise UnknownState(state)
    return code


def row_for(state: str, loss_on: date) -> StatePeriod:
    """The row in force for a loss on this day, refusing or not (raises UnknownState for an unknown code)."""
    code = _code(state)
    rows = [
        r for r in PERIODS if r.state == code and (r.effective_from is None or r.effective_from <= loss_on)
    ]
    if not rows:  # every state has a row without a start day, so this is a broken table
        raise UnknownState(state)
    return max(rows, key=lambda r: r.effective_from or date.min)


def period_for(state: str, loss_on: date, motor: bool = False) -> StatePeriod:
    """The period that applies to a loss on this day in this state (two-letter code).

    Raises UnknownState for a code that is not a state or DC, and LimitationRefused (with the reason) where
    casebot will not compute the date."""
    row = row_for(state, loss_on)
    if row.refuse:
        raise LimitationRefused(row, row.refuse)
    if motor and row.motor_refuse:
        raise LimitationRefused(row, row.motor_refuse)
    return row


def limitation_date(loss_on: date, state: str, motor: bool = False) -> date:
    """The last day to file suit: the loss day plus the period, by the conservative rules at the top."""
    row = period_for(state, loss_on, motor)
    years = row.motor_years if motor and row.motor_years is not None else row.years
    day = loss_on
    if years:
        day = add_years(day, years)
    if row.months:
        day = add_months(day, row.months)
    return day


def claim_rule(state: str) -> ClaimDeadline | None:
    """The claim-presentation rule casebot holds for this state, or None ('enter the claim deadline yourself')."""
    code = _code(state)
    return next((c for c in CLAIM_DEADLINES if c.state == code), None)


def claim_deadline(loss_on: date, state: str) -> tuple[date, ClaimDeadline] | None:
    """The last day to present a claim to a public entity, counted from the loss, and the rule; None where
    casebot holds no rule for the state (the caller says NO_CLAIM_DEADLINE)."""
    rule = claim_rule(state)
    if rule is None:
        return None
    if rule.months is not None:
        return add_months(loss_on, rule.months), rule
    assert rule.days is not None
    return add_days(loss_on, rule.days), rule


def describe(loss_on: date, state: str, motor: bool = False) -> str:
    """One line for the card or the reply: the date, the period, the statute, and that a lawyer confirms it.

    Raises as period_for does; the refusal's message already says why and asks for the date."""
    row = period_for(state, loss_on, motor)
    last = limitation_date(loss_on, state, motor)
    kind = (
        "motor-vehicle injury" if motor and row.motor_years is not None else "general personal-injury period"
    )
    return (
        f"{last:%Y-%m-%d}: {row.period_text(motor)} from the loss on {loss_on:%Y-%m-%d} "
        f"({kind}, {row.citation(motor)}). {LAWYER_CONFIRMS}"
    )


# ---------------------------------------------------------------- the documents' tables


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def public_cell(state: str) -> str:
    """The suit period against a public entity casebot holds for the state, or that it refuses `public`."""
    code = state.strip().upper()
    row = next((p for p in PUBLIC_SUITS if p.state == code), None)
    return f"{row.period_text()}, {row.statute}" if row else "refused: enter the dates"


def _source(row: StatePeriod | ClaimDeadline) -> str:
    words = f"; [words]({row.words_source})" if row.words_source else ""
    return f"[{row.checked}]({row.source}){words}, checked {row.checked_on:%Y-%m-%d}"


def markdown_table() -> str:
    """The tables of docs/limitation-states.md, generated from the rows (a test keeps the two equal)."""
    lines = [
        "| State | Period | Statute | Losses / notes | Claim deadline (public entity) | Suit against a public entity "
        "| Statute's words | Source (how read), last checked |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in PERIODS:
        if row.refuse:
            period = "refused"
            notes = f"**casebot refuses:** {row.refuse} {row.note}"
        else:
            period = row.period_text()
            if row.motor_years is not None:
                period += f"; motor vehicle {row.period_text(motor=True)}"
            notes = row.note
            if row.motor_refuse:
                notes += f" **Motor vehicle: casebot refuses:** {row.motor_refuse}"
        statute = row.statute + (f"; motor: {row.motor_statute}" if row.motor_statute else "")
        if row.effective_from:
            notes = f"losses on or after {row.effective_from:%Y-%m-%d}: {notes}"
        rule = claim_rule(row.state)
        claim = f"{rule.period_text()}, {rule.statute}" if rule else "enter it yourself"
        words = row.words or ("—" if row.refuse else "not found: a lawyer reads the statute")
        lines.append(
            f"| {row.state} | {_cell(period)} | {_cell(statute)} | {_cell(notes)} | {_cell(claim)} "
            f"| {_cell(public_cell(row.state))} | {_cell(words)} | {_source(row)} |"
        )
    lines += [
        "",
        "| State | Claim deadline | Statute | Notes | Statute's words | Source (how read), last checked |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for c in CLAIM_DEADLINES:
        lines.append(
            f"| {c.state} | {c.period_text()} | {_cell(c.statute)} | {_cell(c.note)} | {_cell(c.words)} "
            f"| {_source(c)} |"
        )
    lines += [
        "",
        "| State | Suit against a public entity | Statute | Statute's words | Notes | Source (how read), last checked |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for p in PUBLIC_SUITS:
        lines.append(
            f"| {p.state} | {p.period_text()} from the loss | {_cell(p.statute)} | {_cell(p.words)} "
            f"| {_cell(p.note)} | [{p.checked}]({p.source}), checked {p.checked_on:%Y-%m-%d} |"
        )
    for r in PUBLIC_REFUSALS:
        lines.append(
            f"| {r.state} | refused: enter the dates | {_cell(r.statute)} | — | {_cell(r.reason)} "
            f"| [source]({r.source}), checked {r.checked_on:%Y-%m-%d} |"
        )
    return "\n".join(lines) + "\n"


def summary_table() -> str:
    """The short table of docs/user-guide.md (period, statute, claim deadline), generated from the rows above; the
    notes and sources are in docs/limitation-states.md (a test keeps both equal to the code)."""
    lines = [
        "| State | Period | Statute | Claim deadline (public entity) | Suit against a public entity |",
        "| --- | --- | --- | --- | --- |",
    ]
    for i, row in enumerate(PERIODS):
        if row.refuse:
            period = "casebot refuses: enter the date"
        else:
            period = row.period_text()
            if row.motor_years is not None:
                period += f"; motor vehicle {row.period_text(motor=True)}"
            if row.motor_refuse:
                period += "; motor vehicle: casebot refuses"
        later = PERIODS[i + 1] if i + 1 < len(PERIODS) and PERIODS[i + 1].state == row.state else None
        if row.effective_from:
            period = f"losses from {row.effective_from:%Y-%m-%d}: {period}"
        elif later is not None and later.effective_from is not None:
            period = f"losses before {later.effective_from:%Y-%m-%d}: {period}"
        statute = row.statute + (f"; motor: {row.motor_statute}" if row.motor_statute else "")
        rule = claim_rule(row.state)
        claim = f"{rule.period_text()}, {rule.statute}" if rule else "enter it yourself"
        lines.append(
            f"| {row.state} | {_cell(period)} | {_cell(statute)} | {_cell(claim)} | {_cell(public_cell(row.state))} |"
        )
    return "\n".join(lines) + "\n"

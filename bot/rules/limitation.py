"""The statute of limitations and the claim deadline against a public entity: where each date comes from,
and when each is due an alert.

A case carries its limitation date. The manager may enter it directly (always right when an exception
applies: a minor, medical negligence, wrongful death, tolling), or give the day of the loss and the state
(`motor` for a motor-vehicle injury), and casebot computes it with the state's general personal-injury
period from the one table of every state and DC, bot/rules/limitation_table.py (its rows, sources and
refusals are listed in docs/limitation-states.md). The stored date is what every alert and every red flag
reads. A claim against a public entity (`public`) also carries the deadline for presenting the claim,
computed where the table holds the state's rule, else entered by hand.

How the date is computed from a loss on day L with a period of N years:
- the same calendar day N years later (the anniversary): the day of the loss is not counted, so the
  period runs out at the end of the anniversary;
- a loss on February 29 runs out on February 28 of the final year (the earlier of the two candidate days);
- a last day that falls on a weekend or a court holiday is NOT moved. The rules of court would usually
  carry it to the next court business day (e.g. Cal. Code Civ. Proc. § 12a, Tex. Civ. Prac. & Rem. Code
  § 16.072, N.Y. Gen. Constr. Law § 25-a, O.C.G.A. § 1-3-1(d)(3), Fla. R. Gen. Prac. & Jud. Admin. 2.514),
  but casebot shows the earlier date on purpose: the firm's holiday calendar is not the court's, a suit
  filed a day early is never late, and a deadline shown one day too late can lose a client's claim. Treat
  the date as "file before this day ends", not as a promise that the next business day is still open.
Months and days (claim deadlines) follow the same rule: see limitation_states.

This is a calendar aid, not legal advice: a lawyer confirms every limitation date and claim deadline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from bot.errors import InputError
from bot.rules.limitation_states import (
    LAWYER_CONFIRMS,
    NO_CLAIM_DEADLINE,
    LimitationRefused,
    UnknownState,
    add_years,
    claim_deadline,
    limitation_date,
    period_for,
)
from bot.rules.limitation_table import ALL_CODES, PERIODS, STATES, ClaimDeadline, StatePeriod
from bot.rules.playbook import CLOSED_STAGES, Numbers, Stage
from bot.rules.public_entity import PublicRefused, SuitReading, public_reading, reading_text

__all__ = [
    "ALL_CODES",
    "LAWYER_CONFIRMS",
    "NO_CLAIM_DEADLINE",
    "PERIODS",
    "STATES",
    "ClaimDeadline",
    "LimitationAlert",
    "LimitationRefused",
    "StatePeriod",
    "UnknownState",
    "add_years",
    "alert_due",
    "claim_basis",
    "claim_deadline",
    "claim_threshold_crossed",
    "days_left",
    "deadline_warning",
    "describe",
    "describe_claim",
    "is_red",
    "limitation_basis",
    "limitation_date",
    "limitation_from_loss",
    "period_for",
    "refusal",
    "threshold_crossed",
    "watched",
]


def limitation_from_loss(loss_on: date, state: str, motor: bool = False) -> date:
    """The last day to file, as described at the top: the anniversary, never rolled forward.

    Refuses (InputError, asking for the date itself) a code that is not a state or DC, and a loss whose
    date casebot will not compute, saying why."""
    refused = refusal(loss_on, state, motor)
    if refused is not None:
        raise InputError(refused, field="state")
    return limitation_date(loss_on, state, motor)


def refusal(loss_on: date, state: str, motor: bool = False) -> str | None:
    """Why casebot will not compute the date for this loss (the whole sentence, asking for the date), or
    None when it will. A code that is not a state or DC is refused as an InputError."""
    try:
        period_for(state, loss_on, motor)
    except UnknownState as unknown:
        raise InputError(unknown.message, field="state") from None
    except LimitationRefused as refused:
        return str(refused)
    return None


def days_left(deadline: date, day: date) -> int:
    """Calendar days from `day` to the deadline (0 on the day itself, negative once it has passed)."""
    return (deadline - day).days


def deadline_warning(what: str, deadline: date | None, today: date, within: int) -> str | None:
    """The warning line for a deadline passed or within `within` days (the playbook's deadline_warn_days):
    ":warning: The limitation date (2025-08-14) passed 478 days ago: tell a lawyer today."; None otherwise."""
    if deadline is None:
        return None
    left = days_left(deadline, today)
    if left > within:
        return None
    if left < 0:
        when = f"passed {-left} day{'s' if left != -1 else ''} ago"
    elif left == 0:
        when = "is today"
    else:
        when = f"is in {left} day{'s' if left != 1 else ''}"
    return f":warning: {what} ({deadline:%Y-%m-%d}) {when}: tell a lawyer today."


def watched(stage: str | Stage, closed: bool = False) -> bool:
    """Alerts run while the case is open and not in litigation (a filed suit has stopped the clock)."""
    return not closed and Stage(stage) not in CLOSED_STAGES


def alert_due(
    deadline: date | None,
    day: date,
    thresholds: Sequence[int],
    *,
    stage: str | Stage = Stage.RECORDS,
    closed: bool = False,
) -> int | None:
    """The alert a case is due on `day` before `deadline`: the smallest of `thresholds` it is inside, or 0
    once the date has passed (the "passed" alert).

    A case entered 45 days before its date is due the 60-day alert, not three alerts at once; each
    threshold is delivered once (keyed by case, threshold, person and date), so a later, smaller threshold
    sends again, and a date gone sends one last alert saying it has passed."""
    if deadline is None or not watched(stage, closed):
        return None
    left = days_left(deadline, day)
    if left < 0:
        return PASSED
    inside = [t for t in thresholds if left <= t]
    return min(inside) if inside else None


def threshold_crossed(
    limitation_on: date | None,
    day: date,
    numbers: Numbers,
    *,
    stage: str | Stage = Stage.RECORDS,
    closed: bool = False,
) -> int | None:
    """The limitation alert a case is due on `day` (of 180, 90, 60, 30 days), as `alert_due` says."""
    return alert_due(limitation_on, day, numbers.limitation_alert_days, stage=stage, closed=closed)


def claim_threshold_crossed(
    claim_on: date | None,
    day: date,
    numbers: Numbers,
    *,
    stage: str | Stage = Stage.RECORDS,
    closed: bool = False,
) -> int | None:
    """The claim-deadline alert a case is due on `day` (of 90, 60, 30, 14, 7 days), as `alert_due` says."""
    return alert_due(claim_on, day, numbers.claim_alert_days, stage=stage, closed=closed)


def is_red(
    limitation_on: date | None,
    day: date,
    numbers: Numbers,
    *,
    stage: str | Stage = Stage.RECORDS,
    closed: bool = False,
) -> bool:
    """Inside the red window (90 days): the case's hold-ups are flagged red on the card and in digests."""
    return (
        limitation_on is not None
        and watched(stage, closed)
        and days_left(limitation_on, day) <= numbers.limitation_red_days
    )


PASSED = 0  # the threshold of the alert sent once a limitation date or claim deadline has passed


class LimitationAlert(NamedTuple):
    """A case due an alert: a limitation alert, or a claim-deadline alert (the same shape)."""

    case: str
    manager: str
    days_left: int
    threshold: int


# ---------------------------------------------------------------- where a date comes from


def _computed(loss_on: date | None, state: str | None, motor: bool) -> tuple[date, StatePeriod] | None:
    """The date the table gives for this loss, with its row; None without a loss or where it refuses."""
    if loss_on is None or not state:
        return None
    try:
        return limitation_date(loss_on, state, motor), period_for(state, loss_on, motor)
    except (UnknownState, LimitationRefused):
        return None


def _kind(row: StatePeriod, motor: bool) -> str:
    return ", motor-vehicle injury" if motor and row.motor_years is not None else ""


def _public(
    loss_on: date | None, state: str | None, motor: bool, rejected_on: date | None, rejection: str | None
) -> SuitReading | None:
    """The public-entity reading for this loss; None without a loss or where casebot holds no rule."""
    if loss_on is None or not state:
        return None
    try:
        return public_reading(loss_on, state, motor, rejected_on=rejected_on, rejection=rejection)
    except (UnknownState, PublicRefused):
        return None


def limitation_basis(
    limitation_on: date,
    loss_on: date | None = None,
    state: str | None = None,
    motor: bool = False,
    *,
    public: bool = False,
    rejected_on: date | None = None,
    rejection: str | None = None,
    loss_day: bool = True,
) -> str:
    """Where the stored date comes from, in a few words for the card and the calendar: the statute and
    the period when it is the date the table gives for the loss (for a claim against a public entity, the
    earliest deadline that applies, named), else "entered by hand". `loss_day=False` leaves the day of the
    loss out (the calendar feed)."""
    if public:
        reading = _public(loss_on, state, motor, rejected_on, rejection)
        if reading is None or reading.on != limitation_on:
            return "entered by hand"
        return reading_text(reading, loss_on if loss_day else None)
    computed = _computed(loss_on, state, motor)
    if computed is None or computed[0] != limitation_on:
        return "entered by hand"
    row = computed[1]
    when = f" on {loss_on:%Y-%m-%d}" if loss_day else ""
    return f"{row.citation(motor)}, {row.period_text(motor)} from the loss{when}{_kind(row, motor)}"


def describe(
    limitation_on: date,
    loss_on: date | None = None,
    state: str | None = None,
    motor: bool = False,
    *,
    public: bool = False,
    rejected_on: date | None = None,
    rejection: str | None = None,
) -> str:
    """One line on where the date comes from, for the reply to a change."""
    if loss_on is None or state is None:
        return f"{limitation_on:%Y-%m-%d} (entered)"
    if public:
        reading = _public(loss_on, state, motor, rejected_on, rejection)
        if reading is None:
            return f"{limitation_on:%Y-%m-%d} (entered)"
        text = reading_text(reading, loss_on)
        if reading.on != limitation_on:
            return f"{limitation_on:%Y-%m-%d} (entered; {text}, would be {reading.on:%Y-%m-%d})"
        return f"{limitation_on:%Y-%m-%d} ({text})"
    try:
        row = period_for(state, loss_on, motor)
    except LimitationRefused as refused:
        return (
            f"{limitation_on:%Y-%m-%d} (entered; casebot does not compute it for this loss: {refused.reason})"
        )
    computed = limitation_date(loss_on, state, motor)
    period = f"{row.period_text(motor)} from the loss on {loss_on:%Y-%m-%d}{_kind(row, motor)}"
    if computed != limitation_on:
        return f"{limitation_on:%Y-%m-%d} (entered; {period} under {row.citation(motor)} would be {computed:%Y-%m-%d})"
    return f"{limitation_on:%Y-%m-%d} ({period}, {row.citation(motor)})"


def _claim_computed(loss_on: date | None, state: str | None) -> tuple[date, ClaimDeadline] | None:
    if loss_on is None or not state:
        return None
    try:
        return claim_deadline(loss_on, state)
    except UnknownState:
        return None


def claim_basis(
    claim_on: date, loss_on: date | None = None, state: str | None = None, *, loss_day: bool = True
) -> str:
    """Where the stored claim deadline comes from: the statute and period, or "entered by hand"."""
    computed = _claim_computed(loss_on, state)
    if computed is None or computed[0] != claim_on:
        return "entered by hand"
    rule = computed[1]
    when = f" on {loss_on:%Y-%m-%d}" if loss_day else ""
    return f"{rule.statute}, {rule.period_text()} from the loss{when}"


def describe_claim(claim_on: date, loss_on: date | None = None, state: str | None = None) -> str:
    """One line on where the claim deadline comes from, for the reply to a change."""
    computed = _claim_computed(loss_on, state)
    if computed is None:
        return f"{claim_on:%Y-%m-%d} (entered)"
    day, rule = computed
    period = f"{rule.period_text()} from the loss on {loss_on:%Y-%m-%d}"
    if day != claim_on:
        return f"{claim_on:%Y-%m-%d} (entered; {period} under {rule.statute} would be {day:%Y-%m-%d})"
    return f"{claim_on:%Y-%m-%d} ({period}, {rule.statute})"

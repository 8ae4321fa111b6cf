"""The statute of limitations: the last day to file suit, computed from a loss date and state, and the alerts.

A case carries its limitation date. The manager may enter it directly (always right when an exception
applies: a minor, a claim against a public entity, medical negligence, wrongful death, tolling), or give
the day of the loss and the state, and casebot computes it with the state's general personal-injury
period from PERIODS below. The stored date is what every alert and every red flag reads.

How the date is computed from a loss on day L with a period of N years:
- the same calendar day N years later (the anniversary): the day of the loss is not counted, so the
  period runs out at the end of the anniversary;
- a loss on February 29 runs out on February 28 of the final year (the earlier of the two candidate days);
- a last day that falls on a weekend or a court holiday is NOT moved. In all five states the rules
  of court would carry it to the next court business day (e.g. Cal. Code Civ. Proc. § 12a,
  Tex. Civ. Prac. & Rem. Code § 16.072, N.Y. Gen. Constr. Law § 25-a, O.C.G.A. § 1-3-1(d)(3),
  Fla. R. Gen. Prac. & Jud. Admin. 2.514), but casebot shows the earlier date on purpose: the firm's
  holiday calendar is not the court's, a suit filed a day early is never late, and a deadline shown
  one day too late can lose a client's claim. Treat the date as "file before this day ends", not as a
  promise that the next business day is still open.

This is a calendar aid, not legal advice: a lawyer confirms every limitation date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from bot.errors import InputError
from bot.rules.playbook import CLOSED_STAGES, Numbers, Stage


@dataclass(frozen=True)
class Period:
    """A state's general personal-injury (negligence) limitation period for losses in a span of days."""

    state: str
    years: int
    rule: str  # the statute, as a lawyer cites it
    note: str = ""
    losses_from: date | None = None  # applies to losses on or after this day (None: any)
    losses_before: date | None = None  # applies to losses before this day (None: any)

    def covers(self, loss_on: date) -> bool:
        return (self.losses_from is None or loss_on >= self.losses_from) and (
            self.losses_before is None or loss_on < self.losses_before
        )


FL_HB_837 = date(2023, 3, 24)  # Florida's 2023 tort reform took effect; the shorter period from this day on


PERIODS: tuple[Period, ...] = (
    Period(
        "CA", 2, "Cal. Civ. Proc. Code § 335.1", "injury caused by the wrongful act or neglect of another"
    ),
    Period(
        "FL",
        2,
        "Fla. Stat. § 95.11(4)(a) (as amended by HB 837, 2023)",
        "negligence accruing on or after March 24, 2023; the effective day itself is given the shorter "
        "period, to be safe",
        losses_from=FL_HB_837,
    ),
    Period(
        "FL",
        4,
        "Fla. Stat. § 95.11(3)(a) (before HB 837)",
        "negligence accruing before March 24, 2023",
        losses_before=FL_HB_837,
    ),
    Period("TX", 2, "Tex. Civ. Prac. & Rem. Code § 16.003", "personal injury"),
    Period("NY", 3, "N.Y. C.P.L.R. § 214(5)", "personal injury"),
    Period("GA", 2, "O.C.G.A. § 9-3-33", "injuries to the person"),
)


STATES: tuple[str, ...] = tuple(dict.fromkeys(p.state for p in PERIODS))


def period_for(state: str, loss_on: date) -> Period:
    """The period that applies to a loss on this day in this state (two-letter code)."""
    code = state.strip().upper()
    for period in PERIODS:
        if period.state == code and period.covers(loss_on):
            return period
    raise InputError(
        f"casebot has no limitation period for “{state.strip()[:20]}”; it knows {', '.join(STATES)}. "
        "Enter the limitation date itself instead.",
        example="sol 2028-03-02",
    )


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; February 29 becomes February 28 (the earlier day)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # Feb 29 into a year without one
        return day.replace(year=day.year + years, day=28)


def limitation_from_loss(loss_on: date, state: str) -> date:
    """The last day to file, as described at the top: the anniversary, never rolled forward."""
    return add_years(loss_on, period_for(state, loss_on).years)


def days_left(limitation_on: date, day: date) -> int:
    """Calendar days from `day` to the limitation date (0 on the day itself, negative once it has passed)."""
    return (limitation_on - day).days


def watched(stage: str | Stage, closed: bool = False) -> bool:
    """Alerts run while the case is open and not in litigation (a filed suit has stopped the clock)."""
    return not closed and Stage(stage) not in CLOSED_STAGES


def threshold_crossed(
    limitation_on: date | None,
    day: date,
    numbers: Numbers,
    *,
    stage: str | Stage = Stage.RECORDS,
    closed: bool = False,
) -> int | None:
    """The alert a case is due on `day`: the smallest threshold (of 180, 90, 60, 30 days) it is inside.

    A case entered 45 days before its limitation date is due the 60-day alert, not three alerts at once;
    each threshold is delivered once (the reminders key them `sol:<case>:<threshold>`), so a later,
    smaller threshold sends again and a passed date keeps the last one."""
    if limitation_on is None or not watched(stage, closed):
        return None
    left = days_left(limitation_on, day)
    inside = [t for t in numbers.limitation_alert_days if left <= t]
    return min(inside) if inside else None


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


class LimitationAlert(NamedTuple):
    case: str
    manager: str
    days_left: int
    threshold: int


def describe(limitation_on: date, loss_on: date | None = None, state: str | None = None) -> str:
    """One line on where the date comes from."""
    if loss_on is None or state is None:
        return f"{limitation_on:%Y-%m-%d} (entered)"
    period = period_for(state, loss_on)
    computed = add_years(loss_on, period.years)
    if computed != limitation_on:
        return (
            f"{limitation_on:%Y-%m-%d} (entered; {period.years} years from the loss on {loss_on:%Y-%m-%d} "
            f"under {period.rule} would be {computed:%Y-%m-%d})"
        )
    return (
        f"{limitation_on:%Y-%m-%d} ({period.years} years from the loss on {loss_on:%Y-%m-%d}, {period.rule})"
    )

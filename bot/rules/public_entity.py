"""Suing a public entity: the states whose suit period against a public entity (a city, a county, the state, a
public authority) differs from the ordinary personal-injury period, and the suit deadline that runs from a
written rejection of the claim.

Pure functions: no I/O, standard library only. Each row names its statute, quotes the words that set the
period, says how far the text was read and the day it was last checked. casebot holds a row only where it can
cite the statute and its words; for every other state `public` is refused and the dates are asked for: never
silently the ordinary period.

The deadline shown is always the EARLIEST that applies: the public-entity period, the ordinary period, and,
after a written rejection, the period that runs from it. Where a boundary can be read two ways the earlier
day is kept and the reply says so:

- New York, one year and ninety days (Gen. Mun. Law § 50-i(1)(c)): the year counted as an anniversary and
  the ninety days as calendar days after it (Decicco v. City of Syracuse, 68 A.D.3d 1771 (4th Dep't 2009));
  where counting the ninety days first gives an earlier day (a loss near February 29), that day is kept.
- California, "six months" after a written rejection (Gov. Code § 945.6(a)(1)): Gonzales v. County of Los
  Angeles (1988) 199 Cal.App.3d 601 reads it as six calendar months or 182 days, WHICHEVER IS LONGER;
  casebot keeps the SHORTER of the two, so a suit filed by casebot's day is timely under either reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.rules.limitation_states import LimitationRefused, add_months, add_years, limitation_date, period_for
from bot.rules.public_entity_table import (
    PUBLIC_NAME,
    PUBLIC_REFUSALS,
    PUBLIC_SUITS,
    REJECTED,
    AfterRejection,
    PublicSuit,
)


def public_suit(state: str) -> PublicSuit | None:
    code = state.strip().upper()
    return next((p for p in PUBLIC_SUITS if p.state == code), None)


def public_refusal(state: str) -> str:
    """Why casebot will not compute the suit deadline against a public entity in this state."""
    code = state.strip().upper()
    held = next((r for r in PUBLIC_REFUSALS if r.state == code), None)
    if held is not None:
        return held.reason
    return (
        f"casebot holds no rule for suing a public entity in {code}, and the ordinary period may not be the one "
        "that applies"
    )


def _years_then_days(loss_on: date, years: int, days: int) -> date:
    return add_years(loss_on, years) + timedelta(days=days)


def _days_then_years(loss_on: date, years: int, days: int) -> date:
    return add_years(loss_on + timedelta(days=days), years)


def public_suit_date(loss_on: date, row: PublicSuit) -> tuple[date, str | None]:
    """The last day to sue the public entity, counted from the loss, and the boundary reading said when two
    readings differ (the earlier day is kept)."""
    first = _years_then_days(loss_on, row.years, row.days)
    if not row.days:
        return first, None
    second = _days_then_years(loss_on, row.years, row.days)
    if first == second:
        return first, None
    kept = min(first, second)
    return kept, (
        f"counting the {row.days} days before the year gives {second:%Y-%m-%d}, after it {first:%Y-%m-%d}: "
        f"the earlier, {kept:%Y-%m-%d}, is kept"
    )


def after_rejection_date(notice_on: date, rule: AfterRejection) -> tuple[date, str]:
    """The last day to sue after a written rejection: the earlier of `months` calendar months and `days`
    days from the notice, with the reading to say."""
    months = add_months(notice_on, rule.months)
    days = notice_on + timedelta(days=rule.days)
    kept = min(months, days)
    return kept, (
        f"six months read as the earlier of six calendar months ({months:%Y-%m-%d}) and {rule.days} days "
        f"({days:%Y-%m-%d}); Gonzales v. County of Los Angeles (1988) 199 Cal.App.3d 601 allows the longer, "
        "casebot keeps the earlier"
    )


class PublicRefused(ValueError):
    """casebot holds no suit period against a public entity for this state: the caller asks for the dates."""

    def __init__(self, state: str) -> None:
        self.state = state.strip().upper()
        self.reason = public_refusal(state)
        super().__init__(f"{self.state}: {self.reason}")


@dataclass(frozen=True)
class SuitReading:
    """The last day to sue a public entity: the earliest of the deadlines that apply, named, with the
    ordinary period beside it and the boundary readings to say."""

    on: date
    name: str  # PUBLIC_NAME, or "the ordinary period" when it ends first
    statute: str
    period: str  # "1 year from the loss", "6 months from the written rejection of 2026-01-15"
    ordinary_on: date | None
    ordinary: str  # "2 years under Ariz. Rev. Stat. § 12-542(1)", or why it is not computed
    readings: tuple[str, ...] = ()
    from_rejection: bool = False


ORDINARY_NAME = "the ordinary period"


def public_reading(
    loss_on: date,
    state: str,
    motor: bool = False,
    *,
    rejected_on: date | None = None,
    rejection: str | None = None,
) -> SuitReading:
    """The suit deadline against a public entity for a loss in `state` (and after a written rejection on
    `rejected_on`, where the state runs a period from it): the earliest that applies. Raises PublicRefused
    where casebot holds no rule for the state (and UnknownState for a code that is not a state)."""
    row = public_suit(state)
    if row is None:
        period_for(state, loss_on)  # an unknown code is refused as such
        raise PublicRefused(state)
    readings: list[str] = []
    public_on, reading = public_suit_date(loss_on, row)
    if reading:
        readings.append(reading)
    candidates = [(public_on, 0, PUBLIC_NAME, row.statute, f"{row.period_text()} from the loss", False)]
    if rejection == REJECTED and rejected_on is not None and row.after_rejection is not None:
        rule = row.after_rejection
        after, reading = after_rejection_date(rejected_on, rule)
        readings.append(reading)
        candidates.append(
            (
                after,
                1,
                PUBLIC_NAME,
                rule.statute,
                f"6 months from the written rejection of {rejected_on:%Y-%m-%d}",
                True,
            )
        )
    ordinary_on: date | None = None
    try:
        ordinary_row = period_for(state, loss_on, motor)
        ordinary_on = limitation_date(loss_on, state, motor)
        ordinary = f"{ordinary_row.period_text(motor)} under {ordinary_row.citation(motor)}"
        candidates.append((ordinary_on, 2, ORDINARY_NAME, ordinary_row.citation(motor), ordinary, False))
    except LimitationRefused as refused:
        ordinary = f"not computed ({refused.reason})"
    on, _, name, statute, period, from_rejection = min(candidates, key=lambda c: (c[0], c[1]))
    return SuitReading(on, name, statute, period, ordinary_on, ordinary, tuple(readings), from_rejection)


def reading_text(r: SuitReading, loss_on: date | None = None) -> str:
    """“suit against a public entity: 1 year from the loss on 2025-06-14, Ariz. Rev. Stat. § 12-821(A); the
    ordinary period, 2 years under … , would end 2027-06-14”. Without `loss_on`, the loss's day is left out
    (the calendar feed leaves the firm's hands)."""
    period = (
        r.period
        if loss_on is None
        else r.period.replace("from the loss", f"from the loss on {loss_on:%Y-%m-%d}")
    )
    if r.name == ORDINARY_NAME:
        return f"{ORDINARY_NAME}, {r.ordinary}, ends before the period to sue a public entity, so it is the one shown"
    text = f"{PUBLIC_NAME}: {period}, {r.statute}"
    if r.ordinary_on is not None and r.ordinary_on != r.on:
        text += f"; {ORDINARY_NAME}, {r.ordinary}, would end {r.ordinary_on:%Y-%m-%d}"
    elif r.ordinary_on is not None:
        text += f"; {ORDINARY_NAME}, {r.ordinary}, ends the same day"
    elif r.ordinary_on is None:
        text += f"; {ORDINARY_NAME}: {r.ordinary}"
    return text

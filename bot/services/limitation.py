"""A case's limitation date and claim deadline: set them, and find the cases whose alerts are due or that are
inside the red window. The claim's own events (presented, rejected) are bot/services/claim_events.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.errors import InputError
from bot.rules.ages import plural
from bot.rules.limitation import (
    LAWYER_CONFIRMS,
    NO_CLAIM_DEADLINE,
    LimitationAlert,
    claim_deadline,
    claim_threshold_crossed,
    days_left,
    deadline_warning,
    describe,
    describe_claim,
    limitation_from_loss,
    refusal,
    threshold_crossed,
)
from bot.rules.playbook import Numbers
from bot.rules.public_entity import PublicRefused, public_reading
from bot.rules.said import Command, Said, command, said
from bot.services.changes import audit, change_case, event_day
from bot.services.firm import Firm, Outcome, Transaction
from storage import deadlines
from storage.models import Case


def _alerts_due(
    firm: Firm,
    day: date,
    thresholds: tuple[int, ...],
    rows: Callable[[Session, date], list[tuple[str, str, date]]],
    crossed: Callable[[date, date, Numbers], int | None],
) -> list[LimitationAlert]:
    widest = max(thresholds, default=0)
    with Transaction(firm, write=False) as s:
        found = rows(s, date.fromordinal(day.toordinal() + widest))
    alerts = []
    for number, manager, deadline in found:
        threshold = crossed(deadline, day, firm.numbers)
        if threshold is not None:
            alerts.append(LimitationAlert(number, manager, days_left(deadline, day), threshold))
    return alerts


def limitation_alerts_due(firm: Firm, day: date | None = None) -> list[LimitationAlert]:
    """Every open case due a limitation alert on `day` (default today), soonest limitation date first.

    One index range scan (ix_cases_open_limitation). The caller delivers each once, keyed
    `sol:<case>:<threshold>`, to the manager (or their cover) and the leads."""
    return _alerts_due(
        firm,
        day or firm.today(),
        firm.numbers.limitation_alert_days,
        deadlines.open_cases_with_limitation_by,
        threshold_crossed,
    )


def claim_deadline_alerts_due(firm: Firm, day: date | None = None) -> list[LimitationAlert]:
    """Every open case due a claim-deadline alert on `day` (default today), soonest deadline first: the
    same as limitation_alerts_due, over claim deadlines against public entities (ix_cases_open_claim_deadline)."""
    return _alerts_due(
        firm,
        day or firm.today(),
        firm.numbers.claim_alert_days,
        deadlines.open_cases_with_claim_deadline_by,
        claim_threshold_crossed,
    )


def cases_inside_red(firm: Firm, day: date | None = None) -> list[tuple[str, str, date, int]]:
    """(case, manager, limitation date, days left) of open cases inside the red window, soonest first."""

    day = day or firm.today()
    with Transaction(firm, write=False) as s:
        rows = deadlines.open_cases_with_limitation_by(
            s, date.fromordinal(day.toordinal() + firm.numbers.limitation_red_days)
        )
    return [(n, m, d, days_left(d, day)) for n, m, d in rows]


def from_today(deadline: date, today: date) -> str:
    left = days_left(deadline, today)
    if left == 0:
        return "today"
    return f"{plural(left, 'day')} from today" if left > 0 else f"{plural(-left, 'day')} ago"


def _thresholds(days: tuple[int, ...]) -> str:
    return ", ".join(str(t) for t in days)


def claim_line(firm: Firm, case: Case, lead: str = "Claim against a public entity: present it by") -> Said:
    """The sentence on the claim deadline against a public entity, for a public case."""
    if case.claim_deadline_on is None:
        return said(
            f"Claim against a public entity: {NO_CLAIM_DEADLINE.rstrip('.')}: `",
            Command(f"claim-deadline {case.number} <YYYY-MM-DD>"),
            "`.",
        )
    on = case.claim_deadline_on
    done = case.claim_presented_on or case.claim_rejected_on
    if done is not None:
        how = "presented" if case.claim_presented_on else case.claim_rejection
        return said(
            f"The claim against the public entity was {how} on {done:%Y-%m-%d} "
            f"(its deadline was {on:%Y-%m-%d}): its alerts have stopped."
        )
    return said(
        f"{lead} {describe_claim(on, case.loss_on, case.loss_state)}: {from_today(on, firm.today())}. "
        f"{alerts_line(firm, on, claim=True)}"
    )


def _public_refusal(number: str, refused: PublicRefused, loss_on: date, state: str, motor: bool) -> Said:
    """The refusal of `public` where casebot holds no rule: the reason, and the commands to enter the dates."""
    words = f"{number} <YYYY-MM-DD> loss {loss_on:%Y-%m-%d} {state}{' motor' if motor else ''} public"
    return said(
        f"{refused.state}: {refused.reason}. casebot will not show the ordinary period for a claim against a "
        "public entity: enter the last day to sue yourself with `",
        Command(f"sol {words}"),
        "` and the claim deadline with `",
        Command(f"claim-deadline {number} <YYYY-MM-DD>"),
        f"`. Nothing was changed. {LAWYER_CONFIRMS}",
    )


def reading_facts(case: Case) -> dict[str, Any]:
    return {
        "public": bool(case.public_entity),
        "rejected_on": case.claim_rejected_on,
        "rejection": case.claim_rejection,
    }


def _suit_day(firm: Firm, case: Case, on: date | None, loss_on: date, code: str, motor: bool) -> date:
    """The last day to sue for this loss: `on` when given (a lawyer's date wins), else computed. A claim
    against a public entity takes the earliest deadline that applies, or is refused where casebot holds no
    rule for the state; an ordinary loss is refused where the table refuses it."""
    if case.public_entity:
        try:
            reading = public_reading(
                loss_on, code, motor, rejected_on=case.claim_rejected_on, rejection=case.claim_rejection
            )
        except PublicRefused as no_rule:
            if on is None:
                raise InputError(
                    _public_refusal(case.number, no_rule, loss_on, code, motor),
                    field="state",
                    example=command(f"sol {case.number} <YYYY-MM-DD> loss {loss_on:%Y-%m-%d} {code} public"),
                ) from None
            return on
        return on or reading.on
    why = refusal(loss_on, code, motor)
    if why is not None and on is None:
        raise InputError(why, field="state")  # says why, and asks for the date itself
    return on or limitation_from_loss(loss_on, code, motor)


def set_limitation(
    firm: Firm,
    actor: str,
    number: str,
    on: date | None = None,
    loss_on: date | None = None,
    state: str | None = None,
    *,
    motor: bool = False,
    public: bool = False,
) -> Outcome:
    """Store the case's limitation date: `on` as given, or computed from `loss_on` and `state` (`motor`: a
    motor-vehicle injury, where the state has its own period).

    With all three, the date given wins (a lawyer may know of tolling) and the message says what the
    loss date would have given; where casebot refuses to compute a state's date, the date given is kept
    and, without one, the command is refused with the reason. `public` marks the case as a claim against a
    public entity (it stays so): the date is then the EARLIEST deadline that applies (the period to sue a
    public entity where casebot holds the state's rule, the ordinary period beside it), and where casebot
    holds no rule, `public` without a date is refused and the dates are asked for. A loss also sets the
    claim deadline where casebot holds the state's rule. Audited; for the case's manager, a lead or an
    admin. Every reply names the statute, warns of a date passed or near, and says a lawyer confirms it."""

    if on is None and loss_on is None:
        raise InputError(
            "Give the limitation date, or the day of the loss and the state.",
            example="2028-03-02, or the loss day and state: 2026-03-02 CA",
        )
    if loss_on is not None and not state:
        raise InputError("Say in which state the loss happened, so its period applies.", example="CA")
    if state and loss_on is None:
        raise InputError("Give the day of the loss with its state.", example="loss 2026-03-02 CA")
    if (motor or public) and loss_on is None:
        raise InputError(
            "“motor” and “public” describe the loss: give them after its day and state.",
            example="loss 2026-03-02 CO motor public",
        )
    code = state.strip().upper() if state else None
    if loss_on is not None:
        event_day(firm, loss_on, what="The loss", field="loss_on")
        refusal(loss_on, code or "", motor)  # refuses a code that is not a state or DC

    def change(s: Session, case: Case) -> str:
        before = (
            case.limitation_on,
            case.loss_on,
            case.loss_state,
            case.loss_motor,
            case.public_entity,
            case.claim_deadline_on,
        )
        if loss_on is not None:
            case.public_entity = case.public_entity or public
            case.limitation_on = _suit_day(firm, case, on, loss_on, code or "", motor)
            case.loss_on, case.loss_state, case.loss_motor = loss_on, code, motor
            if case.public_entity:
                found = claim_deadline(loss_on, code or "")
                if found is not None:
                    case.claim_deadline_on = found[0]
        else:
            assert on is not None
            case.limitation_on = on
        limitation_on = case.limitation_on
        assert limitation_on is not None
        now = (
            case.limitation_on,
            case.loss_on,
            case.loss_state,
            case.loss_motor,
            case.public_entity,
            case.claim_deadline_on,
        )
        shown = describe(limitation_on, case.loss_on, case.loss_state, case.loss_motor, **reading_facts(case))
        claim = said(" ", claim_line(firm, case)) if case.public_entity else said()
        warn = passed_warning(firm, case)
        if before == now:
            return said(
                f"{case.number}'s limitation date is already {shown}.", claim, f" {LAWYER_CONFIRMS}", warn
            )
        audit(
            s,
            firm,
            case,
            actor,
            "limitation",
            from_on=before[0],
            on=limitation_on,
            loss_on=loss_on,
            state=code,
            motor=motor if loss_on is not None else None,
            public=case.public_entity or None,
            from_claim_on=before[5] if before[5] != case.claim_deadline_on else None,
            claim_on=case.claim_deadline_on if before[5] != case.claim_deadline_on else None,
        )
        return said(
            f"{case.number}'s limitation date is {shown}: {from_today(limitation_on, firm.today())}. "
            f"{alerts_line(firm, limitation_on)}",
            claim,
            f" {LAWYER_CONFIRMS}",
            warn,
        )

    return change_case(firm, actor, number, change)


def alerts_line(firm: Firm, deadline: date, claim: bool = False) -> str:
    days = firm.numbers.claim_alert_days if claim else firm.numbers.limitation_alert_days
    if days_left(deadline, firm.today()) < 0:
        return "It has passed: the manager and the leads are alerted that it has."
    return f"Alerts at {_thresholds(days)} days before it."


def passed_warning(firm: Firm, case: Case) -> str:
    """The warning lines for a limitation date or a claim deadline (not yet presented) passed or within
    30 days: "\n:warning: The limitation date (2025-08-14) passed 478 days ago: tell a lawyer today."."""
    today = firm.today()
    within = firm.numbers.deadline_warn_days
    lines = [deadline_warning("The limitation date", case.limitation_on, today, within)]
    if case.claim_presented_on is None and case.claim_rejected_on is None:
        lines.append(
            deadline_warning(
                "The claim deadline against a public entity", case.claim_deadline_on, today, within
            )
        )
    return "".join(f"\n{line}" for line in lines if line)


def set_claim_deadline(firm: Firm, actor: str, number: str, on: date) -> Outcome:
    """Enter the deadline for presenting the claim to a public entity by hand (a state casebot holds no rule
    for, or a lawyer's own reading): the case becomes a claim against a public entity, and its manager and
    the leads are alerted as the day approaches. Audited; for the case's manager, a lead or an admin."""

    def change(s: Session, case: Case) -> str:
        before = (case.public_entity, case.claim_deadline_on)
        case.public_entity, case.claim_deadline_on = True, on
        if before == (True, on):
            line = claim_line(
                firm, case, f"{case.number}'s claim deadline against a public entity is already"
            )
            return said(line, f" {LAWYER_CONFIRMS}", passed_warning(firm, case))
        audit(s, firm, case, actor, "claim_deadline", from_on=before[1], on=on)
        line = claim_line(firm, case, f"{case.number}'s claim deadline against a public entity is")
        return said(line, f" {LAWYER_CONFIRMS}", passed_warning(firm, case))

    return change_case(firm, actor, number, change)

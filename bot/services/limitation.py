"""A case's limitation date and claim deadline: set them, and find the cases whose alerts are due or that are
inside the red window."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

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
    describe,
    describe_claim,
    limitation_from_loss,
    refusal,
    threshold_crossed,
)
from bot.rules.playbook import Numbers
from bot.rules.said import Command, Said, said
from bot.services.changes import audit, change_case, event_day
from bot.services.firm import Firm, Outcome, Transaction
from storage import queries as q
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
        q.open_cases_with_limitation_by,
        threshold_crossed,
    )


def claim_deadline_alerts_due(firm: Firm, day: date | None = None) -> list[LimitationAlert]:
    """Every open case due a claim-deadline alert on `day` (default today), soonest deadline first: the
    same as limitation_alerts_due, over claim deadlines against public entities (ix_cases_open_claim_deadline)."""
    return _alerts_due(
        firm,
        day or firm.today(),
        firm.numbers.claim_alert_days,
        q.open_cases_with_claim_deadline_by,
        claim_threshold_crossed,
    )


def cases_inside_red(firm: Firm, day: date | None = None) -> list[tuple[str, str, date, int]]:
    """(case, manager, limitation date, days left) of open cases inside the red window, soonest first."""

    day = day or firm.today()
    with Transaction(firm, write=False) as s:
        rows = q.open_cases_with_limitation_by(
            s, date.fromordinal(day.toordinal() + firm.numbers.limitation_red_days)
        )
    return [(n, m, d, days_left(d, day)) for n, m, d in rows]


def _when(deadline: date, today: date) -> str:
    left = days_left(deadline, today)
    if left == 0:
        return "today"
    return f"{plural(left, 'day')} from today" if left > 0 else f"{plural(-left, 'day')} ago"


def _thresholds(days: tuple[int, ...]) -> str:
    return ", ".join(str(t) for t in days)


def _claim_line(firm: Firm, case: Case, lead: str = "Claim against a public entity: present it by") -> Said:
    """The sentence on the claim deadline against a public entity, for a public case."""
    if case.claim_deadline_on is None:
        return said(
            f"Claim against a public entity: {NO_CLAIM_DEADLINE.rstrip('.')}: `",
            Command(f"claim-deadline {case.number} <YYYY-MM-DD>"),
            "`.",
        )
    on = case.claim_deadline_on
    return said(
        f"{lead} {describe_claim(on, case.loss_on, case.loss_state)}: {_when(on, firm.today())}. "
        f"Alerts at {_thresholds(firm.numbers.claim_alert_days)} days before it."
    )


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
    public entity (it stays so): a loss then also sets the claim deadline where casebot holds the state's
    rule, and the message asks for it by hand where it does not. Audited; for the case's manager, a lead
    or an admin. Every reply names the statute and says a lawyer confirms the date."""

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
    computed: date | None = None
    if loss_on is not None:
        event_day(firm, loss_on, what="The loss", field="loss_on")
        refused = refusal(loss_on, code or "", motor)  # refuses an unknown state
        if refused is not None and on is None:
            raise InputError(refused, field="state")  # says why, and asks for the date itself
        computed = None if refused else limitation_from_loss(loss_on, code or "", motor)
    limitation_on = on or computed
    assert limitation_on is not None

    def change(s: Session, case: Case) -> str:
        before = (
            case.limitation_on,
            case.loss_on,
            case.loss_state,
            case.loss_motor,
            case.public_entity,
            case.claim_deadline_on,
        )
        case.limitation_on = limitation_on
        if loss_on is not None:
            case.loss_on, case.loss_state, case.loss_motor = loss_on, code, motor
            case.public_entity = case.public_entity or public
            if case.public_entity:
                found = claim_deadline(loss_on, code or "")
                if found is not None:
                    case.claim_deadline_on = found[0]
        now = (
            case.limitation_on,
            case.loss_on,
            case.loss_state,
            case.loss_motor,
            case.public_entity,
            case.claim_deadline_on,
        )
        shown = describe(limitation_on, case.loss_on, case.loss_state, case.loss_motor)
        claim = said(" ", _claim_line(firm, case)) if case.public_entity else said()
        if before == now:
            return said(f"{case.number}'s limitation date is already {shown}.", claim, f" {LAWYER_CONFIRMS}")
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
            f"{case.number}'s limitation date is {shown}: {_when(limitation_on, firm.today())}. "
            f"Alerts at {_thresholds(firm.numbers.limitation_alert_days)} days before it.",
            claim,
            f" {LAWYER_CONFIRMS}",
        )

    return change_case(firm, actor, number, change)


def set_claim_deadline(firm: Firm, actor: str, number: str, on: date) -> Outcome:
    """Enter the deadline for presenting the claim to a public entity by hand (a state casebot holds no rule
    for, or a lawyer's own reading): the case becomes a claim against a public entity, and its manager and
    the leads are alerted as the day approaches. Audited; for the case's manager, a lead or an admin."""

    def change(s: Session, case: Case) -> str:
        before = (case.public_entity, case.claim_deadline_on)
        case.public_entity, case.claim_deadline_on = True, on
        if before == (True, on):
            line = _claim_line(
                firm, case, f"{case.number}'s claim deadline against a public entity is already"
            )
            return said(line, f" {LAWYER_CONFIRMS}")
        audit(s, firm, case, actor, "claim_deadline", from_on=before[1], on=on)
        line = _claim_line(firm, case, f"{case.number}'s claim deadline against a public entity is")
        return said(line, f" {LAWYER_CONFIRMS}")

    return change_case(firm, actor, number, change)

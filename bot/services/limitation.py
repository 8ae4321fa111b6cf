"""A case's limitation date: set it, and find the cases whose alerts are due or that are inside the red window."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.errors import InputError
from bot.rules.limitation import LimitationAlert, days_left, describe, limitation_from_loss, threshold_crossed
from bot.services.changes import audit, change_case, event_day
from bot.services.firm import Firm, Outcome, Transaction
from storage import queries as q
from storage.models import Case


def limitation_alerts_due(firm: Firm, day: date | None = None) -> list[LimitationAlert]:
    """Every open case due a limitation alert on `day` (default today), soonest limitation date first.

    One index range scan (ix_cases_open_limitation). The caller delivers each once, keyed
    `sol:<case>:<threshold>`, to the manager (or their cover) and the leads."""

    day = day or firm.today()
    widest = max(firm.numbers.limitation_alert_days, default=0)
    with Transaction(firm, write=False) as s:
        rows = q.open_cases_with_limitation_by(s, date.fromordinal(day.toordinal() + widest))
    alerts = []
    for number, manager, limitation_on in rows:
        threshold = threshold_crossed(limitation_on, day, firm.numbers)
        if threshold is not None:
            alerts.append(LimitationAlert(number, manager, days_left(limitation_on, day), threshold))
    return alerts


def cases_inside_red(firm: Firm, day: date | None = None) -> list[tuple[str, str, date, int]]:
    """(case, manager, limitation date, days left) of open cases inside the red window, soonest first."""

    day = day or firm.today()
    with Transaction(firm, write=False) as s:
        rows = q.open_cases_with_limitation_by(
            s, date.fromordinal(day.toordinal() + firm.numbers.limitation_red_days)
        )
    return [(n, m, d, days_left(d, day)) for n, m, d in rows]


def set_limitation(
    firm: Firm,
    actor: str,
    number: str,
    on: date | None = None,
    loss_on: date | None = None,
    state: str | None = None,
) -> Outcome:
    """Store the case's limitation date: `on` as given, or computed from `loss_on` and `state`.

    With all three, the date given wins (a lawyer may know of tolling) and the message says what the
    loss date would have given. Audited; for the case's manager, a lead or an admin."""

    if on is None and loss_on is None:
        raise InputError(
            "Give the limitation date, or the day of the loss and the state.",
            example="2028-03-02, or the loss day and state: 2026-03-02 CA",
        )
    if loss_on is not None and not state:
        raise InputError("Say in which state the loss happened, so its period applies.", example="CA")
    if state and loss_on is None:
        raise InputError("Give the day of the loss with its state.", example="loss 2026-03-02 CA")
    code = state.strip().upper() if state else None
    computed: date | None = None
    if loss_on is not None:
        event_day(firm, loss_on, what="The loss", field="loss_on")
        computed = limitation_from_loss(loss_on, code or "")  # refuses a state it doesn't know
    limitation_on = on or computed
    assert limitation_on is not None

    def change(s: Session, case: Case) -> str:
        before = (case.limitation_on, case.loss_on, case.loss_state)
        case.limitation_on = limitation_on
        if loss_on is not None:
            case.loss_on, case.loss_state = loss_on, code
        if before == (case.limitation_on, case.loss_on, case.loss_state):
            return f"{case.number}'s limitation date is already {describe(limitation_on, case.loss_on, case.loss_state)}."
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
        )
        left = days_left(limitation_on, firm.today())
        when = f"{left} days from today" if left > 0 else "today" if left == 0 else f"{-left} days ago"
        return (
            f"{case.number}'s limitation date is {describe(limitation_on, case.loss_on, case.loss_state)}: "
            f"{when}. Alerts at {', '.join(str(t) for t in firm.numbers.limitation_alert_days)} days before it."
        )

    return change_case(firm, actor, number, change)

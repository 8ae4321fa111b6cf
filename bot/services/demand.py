"""The demand: sent, acknowledged, resent (R6 to R9)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.errors import (
    Conflict,
    PreconditionNotMet,
)
from bot.rules.parsing import printable, spoken_day
from bot.rules.planner import HoldUpFacts
from bot.rules.playbook import STAGES, HoldUp, Stage
from bot.rules.said import Command, Said, said, typed
from bot.services.changes import audit, change_case, due_words, enter_stage, event_day, require_open
from bot.services.firm import Firm, Outcome
from storage.models import (
    Case,
    DemandEvent,
    HoldUpRow,
)


def demand_sent(
    firm: Firm, actor: str, number: str, *, on: date | None = None, adjuster: str | None = None
) -> Outcome:
    def change(s: Session, case: Case) -> str:
        require_open(case)
        if any(d.kind == "sent" for d in case.demand_events):
            raise Conflict(
                said(
                    f"{case.number}'s demand was already sent; if it went out again: ",
                    Command(f"demand {case.number} resent"),
                )
            )
        current = Stage(case.stage)
        if current not in (Stage.DEMAND_QUEUE, Stage.DEMAND_DRAFTING):
            raise PreconditionNotMet(
                said(
                    f"{case.number} is at “{STAGES[current].label}”: a demand is sent from the demand stages (",
                    Command(f"advance {case.number}"),
                    " first).",
                )
            )
        day = event_day(firm, on, not_before=case.stage_entered_on, what="The demand")
        case.demand_events.append(
            DemandEvent(kind="sent", on=day, adjuster=_name(adjuster), by=actor, at=firm.now())
        )
        enter_stage(s, firm, case, Stage.DEMAND_SENT, day, actor, None, via="demand")
        audit(s, firm, case, actor, "demand_sent", on=day, adjuster=_name(adjuster))
        # What held the demand up no longer does: the hold-ups still open close on the day it went out.
        closed = [h for h in case.holdups if h.cleared_on is None]
        for h in closed:
            h.cleared_on = max(day, h.opened_on)
        if closed:
            audit(s, firm, case, actor, "holdup_clear", kind="all", on=day, why="demand sent")
        n = firm.numbers
        adjusted = _name(adjuster)
        message = said(
            f"Demand on {case.number} sent",
            said(" to ", typed(adjusted), " on") if adjusted else "",
            f" {spoken_day(day, firm.today())}. Tell the client (R6, "
            f"{due_words(firm, firm.calendar.due(day))}); check with the adjuster (R7, "
            f"{due_words(firm, firm.calendar.due(day, n.adjuster_check_days), 'adjuster')}).",
        )
        if closed:
            message += said(
                " Closed the hold-ups it was waiting on: ",
                *[said("; " if i else "", _holdup(h)) for i, h in enumerate(closed)],
                ".",
            )
        return message

    return change_case(firm, actor, number, change)


def demand_ack(firm: Firm, actor: str, number: str, *, on: date | None = None) -> Outcome:
    def change(s: Session, case: Case) -> str:
        rounds = [d for d in case.demand_events if d.kind in ("sent", "resent")]
        if not rounds:
            raise PreconditionNotMet(
                said(
                    f"No demand was sent on {case.number} yet: ",
                    Command(f"demand {case.number} sent [YYYY-MM-DD]"),
                )
            )
        day = event_day(firm, on, not_before=rounds[-1].on, what="The acknowledgment")
        case.demand_events.append(DemandEvent(kind="ack", on=day, by=actor, at=firm.now()))
        audit(s, firm, case, actor, "demand_ack", on=day)
        return f"Acknowledgment of {case.number}'s demand recorded for {spoken_day(day, firm.today())}."

    return change_case(firm, actor, number, change)


def demand_resent(
    firm: Firm, actor: str, number: str, *, on: date | None = None, adjuster: str | None = None
) -> Outcome:
    def change(s: Session, case: Case) -> str:
        require_open(case)
        rounds = [d for d in case.demand_events if d.kind in ("sent", "resent")]
        if not rounds:
            raise PreconditionNotMet(
                said(
                    f"No demand was sent on {case.number} yet: ",
                    Command(f"demand {case.number} sent [YYYY-MM-DD]"),
                )
            )
        day = event_day(firm, on, not_before=rounds[-1].on, what="The resent demand")
        case.demand_events.append(
            DemandEvent(kind="resent", on=day, adjuster=_name(adjuster), by=actor, at=firm.now())
        )
        audit(s, firm, case, actor, "demand_resent", on=day, adjuster=_name(adjuster))
        n = firm.numbers
        adjusted = _name(adjuster)
        return said(
            f"Demand on {case.number} resent",
            said(" to ", typed(adjusted), " on") if adjusted else "",
            f" {spoken_day(day, firm.today())} "
            f"(round {len(rounds) + 1}; "
            f"earlier rounds are kept). Tell the client (R9, "
            f"{due_words(firm, firm.calendar.due(day))}); the adjuster check (R7, "
            f"{due_words(firm, firm.calendar.due(day, n.adjuster_check_days), 'adjuster')}) and the "
            f"{n.ack_window_days}-day clock start again.",
        )

    return change_case(firm, actor, number, change)


def _name(text: str | None) -> str | None:
    text = " ".join(printable(text or "").split())
    return text[:200] or None


def _holdup(h: HoldUpRow) -> Said:
    return HoldUpFacts(HoldUp(h.kind), h.note, h.opened_on).label

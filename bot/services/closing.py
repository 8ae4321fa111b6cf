"""Closing a case as settled, litigation or dropped, once the facts the outcome needs are on record.

The playbook's CLOSE_NEEDS says which: settled needs a final offer or step 9's accounting conversation;
litigation needs that conversation (where the client decides) or the demand stages passed. Without one, the
case's manager is refused with what is missing and the command that records it; a lead or an admin may close
anyway with a reason, which goes on the case's history with the move. The reply names the client, so that a
mistyped case number is seen."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.errors import InputError, NotAllowed, PreconditionNotMet
from bot.rules.parsing import printable
from bot.rules.playbook import (
    ACCOUNTING,
    CLOSE_NEEDS,
    LEAD_ROLES,
    STAGE_ORDER,
    STAGES,
    CloseFact,
    CloseOutcome,
    Stage,
)
from bot.rules.said import Command, Said, command, quoted, said, typed
from bot.services.access import may_reassign, role_of
from bot.services.changes import change_case, enter_stage, require_open
from bot.services.firm import Firm, Outcome
from storage.models import ACTIVE, Case


def close_case(firm: Firm, actor: str, number: str, outcome: str, *, because: str | None = None) -> Outcome:
    """Close the case as `outcome`. `because`: a lead's or an admin's reason for closing without the facts
    the outcome needs (kept with the move on the case's history either way)."""
    to = CloseOutcome(outcome) if outcome in tuple(CloseOutcome) else None
    if to is None:
        raise InputError(
            "Close a case as settled, litigation or dropped.", example=command(f"close {number} settled")
        )
    reason = printable(because or "").strip()[:2000] or None

    def change(s: Session, case: Case) -> str:
        require_open(case)
        missing = missing_for(case, to)
        if missing is not None:
            lead = role_of(s, firm, actor) in LEAD_ROLES
            if reason is None:
                raise PreconditionNotMet(
                    said(missing, _override(case, to, lead), " Nothing changed."),
                    example=_example(case, to),
                )
            if not lead:
                raise NotAllowed(
                    said(
                        missing,
                        " Only a lead or an admin can close it without that, with a reason. Nothing changed.",
                    ),
                    example=_example(case, to),
                )
        accounting_open = any(o.rule == "R12" and o.state in ACTIVE for o in case.obligations)
        enter_stage(s, firm, case, Stage(to), firm.today(), actor, reason, via="close")
        closed = said(f"Closed {case.number} (", typed(case.client_name), f") as {to.value}")
        if missing is not None:
            closed += said(f" without {_facts(to)}, because ", quoted(reason), " (kept on its history)")
        elif reason is not None:
            closed += said(", because ", quoted(reason))
        if accounting_open and to in (CloseOutcome.SETTLED, CloseOutcome.LITIGATION):
            return closed + ": the client's decision closes R12; its other open obligations were cancelled."
        return closed + "; its open obligations were cancelled."

    return change_case(firm, actor, number, change, check=may_reassign)


def facts_of(case: Case) -> set[CloseFact]:
    """The facts on record that closing may need."""
    facts = set()
    if any(o.final for o in case.offers):
        facts.add(CloseFact.FINAL_OFFER)
    if any(c.topic == ACCOUNTING and not c.voided for c in case.contacts):
        facts.add(CloseFact.ACCOUNTING_TALK)
    if STAGE_ORDER[Stage(case.stage)] >= STAGE_ORDER[Stage.DEMAND_SENT]:
        facts.add(CloseFact.DEMAND_SENT)
    return facts


def missing_for(case: Case, to: CloseOutcome) -> Said | None:
    """What the case lacks to close as `to`, and the command that records it; None when it may close."""
    needs = CLOSE_NEEDS[to]
    if not needs or facts_of(case) & set(needs):
        return None
    n, stage = case.number, Stage(case.stage)
    at = said(f"{n} (", quoted(case.client_name), f") is at “{STAGES[stage].label}”")
    if to is CloseOutcome.SETTLED:
        head = said(
            at, ": no final offer is recorded and the accounting conversation (step 9) is not logged."
        )
        if stage is Stage.SETTLEMENT:
            return said(
                head,
                " Log that conversation with ",
                Command(f"contacted {n} client accounting"),
                ", or record the final offer with ",
                Command(f"received {n} <amount> final"),
                ".",
            )
        return said(head, " Record the final offer with ", Command(f"received {n} <amount> final"), ".")
    head = said(at, ": its demand has not gone out and the client's decision (step 9) is not recorded.")
    if stage in (Stage.DEMAND_QUEUE, Stage.DEMAND_DRAFTING):
        return said(head, " Record the demand when it goes out with ", Command(f"demand {n} sent"), ".")
    return said(
        head,
        " The demand goes out from the demand stages: ",
        Command(f"advance {n}"),
        ", then ",
        Command(f"demand {n} sent"),
        ".",
    )


def _facts(to: CloseOutcome) -> str:
    """The facts an outcome needs, in words."""
    words = {
        CloseFact.FINAL_OFFER: "a final offer",
        CloseFact.ACCOUNTING_TALK: "the accounting conversation",
        CloseFact.DEMAND_SENT: "the demand sent",
    }
    return " or ".join(words[f] for f in CLOSE_NEEDS[to])


def _override(case: Case, to: CloseOutcome, lead: bool) -> Said:
    who = "You can" if lead else "A lead or an admin can"
    return said(
        f" {who} close it anyway, giving the reason: ",
        Command(f"close {case.number} {to.value} because <reason>"),
        ".",
    )


def _example(case: Case, to: CloseOutcome) -> Said:
    """A whole command that records what is missing, with a real-looking value."""
    n = case.number
    if to is CloseOutcome.SETTLED:
        if Stage(case.stage) is Stage.SETTLEMENT:
            return command(f"contacted {n} client accounting went over the statement, she settles")
        return command(f"received {n} 45,000 final")
    if Stage(case.stage) in (Stage.DEMAND_QUEUE, Stage.DEMAND_DRAFTING):
        return command(f"demand {n} sent")
    return command(f"advance {n}")

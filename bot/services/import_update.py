"""`casebot import` on a case casebot already has: the row brought in as the import's docstring says, one
step per kind of fact (client and manager, dates and fees, providers, the ledger, the demand, the stage,
contact), each change named and anything kept as recorded noted; and the stages a row moves a case through."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.rules.playbook import CLOSED_STAGES, STAGE_ORDER, Stage
from bot.services.changes import enter_stage
from bot.services.contacts import record_contact
from bot.services.firm import Firm
from bot.services.import_client_rows import IMPORT_ACTOR
from bot.services.import_clients import apply_client
from bot.services.import_ledger import add_rounds, rounds_of, update_ledger, update_rounds
from bot.services.import_ledger_rows import ProviderIn
from bot.services.import_rows import Row
from storage.models import ACTIVE, Case, DemandEvent, Provider


def target_stage(r: Row, current: Stage = Stage.RECORDS) -> Stage:
    """Where the row puts the case: its stage; else demand_sent when it gives a demand day; else as is."""
    if r.stage is not None:
        return r.stage
    if r.demand_sent and STAGE_ORDER[current] < STAGE_ORDER[Stage.DEMAND_SENT]:
        return Stage.DEMAND_SENT
    return current


def stage_path(r: Row, start: Stage, start_on: date, today: date) -> list[tuple[Stage, date]]:
    """The stage entries that take a case from `start` to the row's stage: the demand_sent stage on the
    demand day when the row passes through it, the final stage on the import day."""
    target = target_stage(r, start)
    if target == start or STAGE_ORDER[target] < STAGE_ORDER[start] or start in CLOSED_STAGES:
        return []
    path: list[tuple[Stage, date]] = []
    sent = Stage.DEMAND_SENT
    if r.demand_sent and STAGE_ORDER[start] < STAGE_ORDER[sent] <= STAGE_ORDER[target]:
        path.append((sent, max(r.demand_sent, start_on)))
    if target != sent or not path:
        path.append((target, max(today, start_on)))
    return path


def insurer_answered(stage: Stage) -> bool:
    """A case imported at negotiation or later has had offers: the insurer answered the demand. The file
    has no acknowledgment day, so the import records it on the import day, which closes the adjuster
    check (R7) and the no-acknowledgment task (R8) instead of leaving them weeks overdue."""
    return stage in (Stage.NEGOTIATION, Stage.FINAL_OFFER, Stage.SETTLEMENT)


def update_case(
    s: Session, firm: Firm, case: Case, r: Row, today: date, note: Callable[[str], None]
) -> dict[str, Any]:
    """Apply the row to a case casebot already has; the changes made, by name."""

    changed: dict[str, Any] = {}
    now = firm.now()
    _update_client_and_manager(case, r, changed)
    _update_facts(case, r, changed)
    _update_providers(case, r, changed, note)
    update_ledger(case, r, today, changed, note)
    current = Stage(case.stage)
    sent = [d for d in case.demand_events if d.kind == "sent"]
    target = target_stage(r, current)
    _note_stage_kept(case, current, target, note)
    _update_demand(case, r, current, target, sent, now, changed, note)
    if case.closed_on is None:
        _enter_stages(s, firm, case, r, current, bool(sent), today, now, changed)
    if r.last_contact and (
        case.last_client_contact_on is None or r.last_contact > case.last_client_contact_on
    ):
        record_contact(
            s, firm, case, IMPORT_ACTOR, "client", r.last_contact, "last client contact (imported)"
        )
        changed["last_client_contact"] = r.last_contact.isoformat()
    if r.contact is not None:
        changed.update(apply_client(s, firm, case, r.contact, note))
    return changed


def _update_client_and_manager(case: Case, r: Row, changed: dict[str, Any]) -> None:
    """The client's name, and the manager (with the case's open obligations)."""
    if r.client != case.client_name:
        changed["client"], case.client_name = r.client, r.client
    if r.manager != case.manager_id:
        changed["manager"] = {"from": case.manager_id, "to": r.manager}
        case.manager_id = r.manager
        for ob in case.obligations:
            if ob.state in ACTIVE:
                ob.manager_id = r.manager


def _update_facts(case: Case, r: Row, changed: dict[str, Any]) -> None:
    """The dates, the loss and the fees the row gives (a blank cell keeps what is recorded)."""
    for name, value in (
        ("limitation_on", r.limitation_on),
        ("loss_on", r.loss_on),
        ("loss_state", r.loss_state),
        ("loss_motor", r.loss_motor),
        ("public_entity", r.public_entity),
        ("claim_deadline_on", r.claim_deadline_on),
        ("fee_presuit", r.fee_presuit),
        ("fee_litigation", r.fee_litigation),
        ("fee_base", r.fee_base),
    ):
        if value is not None and getattr(case, name) != value:
            changed[name] = value.isoformat() if isinstance(value, date) else value
            setattr(case, name, value)


def _update_providers(case: Case, r: Row, changed: dict[str, Any], note: Callable[[str], None]) -> None:
    """A provider new to the case is added; a known one gets what arrived, never a day changed."""
    known = {p.name.lower(): p for p in case.providers}
    seq = max((p.seq for p in case.providers), default=0)
    for p in r.providers:
        stored = known.get(p.name.lower())
        if stored is None:
            seq += 1
            case.providers.append(
                Provider(
                    seq=seq,
                    name=p.name,
                    requested_on=p.requested_on or case.treatment_completed_on,
                    records_on=p.records_on,
                    bills_on=p.bills_on,
                )
            )
            changed.setdefault("providers_added", []).append(p.name)
            continue
        _update_provider(stored, p, changed, note)


def _update_provider(
    stored: Provider, p: ProviderIn, changed: dict[str, Any], note: Callable[[str], None]
) -> None:
    for what in ("records_on", "bills_on"):
        given, have = getattr(p, what), getattr(stored, what)
        if given is None or given == have:
            continue
        if have is None and given >= stored.requested_on:
            setattr(stored, what, given)
            changed.setdefault("providers_received", []).append(f"{stored.name} {what[:-3]} {given:%Y-%m-%d}")
        else:
            note(
                f"{stored.name}: {what[:-3]} kept as {have or 'not received'} (the file says {given:%Y-%m-%d})"
            )
    if p.requested_on and p.requested_on != stored.requested_on:
        note(
            f"{stored.name}: requested day kept as {stored.requested_on:%Y-%m-%d} (the file says {p.requested_on:%Y-%m-%d})"
        )


def _note_stage_kept(case: Case, current: Stage, target: Stage, note: Callable[[str], None]) -> None:
    """A closed case keeps its stage, and an import never moves a case back: either is noted."""
    if case.closed_on is not None and target != current:
        note(f"closed as {current.value}: the stage is kept (the file says {target.value})")
    elif STAGE_ORDER[target] < STAGE_ORDER[current]:
        note(
            f"stage kept at {current.value}: an import never moves a case back (the file says {target.value})"
        )


def _update_demand(
    case: Case,
    r: Row,
    current: Stage,
    target: Stage,
    sent: list[DemandEvent],
    now: datetime,
    changed: dict[str, Any],
    note: Callable[[str], None],
) -> None:
    """The demand's rounds: added when the case had none and reaches demand_sent, else brought up to date
    round by round; a different first day is noted, an adjuster only filled in where none is recorded."""
    if (
        r.demand_sent
        and not sent
        and STAGE_ORDER[max(target, current, key=STAGE_ORDER.__getitem__)] >= STAGE_ORDER[Stage.DEMAND_SENT]
        and case.closed_on is None
    ):
        add_rounds(case, rounds_of(r), now)
        changed["demand_sent"] = r.demand_sent.isoformat()
    elif r.rounds and sent:
        changed.update(update_rounds(case, r, now, note))
    elif r.demand_sent and sent and sent[0].on != r.demand_sent:
        note(f"demand kept as sent {sent[0].on:%Y-%m-%d} (the file says {r.demand_sent:%Y-%m-%d})")
    elif r.demand_sent and sent and r.adjuster:
        _update_adjuster(case, r.adjuster, changed, note)


def _update_adjuster(case: Case, adjuster: str, changed: dict[str, Any], note: Callable[[str], None]) -> None:
    rounds = [d for d in case.demand_events if d.kind in ("sent", "resent")]
    if adjuster.lower() not in {(d.adjuster or "").lower() for d in rounds}:
        if rounds[-1].adjuster is None:
            rounds[-1].adjuster = adjuster
            changed["adjuster"] = adjuster
        else:
            note(f"adjuster kept as {rounds[-1].adjuster} (the file says {adjuster})")


def _enter_stages(
    s: Session,
    firm: Firm,
    case: Case,
    r: Row,
    current: Stage,
    was_sent: bool,
    today: date,
    now: datetime,
    changed: dict[str, Any],
) -> None:
    """An open case moves forward to the row's stage, and the insurer's acknowledgment is recorded when
    the stage it reached says they answered."""
    for stage, on in stage_path(r, current, case.stage_entered_on, today):
        enter_stage(s, firm, case, stage, on, IMPORT_ACTOR, "imported")
        changed["stage"] = stage.value
    has_demand = was_sent or "demand_sent" in changed
    no_ack = not any(d.kind == "ack" for d in case.demand_events)
    if (
        ("stage" in changed or "demand_sent" in changed)
        and has_demand
        and no_ack
        and insurer_answered(Stage(case.stage))
    ):
        case.demand_events.append(DemandEvent(kind="ack", on=today, by=IMPORT_ACTOR, at=now))
        changed["demand_ack"] = today.isoformat()

"""`casebot export`: every case out as CSV (the import's own columns) or complete JSON."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from bot.services.cards import demand_rounds
from bot.services.firm import Firm, Transaction
from bot.services.import_client_rows import client_cells
from bot.services.import_rows import COLUMNS, escape_name, inert
from storage import client_queries as cq
from storage import queries as q
from storage.client_models import ClientProfile
from storage.models import Case, Provider


def _iso(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _columns(obj: Any, skip: Iterable[str] = ()) -> dict[str, Any]:
    return {c.key: _iso(getattr(obj, c.key)) for c in obj.__table__.columns if c.key not in skip}


def csv_row(case: Case, client: ClientProfile | None = None) -> dict[str, str]:
    """A case in the import's columns: importing it again changes nothing. Every cell a spreadsheet would
    run as a formula is written inert (import_rows.inert), and the import restores it."""
    cells = {**_cells(case), **client_cells(client)}
    return {column: inert(value) for column, value in cells.items()}


def _cells(case: Case) -> dict[str, str]:
    rounds = [d for d in case.demand_events if d.kind in ("sent", "resent")]
    sent = next((d for d in case.demand_events if d.kind == "sent"), None)
    adjuster = next((d.adjuster for d in reversed(rounds) if d.adjuster), None)

    def day(d: date | None) -> str:
        return d.isoformat() if d else ""

    def amount(a: Decimal | None) -> str:
        return "" if a is None else str(a)

    def provider(p: Provider) -> str:
        text = f"{escape_name(p.name)}:{day(p.requested_on)}:{day(p.records_on)}:{day(p.bills_on)}"
        if p.billed is not None:
            text += f":{amount(p.billed)}:{amount(p.paid)}:{amount(p.adjusted)}:{day(p.billed_on)}"
        return text

    providers = "|".join(provider(p) for p in case.providers)
    liens = "|".join(
        f"{escape_name(x.holder)}:{x.kind}:{amount(x.amount)}:{day(x.asserted_on)}:{amount(x.reduced_to)}:"
        f"{day(x.reduced_on)}:{day(x.accepted_on)}:{day(x.paid_on)}"
        for x in case.liens
    )
    costs = "|".join(f"{amount(c.amount)}:{day(c.on)}:{escape_name(c.description)}" for c in case.costs)
    return {
        "case_number": case.number,
        "client": case.client_name,
        "manager": case.manager_id,
        "stage": case.stage,
        "treatment_complete": day(case.treatment_completed_on),
        "providers": providers,
        "last_client_contact": day(case.last_client_contact_on),
        "demand_sent": day(sent.on if sent else None),
        "adjuster": adjuster or "",
        "limitation_date": day(case.limitation_on),
        "loss_date": day(case.loss_on),
        "loss_state": case.loss_state or "",
        "fee_presuit": case.fee_presuit or "",
        "fee_litigation": case.fee_litigation or "",
        "fee_base": case.fee_base or "",
        "liens": liens,
        "costs": costs,
        "loss_motor": "yes" if case.loss_motor else "",
        "public_entity": "yes" if case.public_entity else "",
        "claim_deadline": day(case.claim_deadline_on),
        "demand_rounds": "|".join(
            f"{day(r.on)}:{escape_name(r.adjuster or '')}:{day(r.acknowledged_on)}"
            for r in demand_rounds(case)
        ),
    }


def _client_data(s: Session, case: Case) -> dict[str, Any]:
    """How to reach the client, every consent change, and every message with them (issue 21)."""
    profile = cq.profile(s, case.id)
    return {
        "client_contact": _columns(profile, ("case_id",)) if profile is not None else None,
        "client_consents": [_columns(x, ("case_id",)) for x in cq.consents_of(s, case.id)],
        "client_messages": [
            # both ways, oldest first; an email's reply token opens a way in, so it stays out of the file
            _columns(x, ("case_id", "reply_token"))
            for x in reversed(cq.messages_of(s, case.id, limit=100_000))
        ],
    }


def export_csv(firm: Firm) -> str:

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    with Transaction(firm) as s:
        cases = q.all_cases(s)
        clients = cq.profiles_of(s, [c.id for c in cases])
        for case in cases:
            writer.writerow(csv_row(case, clients.get(case.id)))
    return out.getvalue()


def export_data(firm: Firm) -> dict[str, Any]:
    """Everything casebot holds: every case with all its facts, obligations and audit trail, and the staff."""

    with Transaction(firm) as s:
        audit: dict[int | None, list[dict[str, Any]]] = {}
        for entry in q.all_audit(s):
            audit.setdefault(entry.case_id, []).append(_columns(entry, ("case_id",)))
        cases = []
        for case in q.all_cases(s):
            data = _columns(case)
            data.update(
                stages=[_columns(x, ("case_id",)) for x in case.stages],
                providers=[_columns(x, ("case_id",)) for x in case.providers],
                contacts=[{**_columns(x, ("case_id",)), "voided": x.voided} for x in case.contacts],
                attempts=[_columns(x, ("case_id",)) for x in case.attempts],
                demand_events=[_columns(x, ("case_id",)) for x in case.demand_events],
                offers=[_columns(x, ("case_id",)) for x in case.offers],
                holdups=[_columns(x, ("case_id",)) for x in case.holdups],
                liens=[_columns(x, ("case_id",)) for x in case.liens],
                costs=[_columns(x, ("case_id",)) for x in case.costs],
                obligations=[_columns(x, ("case_id",)) for x in case.obligations],
                audit=audit.get(case.id, []),
                **_client_data(s, case),
            )
            cases.append(data)
        staff = [_columns(x) for x in q.all_staff(s)]
    return {
        "exported_at": firm.now().isoformat(),
        "firm_timezone": firm.settings.firm_timezone,
        "cases": cases,
        "staff": staff,
        "audit": audit.get(None, []),
    }

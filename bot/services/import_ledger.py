"""What `casebot import` writes of a row's ledger (bills, liens, costs) and demand rounds onto a case: all of
it on a new case, and on a known one only what the case does not have yet (a differing figure is noted)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bot.services.cards import demand_rounds
from bot.services.import_client_rows import IMPORT_ACTOR
from bot.services.import_ledger_rows import CostIn, LienIn, ProviderIn, RoundIn
from bot.services.import_rows import Row
from storage.models import Case, CaseCost, DemandEvent, Lien


def bill_columns(p: ProviderIn, today: date) -> dict[str, Any]:
    """A provider's bill columns from the row: nothing when it gives no bill."""
    if p.billed is None:
        return {}
    zero = Decimal("0.00")
    return {
        "billed": p.billed,
        "paid": p.paid or zero,
        "adjusted": p.adjusted or zero,
        "billed_on": p.billed_on or today,
    }


def add_imported_lien(case: Case, x: LienIn) -> None:
    case.liens.append(
        Lien(
            n=max((y.n for y in case.liens), default=0) + 1,
            holder=x.holder,
            kind=x.kind,
            amount=x.amount,
            asserted_on=x.asserted_on,
            reduced_to=x.reduced_to,
            reduced_on=x.reduced_on,
            accepted_on=x.accepted_on,
            paid_on=x.paid_on,
            by=IMPORT_ACTOR,
        )
    )


def add_imported_cost(case: Case, x: CostIn) -> None:
    n = max((c.n for c in case.costs), default=0) + 1
    case.costs.append(CaseCost(n=n, amount=x.amount, description=x.description, on=x.on, by=IMPORT_ACTOR))


def update_ledger(
    case: Case, r: Row, today: date, changed: dict[str, Any], note: Callable[[str], None]
) -> None:
    """Bills, liens and costs the case does not have yet are added; a lien's later steps (reduced, accepted,
    paid) are filled in; a figure that differs from the one recorded is kept, and noted."""
    by_name = {p.name.lower(): p for p in case.providers}
    for p in r.providers:
        stored = by_name.get(p.name.lower())
        if stored is None or p.billed is None:
            continue
        given = bill_columns(p, today)
        have = {"billed": stored.billed, "paid": stored.paid, "adjusted": stored.adjusted}
        if stored.billed is None:
            for name, value in given.items():
                setattr(stored, name, value)
            changed.setdefault("bills", []).append(stored.name)
        elif any(have[k] != given[k] for k in have):
            note(
                f"{stored.name}: bill kept as billed {stored.billed}, paid {stored.paid}, adjusted "
                f"{stored.adjusted} (the file says {p.billed}, {given['paid']}, {given['adjusted']})"
            )
    liens = {(x.holder.lower(), x.asserted_on): x for x in case.liens}
    for x in r.liens:
        lien = liens.get((x.holder.lower(), x.asserted_on))
        if lien is None:
            add_imported_lien(case, x)
            changed.setdefault("liens_added", []).append(x.holder)
            continue
        if lien.amount != x.amount or lien.kind != x.kind:
            note(
                f"lien {lien.n} {lien.holder}: kept as {lien.kind} {lien.amount} (the file says {x.kind} {x.amount})"
            )
        steps = (("reduced_to", "reduced_on"), ("accepted_on",), ("paid_on",))
        for names in steps:
            wanted = tuple(getattr(x, n) for n in names)
            current = tuple(getattr(lien, n) for n in names)
            if wanted[0] is None or wanted == current:
                continue
            if current[0] is None and lien.paid_on is None:
                for n, v in zip(names, wanted, strict=True):
                    setattr(lien, n, v)
                changed.setdefault("liens_updated", []).append(f"{lien.holder} {names[-1][:-3]}")
            else:
                note(
                    f"lien {lien.n} {lien.holder}: {names[-1][:-3]} kept as recorded (the file says otherwise)"
                )
    costs = {(c.amount, c.on, c.description.lower()) for c in case.costs}
    for c in r.costs:
        if (c.amount, c.on, c.description.lower()) not in costs:
            add_imported_cost(case, c)
            changed.setdefault("costs_added", []).append(c.description)


def rounds_of(r: Row) -> list[RoundIn]:
    """The row's demand rounds: its demand_rounds, else the one round demand_sent and adjuster describe."""
    if r.rounds:
        return r.rounds
    return [RoundIn(r.demand_sent, r.adjuster, None)] if r.demand_sent else []


def add_rounds(case: Case, rounds: list[RoundIn], now: datetime, first: int = 0) -> None:
    for i, rnd in enumerate(rounds, start=first):
        kind = "sent" if i == 0 else "resent"
        case.demand_events.append(
            DemandEvent(kind=kind, on=rnd.on, adjuster=rnd.adjuster, by=IMPORT_ACTOR, at=now)
        )
        if rnd.acknowledged_on:
            case.demand_events.append(
                DemandEvent(kind="ack", on=rnd.acknowledged_on, by=IMPORT_ACTOR, at=now)
            )


def update_rounds(case: Case, r: Row, now: datetime, note: Callable[[str], None]) -> dict[str, Any]:
    """The file's demand rounds against the case's: new rounds and acknowledgments added after what is
    recorded; a recorded day or adjuster is never overwritten (a note says what the file says)."""
    changed: dict[str, Any] = {}
    stored = demand_rounds(case)
    for i, rnd in enumerate(r.rounds):
        if i >= len(stored):
            last = max((d.on for d in case.demand_events), default=rnd.on)
            if case.closed_on is not None or rnd.on < last:
                note(f"demand round {i + 1} ({rnd.on:%Y-%m-%d}) not added: it is not after what is recorded")
                break
            add_rounds(case, [rnd], now, first=i)
            changed.setdefault("demand_rounds_added", []).append(rnd.on.isoformat())
            continue
        have = stored[i]
        if have.on != rnd.on:
            note(f"demand round {i + 1} kept as sent {have.on:%Y-%m-%d} (the file says {rnd.on:%Y-%m-%d})")
            continue
        if rnd.adjuster and (have.adjuster or "").lower() != rnd.adjuster.lower():
            if have.adjuster is None:
                event = [d for d in case.demand_events if d.kind in ("sent", "resent")][i]
                event.adjuster = rnd.adjuster
                changed.setdefault("adjuster", []).append(rnd.adjuster)
            else:
                note(f"demand round {i + 1}: adjuster kept as {have.adjuster} (the file says {rnd.adjuster})")
        if rnd.acknowledged_on and have.acknowledged_on != rnd.acknowledged_on:
            if have.acknowledged_on is None and (
                i + 1 == len(stored) or rnd.acknowledged_on < stored[i + 1].on
            ):
                case.demand_events.append(
                    DemandEvent(kind="ack", on=rnd.acknowledged_on, by=IMPORT_ACTOR, at=now)
                )
                changed.setdefault("demand_ack", []).append(rnd.acknowledged_on.isoformat())
            else:
                note(
                    f"demand round {i + 1}: acknowledgment kept as {have.acknowledged_on or 'none'} "
                    f"(the file says {rnd.acknowledged_on:%Y-%m-%d})"
                )
    return changed

"""The case ledger: each provider's bill, the liens on the settlement and their negotiation (R14), case costs.

The ledger stays open once the case is closed: liens are paid, and costs come in, after the client decides."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.errors import Conflict, InputError
from bot.rules.ledger import LIEN_KINDS, check_bill, validate_amount
from bot.rules.parsing import money, printable
from bot.rules.said import command, quoted, said, typed
from bot.services.changes import audit, change_case, event_day
from bot.services.firm import Firm, Outcome
from bot.services.providers import find_provider
from storage.models import Case, CaseCost, Lien

ZERO = Decimal("0.00")


def record_bill(
    firm: Firm,
    actor: str,
    number: str,
    provider: str,
    billed: Decimal,
    *,
    paid: Decimal | None = None,
    adjusted: Decimal | None = None,
) -> Outcome:
    """A provider's bill: what it charged, and (when given) what was paid and adjusted. Recording it again
    replaces the figures given and keeps the ones left out, and the reply shows all of them."""

    def change(s: Session, case: Case) -> str:
        p = find_provider(case, provider, example=command(f"bill {case.number} 1 4,200 paid 1,800"))
        new_paid = paid if paid is not None else (p.paid or ZERO)
        new_adjusted = adjusted if adjusted is not None else (p.adjusted or ZERO)
        try:
            check_bill(billed, new_paid, new_adjusted)
        except InputError as exc:
            raise InputError(
                exc.message, example=command(f"bill {case.number} {p.seq} {exc.example}")
            ) from None
        day = firm.today()
        before = (p.billed, p.paid, p.adjusted)
        p.billed, p.paid, p.adjusted, p.billed_on = billed, new_paid, new_adjusted, day
        audit(
            s,
            firm,
            case,
            actor,
            "bill",
            provider=p.name,
            billed=billed,
            paid=new_paid,
            adjusted=new_adjusted,
            before=None if before[0] is None else [str(x) for x in before],
            on=day,
        )
        balance = billed - new_paid - new_adjusted
        verb = "Recorded" if before[0] is None else "Updated"
        return said(
            f"{verb} the bill of ",
            typed(p.name),
            f" (provider {p.seq}) on {case.number} ({day:%b %-d}): "
            f"billed {money(billed)}, paid {money(new_paid)}, "
            f"adjusted {money(new_adjusted)}, balance {money(balance)}.",
        )

    return change_case(firm, actor, number, change)


def record_no_bill(firm: Firm, actor: str, number: str, provider: str) -> Outcome:
    """`/case bill <case-no> <provider> none`: the provider sent no bill and will send none. Recorded as a bill
    of nothing (billed, paid and adjusted 0), so the statement stops warning that its bill is missing."""

    def change(s: Session, case: Case) -> str:
        p = find_provider(case, provider, example=command(f"bill {case.number} 1 none"))
        if p.billed == ZERO:
            return said(
                typed(p.name), f" (provider {p.seq}) on {case.number} is already marked as having no bill."
            )
        before = (p.billed, p.paid, p.adjusted)
        day = firm.today()
        p.billed, p.paid, p.adjusted, p.billed_on = ZERO, ZERO, ZERO, day
        audit(
            s,
            firm,
            case,
            actor,
            "bill",
            provider=p.name,
            billed=ZERO,
            paid=ZERO,
            adjusted=ZERO,
            none=True,
            before=None if before[0] is None else [str(x) for x in before],
            on=day,
        )
        was = (
            "" if before[0] is None else f" (it was recorded as billed {money(before[0])}; that bill is gone)"
        )
        return said(
            "Marked ",
            typed(p.name),
            f" (provider {p.seq}) on {case.number} as having no bill{was}: "
            "the settlement statement no longer warns about it.",
        )

    return change_case(firm, actor, number, change)


def add_lien(
    firm: Firm,
    actor: str,
    number: str,
    holder: str,
    amount: Decimal,
    *,
    kind: str = "other",
    on: date | None = None,
) -> Outcome:
    holder = " ".join(printable(holder).split())
    if not holder or len(holder) > 200:
        raise InputError(
            "Name who holds the lien.",
            example=command(f"lien {number} add Blue Cross 6,500 type health-plan"),
        )
    if kind not in LIEN_KINDS:
        raise InputError(
            said(quoted(kind[:20]), f" is not a type of lien: {', '.join(LIEN_KINDS)}."),
            example=command(f"lien {number} add Medicare 1,250 type medicare"),
        )
    validate_amount(amount, "lien")
    day = event_day(firm, on)

    def change(s: Session, case: Case) -> str:
        billed = next(
            (p for p in case.providers if p.name.lower() == holder.lower() and p.billed is not None), None
        )
        if kind == "medical" and billed is not None:
            raise Conflict(
                said(
                    typed(billed.name),
                    f" is provider {billed.seq} on {case.number} and its bill is recorded: its unpaid "
                    "balance is already paid out of the settlement. A reduction it agrees to is an adjustment "
                    "to its bill.",
                ),
                example=command(f"bill {case.number} {billed.seq} {billed.billed:,.2f} adjusted <amount>"),
            )
        n = max((x.n for x in case.liens), default=0) + 1
        case.liens.append(Lien(n=n, holder=holder, kind=kind, amount=amount, asserted_on=day, by=actor))
        kinds = "" if LIEN_KINDS[kind].lower() == holder.lower() else f" ({LIEN_KINDS[kind]})"
        audit(s, firm, case, actor, "lien_add", n=n, holder=holder, kind=kind, amount=amount, on=day)
        return said(
            f"Recorded lien {n} on {case.number}: ",
            typed(holder),
            f"{kinds}, {money(amount)} asserted {day:%b %-d}.",
        )

    return change_case(firm, actor, number, change)


def _lien(case: Case, n: int) -> Lien:
    lien = next((x for x in case.liens if x.n == n), None)
    if lien is None:
        have = f"liens 1 to {case.liens[-1].n}" if case.liens else "no liens yet"
        raise InputError(
            f"{case.number} has {have}; there is no lien {n}.",
            example=command(f"lien {case.number} add Blue Cross 6,500 type health-plan")
            if not case.liens
            else command(f"lien {case.number} {case.liens[-1].n} accepted"),
        )
    return lien


def _open_lien(case: Case, lien: Lien, what: str) -> None:
    if lien.paid_on is not None:
        raise Conflict(
            said(
                f"Lien {lien.n} (",
                typed(lien.holder),
                f") on {case.number} was paid {lien.paid_on:%b %-d}; it can't be {what}.",
            )
        )


def lien_reduced(
    firm: Firm, actor: str, number: str, n: int, amount: Decimal, *, on: date | None = None
) -> Outcome:
    validate_amount(amount, "reduced amount", zero=True)

    def change(s: Session, case: Case) -> str:
        lien = _lien(case, n)
        _open_lien(case, lien, "reduced")
        if lien.accepted_on is not None:
            raise Conflict(
                said(
                    f"Lien {n} (",
                    typed(lien.holder),
                    f") on {case.number} was accepted at {money(lien.reduced_to or lien.amount)} "
                    f"on {lien.accepted_on:%b %-d}; it is settled.",
                )
            )
        if amount >= lien.amount:
            raise InputError(
                said(
                    f"A reduction is less than the {money(lien.amount)} ",
                    typed(lien.holder),
                    " asserted; if they take nothing off, record that the lien is accepted.",
                ),
                example=command(f"lien {case.number} {n} accepted"),
            )
        day = event_day(firm, on, not_before=lien.asserted_on, what=f"A reduction of lien {n}")
        was = lien.reduced_to
        lien.reduced_to, lien.reduced_on = amount, day
        audit(s, firm, case, actor, "lien_reduced", n=n, holder=lien.holder, amount=amount, was=was, on=day)
        return said(
            f"Lien {n} on {case.number}, ",
            typed(lien.holder),
            f": reduced from {money(lien.amount)} to {money(amount)} "
            f"on {day:%b %-d} (the client keeps {money(lien.amount - amount)} more).",
        )

    return change_case(firm, actor, number, change)


def lien_accepted(firm: Firm, actor: str, number: str, n: int, *, on: date | None = None) -> Outcome:
    def change(s: Session, case: Case) -> str:
        lien = _lien(case, n)
        _open_lien(case, lien, "accepted again")
        if lien.accepted_on is not None:
            raise Conflict(
                said(
                    f"Lien {n} (",
                    typed(lien.holder),
                    f") on {case.number} was already accepted on {lien.accepted_on:%b %-d}.",
                )
            )
        first = lien.reduced_on or lien.asserted_on
        day = event_day(firm, on, not_before=first, what=f"Accepting lien {n}")
        lien.accepted_on = day
        owed = lien.reduced_to if lien.reduced_to is not None else lien.amount
        audit(s, firm, case, actor, "lien_accepted", n=n, holder=lien.holder, amount=owed, on=day)
        return said(
            f"Lien {n} on {case.number}, ",
            typed(lien.holder),
            f": accepted at {money(owed)} on {day:%b %-d}.",
        )

    return change_case(firm, actor, number, change)


def lien_paid(firm: Firm, actor: str, number: str, n: int, *, on: date | None = None) -> Outcome:
    def change(s: Session, case: Case) -> str:
        lien = _lien(case, n)
        if lien.paid_on is not None:
            raise Conflict(
                said(
                    f"Lien {n} (",
                    typed(lien.holder),
                    f") on {case.number} was already paid on {lien.paid_on:%b %-d}.",
                )
            )
        first = max(d for d in (lien.asserted_on, lien.reduced_on, lien.accepted_on) if d is not None)
        day = event_day(firm, on, not_before=first, what=f"Paying lien {n}")
        lien.paid_on = day
        owed = lien.reduced_to if lien.reduced_to is not None else lien.amount
        audit(s, firm, case, actor, "lien_paid", n=n, holder=lien.holder, amount=owed, on=day)
        return said(
            f"Lien {n} on {case.number}, ", typed(lien.holder), f": paid {money(owed)} on {day:%b %-d}."
        )

    return change_case(firm, actor, number, change)


def add_cost(
    firm: Firm, actor: str, number: str, amount: Decimal, description: str, *, on: date | None = None
) -> Outcome:
    description = " ".join(printable(description).split())
    if not description or len(description) > 300:
        raise InputError("Say what the cost was for.", example=command(f"cost {number} 350 records fee"))
    validate_amount(amount, "cost")

    def change(s: Session, case: Case) -> str:
        day = event_day(firm, on)
        n = max((c.n for c in case.costs), default=0) + 1
        case.costs.append(CaseCost(n=n, amount=amount, description=description, on=day, by=actor))
        audit(s, firm, case, actor, "cost", n=n, amount=amount, description=description, on=day)
        total = sum((c.amount for c in case.costs), ZERO)
        return said(
            f"Recorded cost {n} on {case.number} ({day:%b %-d}): {money(amount)}, ",
            typed(description),
            f". Costs so far: {money(total)}.",
        )

    return change_case(firm, actor, number, change)

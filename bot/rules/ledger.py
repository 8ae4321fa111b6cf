"""A case's ledger and the settlement statement drawn from it (playbook step 9): pure figures, no I/O.

The ledger holds each provider's bill (billed, paid by health insurance, adjusted or written off, and the
balance still owed to the provider), the liens asserted on the settlement (each at its reduced amount once
reduced) and the costs the firm advanced. Paid out of a settlement are the costs, every lien and every
provider's balance. Every amount here is already in cents; the fee is the only figure a rate produces, and
bot/rules/fees.py rounds it half-up to the cent once. The net is what is left, so every column adds up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from bot.errors import InputError
from bot.rules.fees import Side, Statement, statement
from bot.rules.parsing import money
from bot.rules.playbook import CloseOutcome

ZERO = Decimal("0.00")

LIEN_KINDS: dict[str, str] = {
    "medical": "Medical provider",
    "health-plan": "Health plan",
    "medicare": "Medicare",
    "medicaid": "Medicaid",
    "erisa": "ERISA plan",
    "other": "Other",
}
DECISIONS: dict[str, str] = {
    CloseOutcome.SETTLED: "Settle now",
    CloseOutcome.LITIGATION: "Litigate",
}  # a closed case's stage -> the column chosen


@dataclass(frozen=True)
class Bill:
    seq: int  # the provider's number on the card
    provider: str
    billed: Decimal
    paid: Decimal  # by health insurance (or anyone else) already
    adjusted: Decimal  # written off or reduced by the provider
    recorded_on: date

    @property
    def balance(self) -> Decimal:
        return self.billed - self.paid - self.adjusted

    @property
    def none(self) -> bool:
        """Marked as having no bill (`/case bill <case-no> <provider> none`): nothing billed, nothing owed."""
        return self.billed == 0


@dataclass(frozen=True)
class LienEntry:
    n: int
    holder: str
    kind: str
    amount: Decimal  # as asserted
    asserted_on: date
    reduced_to: Decimal | None = None
    reduced_on: date | None = None
    accepted_on: date | None = None
    paid_on: date | None = None

    @property
    def owed(self) -> Decimal:
        """What the settlement pays it: the reduced amount once reduced, else the amount asserted."""
        return self.amount if self.reduced_to is None else self.reduced_to

    @property
    def state(self) -> str:
        if self.paid_on:
            return "paid"
        if self.accepted_on:
            return "accepted"
        return "reduced" if self.reduced_to is not None else "asserted"


@dataclass(frozen=True)
class CostEntry:
    n: int
    amount: Decimal
    description: str
    on: date


@dataclass(frozen=True)
class Ledger:
    bills: tuple[Bill, ...] = ()
    liens: tuple[LienEntry, ...] = ()
    costs: tuple[CostEntry, ...] = ()
    unbilled: tuple[str, ...] = ()  # providers with no bill recorded (nor marked as having none)

    @property
    def specials(self) -> Decimal:
        """The case's total medical specials: everything billed (what the demand package cites)."""
        return sum((b.billed for b in self.bills), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((b.paid for b in self.bills), ZERO)

    @property
    def adjusted(self) -> Decimal:
        return sum((b.adjusted for b in self.bills), ZERO)

    @property
    def balances(self) -> Decimal:
        return sum((b.balance for b in self.bills), ZERO)

    @property
    def liens_asserted(self) -> Decimal:
        return sum((lien.amount for lien in self.liens), ZERO)

    @property
    def liens_owed(self) -> Decimal:
        return sum((lien.owed for lien in self.liens), ZERO)

    @property
    def liens_unpaid(self) -> Decimal:
        """What the liens not yet paid are owed; a paid lien is owed nothing more."""
        return sum((lien.owed for lien in self.liens if not lien.paid_on), ZERO)

    @property
    def liens_paid(self) -> Decimal:
        return sum((lien.owed for lien in self.liens if lien.paid_on), ZERO)

    @property
    def costs_total(self) -> Decimal:
        return sum((c.amount for c in self.costs), ZERO)

    @property
    def payable(self) -> Decimal:
        """Liens and medical bills paid out of the settlement: every lien as owed, every unpaid balance."""
        return self.liens_owed + self.balances

    @property
    def empty(self) -> bool:
        return not (self.bills or self.liens or self.costs)


@dataclass(frozen=True)
class Line:
    """One line of a statement: what it is, and its amount (a deduction is positive)."""

    label: str
    amount: Decimal
    note: str = ""


@dataclass(frozen=True)
class Column:
    """One column of the sheet: its side's figures, and the lines that make up its costs and its liens."""

    side: Side
    cost_lines: tuple[Line, ...]
    lien_lines: tuple[Line, ...]

    @property
    def deductions(self) -> Decimal:
        """Everything taken out of the gross: the fee, the costs, the liens and medical bills."""
        return self.side.fee + self.side.costs + self.side.liens

    @property
    def lines_add_up(self) -> bool:
        s = self.side
        return (
            sum((x.amount for x in self.cost_lines), ZERO) == s.costs
            and sum((x.amount for x in self.lien_lines), ZERO) == s.liens
            and s.gross - self.deductions == s.net_to_client
        )


@dataclass(frozen=True)
class Sheet:
    """The settlement statement of one case: the figures (fees.Statement), the ledger they came from, and the
    columns to show: both before the client decides, only the chosen one after."""

    statement: Statement
    ledger: Ledger
    columns: tuple[Column, ...]
    decision: str | None  # "settled" | "litigation" once the client has decided, else None
    costs_typed: bool = False  # a what-if: the costs were typed, not taken from the ledger
    liens_typed: bool = False

    @property
    def missing_bills(self) -> tuple[str, ...]:
        """Providers whose bill is not recorded, when the liens and bills come from the ledger: the net
        leaves their bills out, so it is overstated."""
        return () if self.liens_typed else self.ledger.unbilled

    @property
    def missing_bills_warning(self) -> str | None:
        """ "2 providers have no bill recorded: Sutter Health, Golden Gate PT — the net is overstated." """
        names = self.missing_bills
        if not names:
            return None
        many = len(names) != 1
        return (
            f"{len(names)} provider{'s' if many else ''} {'have' if many else 'has'} no bill recorded: "
            f"{', '.join(names)} — the net is overstated."
        )


def validate_amount(amount: Decimal, what: str, *, zero: bool = False) -> None:
    if amount < 0 or (amount == 0 and not zero):
        raise InputError(f"The {what} is more than 0.", example="1,200")
    if amount != amount.quantize(Decimal("0.01")):
        raise InputError(f"The {what} is in dollars and cents.", example="1,200.50")


def check_bill(billed: Decimal, paid: Decimal, adjusted: Decimal) -> None:
    """A bill whose payments and adjustments come to more than it charged is a typing mistake."""
    validate_amount(billed, "amount billed")
    validate_amount(paid, "amount paid", zero=True)
    validate_amount(adjusted, "adjustment", zero=True)
    if paid + adjusted > billed:
        raise InputError(
            f"Paid {paid:,.2f} and adjusted {adjusted:,.2f} come to more than the {billed:,.2f} billed.",
            example=f"{billed:,.2f} paid {min(paid, billed):,.2f} adjusted {max(billed - paid, ZERO):,.2f}",
        )


def sheet(
    ledger: Ledger,
    gross: Decimal,
    *,
    litigation_costs: Decimal | None = None,
    presuit: Fraction = Fraction(1, 3),
    litigation: Fraction = Fraction(2, 5),
    base: str = "gross",
    costs: Decimal | None = None,
    liens: Decimal | None = None,
    decision: str | None = None,
) -> Sheet:
    """The statement from the ledger. `costs` or `liens` typed replace the ledger's for a what-if; a
    litigation cost estimate replaces the costs in the litigation column (it covers the costs so far)."""
    if decision is not None and decision not in DECISIONS:
        raise ValueError(f"not a decision: {decision}")
    cost_total = ledger.costs_total if costs is None else costs
    lien_total = ledger.payable if liens is None else liens
    figures = statement(gross, cost_total, lien_total, litigation_costs, presuit, litigation, base)

    if costs is None:
        cost_lines = tuple(Line(c.description, c.amount, f"{c.on:%b %-d, %Y}") for c in ledger.costs)
    else:
        cost_lines = (Line("Case costs (typed for this statement)", figures.costs),)
    if liens is None:
        lien_lines = _lien_lines(ledger)
    else:
        lien_lines = (Line("Liens and medical bills (typed for this statement)", figures.liens),)

    def column(side: Side) -> Column:
        lines = cost_lines
        if side is figures.litigate and figures.litigation_costs is not None:
            further = figures.litigation_costs - figures.costs
            lines = (*cost_lines, Line("Further litigation costs (estimate)", further)) if further else lines
        return Column(side, _nonzero(lines), lien_lines)

    decided: dict[str, tuple[Side, ...]] = {
        CloseOutcome.SETTLED: (figures.settle_now,),
        CloseOutcome.LITIGATION: (figures.litigate,),
    }
    shown = decided.get(decision or "", (figures.settle_now, figures.litigate))
    return Sheet(
        statement=figures,
        ledger=ledger,
        columns=tuple(column(s) for s in shown),
        decision=decision,
        costs_typed=costs is not None,
        liens_typed=liens is not None,
    )


def _lien_lines(ledger: Ledger) -> tuple[Line, ...]:
    lines = []
    for lien in ledger.liens:
        kind = LIEN_KINDS.get(lien.kind, lien.kind)
        label = f"{lien.holder}, lien {lien.n}"
        note = f"{kind} lien, asserted {money(lien.amount)}"
        if lien.reduced_to is not None:
            note += f", reduced to {money(lien.reduced_to)}"
        if lien.accepted_on:
            note += ", accepted"
        if lien.paid_on:
            note += ", paid"
        lines.append(Line(label, lien.owed, note))
    for bill in ledger.bills:
        if bill.balance and not bill.none:
            lines.append(
                Line(
                    f"{bill.provider}, balance of its bill",
                    bill.balance,
                    f"billed {money(bill.billed)}, paid {money(bill.paid)}, adjusted {money(bill.adjusted)}",
                )
            )
    return tuple(lines)


def _nonzero(lines: Sequence[Line]) -> tuple[Line, ...]:
    return tuple(x for x in lines if x.amount)


def statement_filename(case: str | None, prepared_on: date) -> str:
    """The settlement statement's file name: the case number (only letters, digits, - and _) and the day."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in (case or "case"))
    return f"settlement-statement-{safe}-{prepared_on.isoformat()}.pdf"

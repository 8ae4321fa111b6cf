"""A case's fee terms, and its settlement statement from them and its ledger (playbook step 9)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

from sqlalchemy.orm import Session

from bot.errors import InputError
from bot.rules.fees import FEE_BASES, Statement, parse_rate, percent
from bot.rules.ledger import DECISIONS, Sheet, sheet
from bot.rules.playbook import Numbers
from bot.rules.said import quoted, said
from bot.services.cards import ledger_of
from bot.services.changes import audit, change_case, find_case, find_case_for
from bot.services.firm import Firm, Outcome, Transaction
from storage.models import Case


@dataclass(frozen=True)
class FeeTerms:
    presuit: Fraction
    litigation: Fraction
    base: str
    from_case: bool  # at least one term is the case's own, not the firm's default


def fee_terms(case: Case, numbers: Numbers) -> FeeTerms:
    """The case's retainer terms, each falling back to the firm's default."""
    return FeeTerms(
        presuit=Fraction(case.fee_presuit) if case.fee_presuit else numbers.fee_presuit,
        litigation=Fraction(case.fee_litigation) if case.fee_litigation else numbers.fee_litigation,
        base=case.fee_base or numbers.fee_base,
        from_case=bool(case.fee_presuit or case.fee_litigation or case.fee_base),
    )


def settlement_sheet(
    firm: Firm,
    actor: str,
    number: str,
    gross: Decimal,
    *,
    costs: Decimal | None = None,
    liens: Decimal | None = None,
    litigation_costs: Decimal | None = None,
    operator: bool = False,
) -> Sheet:
    """The statement for one case, with its own fee terms and its ledger: costs and liens come from the
    ledger unless typed (a what-if). Both columns until the client decides, the chosen one after. Read-only.
    `operator`: asked at the command line, by whoever runs casebot itself (and so holds its database)."""

    with Transaction(firm, write=False) as s:
        # The amounts are the client's business: only who may see the case sees them (access.may_see).
        case = find_case(s, number) if operator else find_case_for(s, firm, actor, number)
        terms = fee_terms(case, firm.numbers)
        result = sheet(
            ledger_of(case),
            gross,
            litigation_costs=litigation_costs,
            presuit=terms.presuit,
            litigation=terms.litigation,
            base=terms.base,
            costs=costs,
            liens=liens,
            decision=case.stage if case.stage in DECISIONS else None,
        )
        return replace(
            result,
            statement=replace(
                result.statement, case=case.number, client=case.client_name, terms_from_case=terms.from_case
            ),
        )


def settlement_statement(
    firm: Firm,
    actor: str,
    number: str,
    gross: Decimal,
    costs: Decimal | None = None,
    liens: Decimal | None = None,
    litigation_costs: Decimal | None = None,
) -> Statement:
    """The statement's figures for one case (both columns), costs and liens from the ledger unless typed."""
    return settlement_sheet(
        firm, actor, number, gross, costs=costs, liens=liens, litigation_costs=litigation_costs
    ).statement


def set_fee_terms(
    firm: Firm,
    actor: str,
    number: str,
    presuit: str | Fraction | None = None,
    litigation: str | Fraction | None = None,
    base: str | None = None,
) -> Outcome:
    """Record the case's retainer terms; the word `default` puts a term back to the firm's default."""

    if presuit is None and litigation is None and base is None:
        raise InputError(
            "Give at least one fee term: pre-suit rate, litigation rate or base (gross|net).",
            example="presuit 1/3 litigation 40% base net",
        )

    def rate_or_default(value: str | Fraction | None, what: str) -> str | None | bool:
        if value is None:
            return False  # not given: leave as is
        if isinstance(value, str) and value.strip().lower() == "default":
            return None
        return str(parse_rate(value, what=what))

    new_presuit = rate_or_default(presuit, "pre-suit fee")
    new_litigation = rate_or_default(litigation, "litigation fee")
    new_base: str | None | bool = False
    if base is not None:
        word = base.strip().lower()
        if word not in (*FEE_BASES, "default"):
            raise InputError(
                said("The fee is on the gross or on the net of costs, not ", quoted(base[:20]), "."),
                example="base net",
            )
        new_base = None if word == "default" else word

    def change(s: Session, case: Case) -> str:
        before = (case.fee_presuit, case.fee_litigation, case.fee_base)
        if new_presuit is not False:
            case.fee_presuit = new_presuit  # type: ignore[assignment]
        if new_litigation is not False:
            case.fee_litigation = new_litigation  # type: ignore[assignment]
        if new_base is not False:
            case.fee_base = new_base  # type: ignore[assignment]
        terms = fee_terms(case, firm.numbers)
        shown = (
            f"{percent(terms.presuit)} pre-suit, {percent(terms.litigation)} in litigation, "
            f"on the {'gross' if terms.base == 'gross' else 'net of costs'}"
        )
        if before == (case.fee_presuit, case.fee_litigation, case.fee_base):
            return f"{case.number}'s fee terms are already {shown}."
        audit(
            s,
            firm,
            case,
            actor,
            "fee_terms",
            presuit=case.fee_presuit or "default",
            litigation=case.fee_litigation or "default",
            base=case.fee_base or "default",
        )
        return f"{case.number}'s fee terms are now {shown}."

    return change_case(firm, actor, number, change)

"""The money and the deadlines: `accounting` (settle now vs. litigate, from the ledger), `fees` (the retainer's
terms), `sol` (the statute of limitations) and `claim-deadline` (presenting a claim to a public entity)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.errors import InputError
from bot.rules.fees import parse_rate
from bot.rules.said import quoted, said
from bot.services import accounting, claim_events, limitation
from handlers.blocks import Reply, build_accounting
from handlers.commands.subcommand import (
    CASE,
    Subcommand,
    amount,
    case_no,
    date_opt,
    no_more,
    outcome,
    refuse,
)
from handlers.context import Context
from handlers.parse import day_at

_STATE_RE = re.compile(r"^[A-Za-z]{2}$")


# ---------------------------------------------------------------- accounting

_COSTS = {"costs": "costs", "liens": "liens", "litigation-costs": "litigation_costs"}


@dataclass(frozen=True)
class Accounting:
    number: str
    gross: Decimal
    costs: Decimal | None = None
    liens: Decimal | None = None
    litigation_costs: Decimal | None = None


def parse_accounting(words: list[str]) -> Accounting:
    number = case_no(ACCOUNTING, words)
    if not words:
        raise refuse(ACCOUNTING, "Give the gross settlement.")
    gross = amount(ACCOUNTING, words.pop(0))
    extra: dict[str, Decimal] = {}
    while words:
        key = words.pop(0).lower().replace("_", "-")
        name = _COSTS.get(key)
        if name is None:
            raise refuse(ACCOUNTING, said(quoted(key[:30]), " is not costs, liens or litigation-costs."))
        if not words:
            raise refuse(ACCOUNTING, said("Give an amount after ", quoted(key), "."))
        extra[name] = amount(ACCOUNTING, words.pop(0))
    return Accounting(
        number=number,
        gross=gross,
        costs=extra.get("costs"),
        liens=extra.get("liens"),
        litigation_costs=extra.get("litigation_costs"),
    )


def run_accounting(ctx: Context, actor: str, a: Accounting) -> Reply:
    sheet = accounting.settlement_sheet(
        ctx.firm, actor, a.number, a.gross, costs=a.costs, liens=a.liens, litigation_costs=a.litigation_costs
    )
    return build_accounting(sheet)


ACCOUNTING = Subcommand(
    CASE,
    "accounting",
    usage="<case-no> <gross> [costs <amount>] [liens <amount>] [litigation-costs <amount>]",
    help="settle now vs. litigate, costs and liens from the ledger unless typed",
    example="PI-2041 60k costs 2,400 liens 8,150",
    parse=parse_accounting,
    run=run_accounting,
)


# ---------------------------------------------------------------- sol


@dataclass(frozen=True)
class Limitation:
    """The limitation date itself, or the day and state of the loss to compute it (both: the date wins), with
    `motor` (a motor-vehicle injury) and `public` (a claim against a public entity) describing the loss."""

    number: str
    on: date | None
    loss_on: date | None = None
    state: str | None = None
    motor: bool = False
    public: bool = False


_LOSS_WORDS = ("motor", "public")


def parse_sol(words: list[str]) -> Limitation:
    number = case_no(SOL, words)
    on = date_opt(SOL, words, when="dated")
    loss_on: date | None = None
    state: str | None = None
    given: set[str] = set()
    if words and words[0].lower() == "loss":
        words.pop(0)
        loss_on = date_opt(SOL, words)
        if loss_on is None:
            raise refuse(SOL, "Give the day of the loss after “loss”, then its state.")
        if not words:
            raise refuse(SOL, "Give the state where the loss happened: two letters, like CA.")
        word = words.pop(0)
        if not _STATE_RE.match(word):
            raise refuse(SOL, said(quoted(word[:20]), " is not a state: two letters, like CA."))
        state = word.upper()
        while words and words[0].lower() in _LOSS_WORDS:
            word = words.pop(0).lower()
            if word in given:
                raise refuse(SOL, said("Say ", quoted(word), " once."))
            given.add(word)
    elif words and words[0].lower() in _LOSS_WORDS:
        raise refuse(
            SOL,
            said(quoted(words[0][:20]), " describes the loss: give it after the loss's day and state."),
            example=f"{CASE} sol {number} loss 2026-03-02 CA {words[0].lower()}",
        )
    no_more(SOL, words)
    if on is None and loss_on is None:
        raise refuse(SOL, "Give the limitation date, or “loss” with the day of the loss and its state.")
    return Limitation(
        number=number, on=on, loss_on=loss_on, state=state, motor="motor" in given, public="public" in given
    )


def run_sol(ctx: Context, actor: str, a: Limitation) -> Reply:
    return outcome(
        ctx,
        limitation.set_limitation(
            ctx.firm,
            actor,
            a.number,
            on=a.on,
            loss_on=a.loss_on,
            state=a.state,
            motor=a.motor,
            public=a.public,
        ),
    )


SOL = Subcommand(
    CASE,
    "sol",
    usage="<case-no> <day with its year>",
    also=("<case-no> loss <day> <state> [motor] [public]",),
    help="the statute of limitations (any state or DC); `public` adds the claim deadline",
    example="PI-2041 loss 2026-03-02 CA",
    parse=parse_sol,
    run=run_sol,
    aliases=("limitation", "statute"),
)


# ---------------------------------------------------------------- claim-deadline


@dataclass(frozen=True)
class ClaimDeadline:
    """The last day to present a claim to a public entity, entered by hand."""

    number: str
    on: date


def parse_claim_deadline(words: list[str]) -> ClaimDeadline:
    number = case_no(CLAIM_DEADLINE, words)
    on = date_opt(CLAIM_DEADLINE, words, when="dated")
    if on is None:
        raise refuse(CLAIM_DEADLINE, "Give the last day to present the claim to the public entity.")
    no_more(CLAIM_DEADLINE, words)
    return ClaimDeadline(number=number, on=on)


def run_claim_deadline(ctx: Context, actor: str, a: ClaimDeadline) -> Reply:
    return outcome(ctx, limitation.set_claim_deadline(ctx.firm, actor, a.number, a.on))


CLAIM_DEADLINE = Subcommand(
    CASE,
    "claim-deadline",
    usage="<case-no> <day with its year>",
    help="the last day to present a claim to a public entity, entered yourself",
    example="PI-2041 2026-09-02",
    parse=parse_claim_deadline,
    run=run_claim_deadline,
    aliases=("notice",),
)


# ---------------------------------------------------------------- claim (its events)

_CLAIM_EVENTS = {
    "presented": "presented",
    "rejected": "rejected",
    "deemed-rejected": "deemed-rejected",
    "deemed_rejected": "deemed-rejected",
}


@dataclass(frozen=True)
class ClaimEvent:
    """The claim against a public entity presented, rejected in writing, or rejected by operation of law."""

    number: str
    event: str
    on: date


def parse_claim(words: list[str]) -> ClaimEvent:
    number = case_no(CLAIM, words)
    if not words:
        raise refuse(
            CLAIM, "Say what happened to the claim: presented, rejected or deemed-rejected, then the day."
        )
    word = words[0].lower()
    if word == "deemed" and len(words) > 1 and words[1].lower() == "rejected":
        words[:2] = ["deemed-rejected"]
        word = "deemed-rejected"
    event = _CLAIM_EVENTS.get(word)
    if event is None:
        day = (
            " (a day: the claim deadline itself is `/case claim-deadline <case-no> <day>`)"
            if day_at(words)
            else ""
        )
        raise refuse(
            CLAIM,
            said(
                quoted(words[0][:20]),
                f" is not what happened to the claim{day}: presented, rejected or deemed-rejected.",
            ),
        )
    words.pop(0)
    on = date_opt(CLAIM, words)
    if on is None:
        raise refuse(CLAIM, f"Give the day the claim was {event}: the day of the notice for a rejection.")
    no_more(CLAIM, words)
    return ClaimEvent(number=number, event=event, on=on)


def run_claim(ctx: Context, actor: str, a: ClaimEvent) -> Reply:
    return outcome(ctx, claim_events.record_claim_event(ctx.firm, actor, a.number, a.event, a.on))


CLAIM = Subcommand(
    CASE,
    "claim",
    usage="<case-no> presented|rejected|deemed-rejected <day>",
    help=(
        "the claim against a public entity: presented stops its alerts; a rejection starts the suit deadline "
        "that runs from it"
    ),
    example="PI-2041 rejected 2026-09-02",
    parse=parse_claim,
    run=run_claim,
)


# ---------------------------------------------------------------- fees

_FEE_KEYS = {"presuit": "presuit", "pre-suit": "presuit", "litigation": "litigation", "base": "base"}
FEE_BASES = ("gross", "net")


@dataclass(frozen=True)
class FeeTerms:
    """Each term as written (`33 1/3%`, `net`), or `default` to put it back; None leaves it as it is."""

    number: str
    presuit: str | None = None
    litigation: str | None = None
    base: str | None = None


def parse_fees(words: list[str]) -> FeeTerms:
    """`presuit 33 1/3%`, `litigation 40%`, `base net`, in any order; `default` puts a term back."""
    number = case_no(FEES, words)
    terms: dict[str, str] = {}
    while words:
        key = words.pop(0).lower()
        name = _FEE_KEYS.get(key)
        if name is None:
            raise refuse(FEES, said(quoted(key[:30]), " is not presuit, litigation or base."))
        if name in terms:
            raise refuse(FEES, f"Give {name} once.")
        value: list[str] = []
        while words and words[0].lower() not in _FEE_KEYS:
            value.append(words.pop(0))
        text = " ".join(value)
        if name == "base":
            if text.lower() not in (*FEE_BASES, "default"):
                got = said(quoted(text[:20]), " is not") if text else "Say after “base” whether the fee is on"
                raise refuse(FEES, said(got, " gross or net (of costs)."))
            text = text.lower()
        elif not text:
            raise refuse(
                FEES, said(f"Give the {name} fee rate after ", quoted(key), ", like 33 1/3% or 40%.")
            )
        elif text.lower() == "default":
            text = "default"
        else:
            try:
                parse_rate(text, what=f"{name} fee")
            except InputError as exc:
                raise refuse(FEES, exc.message) from None
        terms[name] = text
    if not terms:
        raise refuse(FEES, "Give at least one term: presuit <rate>, litigation <rate> or base gross|net.")
    return FeeTerms(
        number=number,
        presuit=terms.get("presuit"),
        litigation=terms.get("litigation"),
        base=terms.get("base"),
    )


def run_fees(ctx: Context, actor: str, a: FeeTerms) -> Reply:
    return outcome(
        ctx,
        accounting.set_fee_terms(
            ctx.firm, actor, a.number, presuit=a.presuit, litigation=a.litigation, base=a.base
        ),
    )


FEES = Subcommand(
    CASE,
    "fees",
    usage=f"<case-no> [presuit <rate>] [litigation <rate>] [base {'|'.join(FEE_BASES)}]",
    help="the retainer's fee terms",
    example="PI-2041 presuit 33 1/3% litigation 40% base net",
    parse=parse_fees,
    run=run_fees,
    aliases=("fee",),
)

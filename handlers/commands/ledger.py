"""The ledger: `bill` (a provider's bill), `lien` (add, reduced, accepted, paid), `cost`, and `statement`, the
settlement statement as a PDF to the caller's DM."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from slack_sdk.errors import SlackApiError, SlackClientError

from bot import services
from bot.errors import BadAmount
from bot.logs import failure
from bot.rules.ledger import LIEN_KINDS, Sheet, statement_filename
from bot.rules.parsing import parse_amount
from bot.rules.said import quoted, said
from bot.services import accounting
from handlers.blocks import Reply, build_statement_sent
from handlers.commands.subcommand import (
    CASE,
    Form,
    Subcommand,
    amount,
    case_no,
    date_at_end,
    date_opt,
    no_more,
    one_of,
    outcome,
    refuse,
    text_without_days,
)
from handlers.context import Context
from handlers.refusals import Shown
from handlers.slack.files import upload_to_dm

log = logging.getLogger(__name__)


def _amount_or_zero(sub: Shown, word: str) -> Decimal:
    """An amount that may be 0 (nothing paid, nothing written off, a lien waived)."""
    try:
        return parse_amount(word, zero=True)
    except BadAmount as exc:
        raise BadAmount(exc.message, example=sub.example_line, usage=sub.usage_line) from None


def _keyed_from_the_end(sub: Shown, words: list[str], keys: tuple[str, ...]) -> dict[str, str]:
    """Trailing `key value` pairs (`paid 1,800 adjusted 600`), each key once, read from the right."""
    found: dict[str, str] = {}
    while len(words) >= 2 and words[-2].lower() in keys:
        value, key = words.pop(), words.pop().lower()
        if key in found:
            raise refuse(sub, f"Give {key} once.")
        found[key] = value
    return found


# ---------------------------------------------------------------- bill


@dataclass(frozen=True)
class BillArgs:
    number: str
    provider: str
    billed: Decimal | None  # None: `none`, the provider has no bill
    paid: Decimal | None
    adjusted: Decimal | None


def parse_bill(words: list[str]) -> BillArgs:
    number = case_no(BILL, words)
    extra = _keyed_from_the_end(BILL, words, ("paid", "adjusted"))
    if len(words) < 2:
        raise refuse(
            BILL,
            "Name the provider (its number on the card or the start of its name), then the amount billed "
            "(or none).",
        )
    if words[-1].lower() == "none":
        if extra:
            raise refuse(BILL, "A provider with no bill has nothing paid or adjusted: give none alone.")
        words.pop()
        return BillArgs(number=number, provider=" ".join(words), billed=None, paid=None, adjusted=None)
    billed = amount(BILL, words.pop())
    return BillArgs(
        number=number,
        provider=" ".join(words),
        billed=billed,
        paid=_amount_or_zero(BILL, extra["paid"]) if "paid" in extra else None,
        adjusted=_amount_or_zero(BILL, extra["adjusted"]) if "adjusted" in extra else None,
    )


def run_bill(ctx: Context, actor: str, a: BillArgs) -> Reply:
    if a.billed is None:
        return outcome(ctx, services.record_no_bill(ctx.firm, actor, a.number, a.provider))
    return outcome(
        ctx,
        services.record_bill(
            ctx.firm, actor, a.number, a.provider, a.billed, paid=a.paid, adjusted=a.adjusted
        ),
    )


BILL = Subcommand(
    CASE,
    "bill",
    usage="<case-no> <provider> <billed> [paid <amount>] [adjusted <amount>]",
    also=("<case-no> <provider> none",),
    help="a provider's bill: what it charged, what insurance paid, what was written off; none: it has no bill",
    example="PI-2041 1 4,200 paid 1,800 adjusted 600",
    parse=parse_bill,
    run=run_bill,
    aliases=("bills",),
)


# ---------------------------------------------------------------- lien


@dataclass(frozen=True)
class LienAdd:
    number: str
    holder: str
    amount: Decimal
    kind: str
    on: date | None


@dataclass(frozen=True)
class LienStep:
    number: str
    n: int
    step: str  # reduced | accepted | paid
    amount: Decimal | None
    on: date | None


LienArgs = LienAdd | LienStep

ADD = Form(
    CASE,
    "lien",
    usage=f"<case-no> add <holder…> <amount> [type {'|'.join(LIEN_KINDS)}]",
    example="PI-2041 add Blue Cross 6,500 type health-plan",
    help="a lien asserted on the settlement",
)
STEP = Form(
    CASE,
    "lien",
    usage="<case-no> <n> reduced <amount>|accepted|paid [day]",
    example="PI-2041 1 reduced 4,000",
    help="its negotiation: reduced to an amount, accepted as final, paid",
)
STEPS = ("reduced", "accepted", "paid")


def parse_lien(words: list[str]) -> LienArgs:
    number = case_no(LIEN, words)
    if not words:
        raise refuse(LIEN, "Say add, or the lien's number and reduced, accepted or paid.")
    first = words.pop(0).lower()
    on = date_at_end(ADD if first == "add" else STEP, words)
    if first == "add":
        kind = "other"
        if len(words) >= 2 and words[-2].lower() == "type":
            kind = words.pop().lower()
            words.pop()
            if kind not in LIEN_KINDS:
                raise refuse(
                    ADD, said(quoted(kind[:20]), f" is not a type of lien: {one_of(tuple(LIEN_KINDS))}.")
                )
        if len(words) < 2:
            raise refuse(ADD, "Name who holds the lien, then the amount asserted.")
        lien_amount = amount(ADD, words.pop())
        return LienAdd(number=number, holder=" ".join(words), amount=lien_amount, kind=kind, on=on)
    if not first.isdigit():
        raise refuse(LIEN, said(quoted(first[:20]), " is neither add nor a lien's number."))
    if not words:
        raise refuse(STEP, f"Say what happened to lien {first}: {one_of(STEPS)}.")
    step = words.pop(0).lower()
    if step not in STEPS:
        raise refuse(STEP, said(quoted(step[:20]), f" is not {one_of(STEPS)}."))
    reduced_to: Decimal | None = None
    if step == "reduced":
        if not words:
            raise refuse(STEP, "Give the amount the lien was reduced to.")
        reduced_to = _amount_or_zero(STEP, words.pop(0))
    no_more(STEP, words)
    return LienStep(number=number, n=int(first), step=step, amount=reduced_to, on=on)


def run_lien(ctx: Context, actor: str, a: LienArgs) -> Reply:
    f = ctx.firm
    if isinstance(a, LienAdd):
        return outcome(ctx, services.add_lien(f, actor, a.number, a.holder, a.amount, kind=a.kind, on=a.on))
    if a.step == "reduced":
        assert a.amount is not None
        return outcome(ctx, services.lien_reduced(f, actor, a.number, a.n, a.amount, on=a.on))
    if a.step == "accepted":
        return outcome(ctx, services.lien_accepted(f, actor, a.number, a.n, on=a.on))
    return outcome(ctx, services.lien_paid(f, actor, a.number, a.n, on=a.on))


LIEN: Subcommand[LienArgs] = Subcommand(
    CASE,
    "lien",
    usage="<case-no> add <holder…> <amount> [type …]",
    also=("<case-no> <n> reduced <amount>|accepted|paid [day]",),
    help="liens on the settlement",
    example="PI-2041 add Blue Cross 6,500 type health-plan",
    parse=parse_lien,
    run=run_lien,
    aliases=("liens",),
    forms={LienAdd: ADD, LienStep: STEP},
)


# ---------------------------------------------------------------- cost


@dataclass(frozen=True)
class CostArgs:
    number: str
    amount: Decimal
    description: str
    on: date | None = None


def parse_cost(words: list[str]) -> CostArgs:
    number = case_no(COST, words)
    if not words:
        raise refuse(COST, "Give the amount, then what it was for.")
    cost = amount(COST, words.pop(0))
    on = date_opt(COST, words)  # its day, like the other ledger commands: never part of the description
    description = text_without_days(
        COST,
        words,
        "description",
        f"right after the amount (/case cost {number} <amount> 10/2 …)",
        recorded=on,
    )
    if not description:
        raise refuse(COST, "Say what the cost was for.")
    return CostArgs(number=number, amount=cost, description=description, on=on)


def run_cost(ctx: Context, actor: str, a: CostArgs) -> Reply:
    return outcome(ctx, services.add_cost(ctx.firm, actor, a.number, a.amount, a.description, on=a.on))


COST = Subcommand(
    CASE,
    "cost",
    usage="<case-no> <amount> [day] <description…>",
    help="a case cost the firm advanced (filing fee, records, an expert), on its day (default today)",
    example="PI-2041 120 2026-11-30 records copying",
    parse=parse_cost,
    run=run_cost,
    aliases=("costs",),
)


# ---------------------------------------------------------------- statement


@dataclass(frozen=True)
class StatementArgs:
    number: str
    gross: Decimal
    litigation_costs: Decimal | None


def parse_statement(words: list[str]) -> StatementArgs:
    number = case_no(STATEMENT, words)
    if not words:
        raise refuse(STATEMENT, "Give the gross settlement.")
    gross = amount(STATEMENT, words.pop(0))
    estimate = None
    if words:
        key = words.pop(0).lower().replace("_", "-")
        if key != "litigation-costs":
            raise refuse(
                STATEMENT,
                said(
                    quoted(key[:30]),
                    " is not litigation-costs: the statement takes costs and liens from the ledger "
                    "(/case accounting tries other figures).",
                ),
            )
        if not words:
            raise refuse(STATEMENT, "Give an amount after “litigation-costs”.")
        estimate = amount(STATEMENT, words.pop(0))
    no_more(STATEMENT, words)
    return StatementArgs(number=number, gross=gross, litigation_costs=estimate)


def run_statement(ctx: Context, actor: str, a: StatementArgs) -> Reply:
    """Checked and figured now (a refusal answers at once); drawn and uploaded after the reply, to the caller's
    DM only, so the PDF's drawing is not in the time Slack waits for."""
    sheet = accounting.settlement_sheet(
        ctx.firm, actor, a.number, a.gross, litigation_costs=a.litigation_costs
    )
    today = ctx.firm.today()
    number = sheet.statement.case or a.number
    filename = statement_filename(number, today)
    ctx.later(_send_statement, ctx, actor, number, filename, sheet, today)
    return build_statement_sent(number, filename, sheet, firm_name_set=ctx.firm.settings.firm_name_set)


def _send_statement(ctx: Context, actor: str, number: str, filename: str, sheet: Sheet, today: date) -> None:
    from bot.delivery.statement_pdf import render_statement  # fpdf2 and its fonts: loaded when first used

    settings = ctx.firm.settings
    try:
        pdf = render_statement(
            sheet,
            firm_name=settings.firm_name,
            prepared_on=today,
            timezone=settings.firm_timezone,
            firm_name_set=settings.firm_name_set,
        )
        upload_to_dm(
            ctx.client,
            actor,
            pdf,
            filename=filename,
            title=f"Settlement statement {number}",
            comment=f"The settlement statement of {number}, as you asked.",
        )
    except Exception as exc:  # told to the asker below; logged by type and place, never by its text
        failure(log, "draw or upload the settlement statement", exc, case=number, user=actor)
        try:
            ctx.client.chat_postMessage(
                channel=actor,
                text=f"The settlement statement of {number} could not be delivered just now; please ask again.",
            )
        except (SlackApiError, SlackClientError, OSError) as exc:
            failure(log, "say the statement was not delivered", exc, case=number, user=actor)


STATEMENT = Subcommand(
    CASE,
    "statement",
    usage="<case-no> <gross> [litigation-costs <amount>]",
    help="the settlement statement as a PDF, to your DM",
    example="PI-2041 60k litigation-costs 5,000",
    parse=parse_statement,
    run=run_statement,
)

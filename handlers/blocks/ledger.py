"""The ledger in Slack: its lines on the case card, the itemised accounting reply, and the statement's receipt.

These go only to the person who asked (ephemeral replies); the PDF itself goes to their DM."""

from __future__ import annotations

from bot.rules.ledger import LIEN_KINDS, Column, Ledger, LienEntry, Sheet
from bot.rules.parsing import money
from bot.rules.playbook import CloseOutcome
from handlers.blocks.kit import Block, Reply, code, context, day, esc, lines_sections, section


def _lien_line(x: LienEntry) -> str:
    steps = [f"{money(x.amount)} asserted {day(x.asserted_on)}"]
    if x.reduced_to is not None:
        steps.append(f"reduced to {money(x.reduced_to)} {day(x.reduced_on)}")
    if x.accepted_on:
        steps.append(f"accepted {day(x.accepted_on)}")
    if x.paid_on:
        steps.append(f"paid {day(x.paid_on)}")
    kind = LIEN_KINDS.get(x.kind, x.kind)
    kinds = "" if kind.lower() == x.holder.lower() else f" ({kind.lower()})"
    return f"{x.n}. {esc(x.holder)}{kinds} — " + " → ".join(steps)


def ledger_blocks(ledger: Ledger) -> list[Block]:
    """The card's bills, liens and costs; nothing when the ledger is empty."""
    if ledger.empty:
        return []
    lines: list[str] = []
    if ledger.bills:
        lines.append(f"*Bills* · medical specials {money(ledger.specials)}")
        lines.extend(
            f"{b.seq}. {esc(b.provider)} — no bill"
            if b.none
            else f"{b.seq}. {esc(b.provider)} — billed {money(b.billed)} · paid {money(b.paid)} · "
            f"adjusted {money(b.adjusted)} · balance {money(b.balance)}"
            for b in ledger.bills
        )
    if ledger.liens:
        owed = [f"{money(ledger.liens_unpaid)} owed"] if ledger.liens_unpaid or not ledger.liens_paid else []
        paid = [f"{money(ledger.liens_paid)} paid"] if ledger.liens_paid else []
        lines.append("*Liens* · " + " · ".join(owed + paid))
        lines.extend(_lien_line(x) for x in ledger.liens)
    if ledger.costs:
        lines.append(f"*Case costs* · {money(ledger.costs_total)}")
        lines.extend(f"{c.n}. {esc(c.description)} — {money(c.amount)} ({day(c.on)})" for c in ledger.costs)
    return lines_sections(lines, max_blocks=2)


def _column_field(column: Column) -> Block:
    side = column.side
    base = "" if side.fee_base == "gross" else f" of {money(side.fee_base_amount)} net of costs"
    return {
        "type": "mrkdwn",
        "text": "\n".join(
            [
                f"*{side.label}*",
                f"Gross settlement: {money(side.gross)}",
                f"Fee ({side.fee_percent}{base}): −{money(side.fee)}",
                f"Case costs: −{money(side.costs)}",
                f"Liens and medical bills: −{money(side.liens)}",
                f"*Net to client: {money(side.net_to_client)}*",
            ]
        ),
    }


def _itemised(sheet: Sheet) -> list[str]:
    """The lines each column's costs and liens are made of, a line only one column has marked as such."""
    lines: list[str] = []
    first, last = sheet.columns[0], sheet.columns[-1]
    if sheet.costs_typed:
        lines.append(f"*Case costs*: as typed (the ledger has {money(sheet.ledger.costs_total)})")
    else:
        lines.append(
            "*Case costs*, from the ledger:" if first.cost_lines else "*Case costs*: none in the ledger"
        )
        lines.extend(f"• {esc(x.label)} — {money(x.amount)}" for x in first.cost_lines)
    extra = [x for x in last.cost_lines if x not in first.cost_lines]
    lines.extend(f"• {esc(x.label)} — {money(x.amount)} ({last.side.label.lower()} only)" for x in extra)
    if sheet.liens_typed:
        lines.append(f"*Liens and medical bills*: as typed (the ledger has {money(sheet.ledger.payable)})")
    else:
        lines.append(
            "*Liens and medical bills*, from the ledger:"
            if first.lien_lines
            else "*Liens and medical bills*: none in the ledger"
        )
        lines.extend(
            f"• {esc(x.label)} — {money(x.amount)}" + (f" ({esc(x.note)})" if x.note else "")
            for x in first.lien_lines
        )
    return lines


LITIGATION_NOTE = (
    "The client chose to take the case to court: these are estimates of a recovery in litigation, at the "
    "litigation fee, should the case resolve for this gross. Nothing is disbursed now."
)


def statement_title(sheet: Sheet) -> str:
    return "Litigation estimate" if sheet.decision == CloseOutcome.LITIGATION else "Settlement statement"


def build_accounting(sheet: Sheet) -> Reply:
    """The settlement statement from the ledger: settle now and litigate side by side (the chosen column once
    the client has decided), then the ledger lines that make up the costs and the liens."""
    statement = sheet.statement
    number = statement.case
    title = statement_title(sheet) + (f" · {esc(number)}" if number else "")
    client = statement.client
    blocks: list[Block] = [section(f"*{title}*" + (f" — {esc(client)}" if client else ""))]
    warning = sheet.missing_bills_warning
    if warning:
        first = sheet.missing_bills[0]
        blocks.append(
            section(
                f":warning: *{esc(warning)}* Record each bill, e.g. {code(f'/case bill {number} {first} 4,200')}, "
                f"or mark a provider as having none: {code(f'/case bill {number} {first} none')}."
            )
        )
    if sheet.decision == CloseOutcome.LITIGATION:
        blocks.append(context(LITIGATION_NOTE))
    blocks.append({"type": "section", "fields": [_column_field(c) for c in sheet.columns]})
    blocks.extend(lines_sections(_itemised(sheet), max_blocks=2))
    notes = []
    if statement.litigation_costs is not None and len(sheet.columns) == 2:
        notes.append(f"Litigation column uses the cost estimate {money(statement.litigation_costs)}.")
    if statement.terms_from_case:
        notes.append("Fee terms from this case's retainer.")
    if sheet.decision is None:
        notes.append("It is the client's choice; advise only if asked.")
    else:
        notes.append(
            f"The client decided: {'settle' if sheet.decision == CloseOutcome.SETTLED else 'litigation'}."
        )
    if number:
        notes.append(
            f"{code(f'/case statement {number} {statement.gross:,.2f}')} sends it to your DM as a PDF."
        )
    blocks.append(context(" ".join(notes)))
    nets = ", ".join(f"{money(c.side.net_to_client)} {c.side.label.lower()}" for c in sheet.columns)
    text = f"{title}: net to client {nets}"
    if warning:
        text += f". {warning}"
    return Reply(text, blocks)


def build_statement_sent(
    number: str, filename: str, sheet: Sheet | None = None, *, firm_name_set: bool = True
) -> Reply:
    """The reply to `/case statement`: where the PDF went (only to the person who asked), and what its first
    page warns of."""
    text = f"The {statement_title(sheet).lower() if sheet else 'settlement statement'} of {esc(number)} is on its way to your DM with casebot, as {esc(filename)}."
    blocks = [section(f":page_facing_up: {text}")]
    warning = sheet.missing_bills_warning if sheet else None
    if warning:
        blocks.append(section(f":warning: *{esc(warning)}* The PDF says so on its first page."))
        text += f" {warning}"
    if not firm_name_set:
        unset = "FIRM_NAME is not set, so the statement is headed “Law Office”: set FIRM_NAME in casebot's settings."
        blocks.append(section(f":warning: {unset}"))
        text += f" {unset}"
    blocks.append(context("Only you receive it."))
    return Reply(text, blocks)

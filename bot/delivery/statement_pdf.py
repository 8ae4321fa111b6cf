"""The settlement statement as a PDF the client reads and signs (fpdf2), from a ledger.Sheet: no Slack, no I/O.

The page shows the firm, the client and the case, the fee terms, each provider's bill, each lien, each cost,
then the distribution: the gross, what is taken out line by line and the net to the client, settling now
and litigating side by side until the client decides, the chosen column after. Deductions are written as
positive amounts under "Less", and a negative net in parentheses, as on paper. The text is set in DejaVu
Sans (shipped with matplotlib, already a dependency), so a client's name in any alphabet and "33⅓%" print
as typed; fpdf2 embeds only the glyphs used."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import matplotlib
from fpdf import FPDF
from fpdf.enums import Align, TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from bot.rules.ledger import DECISIONS, LIEN_KINDS, Column, Sheet, statement_filename
from bot.rules.parsing import money
from bot.rules.playbook import CloseOutcome

__all__ = ["render_statement", "statement_filename"]

_FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
_FONT = "DejaVu"
_INK = (33, 37, 41)
_MUTED = (108, 117, 125)
_RULE = (200, 204, 208)
_HEAD = FontFace(emphasis="BOLD", fill_color=(235, 238, 241))
_TOTAL = FontFace(emphasis="BOLD")


def _day(d: date | None) -> str:
    return f"{d:%b %-d, %Y}" if d else ""


class _Page(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="letter")
        self.footer_text = footer_text
        self.add_font(_FONT, "", str(_FONTS / "DejaVuSans.ttf"))
        self.add_font(_FONT, "B", str(_FONTS / "DejaVuSans-Bold.ttf"))
        self.add_font(_FONT, "I", str(_FONTS / "DejaVuSans-Oblique.ttf"))
        self.set_margins(18, 14, 18)
        self.set_auto_page_break(True, margin=18)
        self.set_text_color(*_INK)
        self.set_draw_color(*_RULE)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(_FONT, "", 7.5)
        self.set_text_color(*_MUTED)
        self.cell(0, 5, self.footer_text, align=Align.L)
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align=Align.R)
        self.set_text_color(*_INK)

    def heading(self, text: str) -> None:
        if self.will_page_break(22):
            self.add_page()
        self.ln(2.5)
        self.set_font(_FONT, "B", 10.5)
        self.cell(0, 6.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(_FONT, "", 8.5)

    def note(self, text: str, size: float = 8) -> None:
        self.set_font(_FONT, "I", size)
        self.set_text_color(*_MUTED)
        self.multi_cell(0, 4.2, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*_INK)
        self.set_font(_FONT, "", 8.5)


def render_statement(
    sheet: Sheet, *, firm_name: str, prepared_on: date, timezone: str = "UTC", firm_name_set: bool = True
) -> bytes:
    """The statement as PDF bytes. The same sheet and day always give the same bytes. On page one, in red:
    the providers with no bill recorded (the net leaves them out), and a firm name never set (FIRM_NAME)."""
    figures = sheet.statement
    chosen = DECISIONS.get(sheet.decision or "")
    litigating = sheet.decision == CloseOutcome.LITIGATION
    title = (
        "Settlement statement"
        if chosen is None
        else "Litigation estimate statement"
        if litigating
        else "Settlement and disbursement statement"
    )
    pdf = _Page(f"{firm_name} · {figures.case or ''} · {title}, prepared {_day(prepared_on)}")
    pdf.set_title(f"{title} {figures.case or ''}".strip())
    pdf.set_author(firm_name)
    pdf.set_creator("casebot")
    pdf.set_creation_date(datetime.combine(prepared_on, time(12, 0), tzinfo=ZoneInfo(timezone)))
    pdf.add_page()

    pdf.set_font(_FONT, "B", 9)
    pdf.set_text_color(*_MUTED)
    pdf.cell(0, 5, firm_name.upper(), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*_INK)
    pdf.set_font(_FONT, "B", 16)
    pdf.cell(0, 9, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FONT, "", 9)
    pairs = [
        [("Client", figures.client or ""), ("Case", figures.case or "")],
        [("Prepared", _day(prepared_on)), ("Gross settlement", money(figures.gross))],
        [("Fee under the retainer", _fee_terms(sheet))],
    ]
    if chosen is not None:
        decided = "settle" if sheet.decision == CloseOutcome.SETTLED else "take the case to court"
        pairs.append([("The client's decision", decided)])
    with pdf.table(
        col_widths=(38, 62, 30, 50),
        first_row_as_headings=False,
        borders_layout=TableBordersLayout.NONE,
        line_height=4.6,
        padding=(0.3, 1, 0.3, 0),
    ) as table:
        for pair in pairs:
            row = table.row()
            for label, value in pair:
                row.cell(label, style=FontFace(color=_MUTED))
                row.cell(value, style=FontFace(emphasis="BOLD"), colspan=1 if len(pair) == 2 else 3)

    _warnings(pdf, sheet, firm_name_set)
    _specials(pdf, sheet)
    _liens(pdf, sheet)
    _costs(pdf, sheet)
    _distribution(pdf, sheet)
    _signatures(pdf, sheet)
    return bytes(pdf.output())


_WARN = (176, 0, 32)

LITIGATION_WORDS = (
    "The client chose to take the case to court. The figures below are an estimate of a recovery in "
    "litigation, at the litigation fee, should the case resolve for the gross shown; a verdict may be higher, "
    "lower or nothing, and takes time. Nothing is disbursed now."
)


def _warnings(pdf: _Page, sheet: Sheet, firm_name_set: bool) -> None:
    warnings = []
    if sheet.missing_bills_warning:
        warnings.append(
            f"Warning: {sheet.missing_bills_warning} Record each bill, or mark a provider as having none, "
            "before this statement is signed."
        )
    if not firm_name_set:
        warnings.append(
            "Warning: the firm's name is not set (FIRM_NAME); this statement is headed with a placeholder."
        )
    if warnings:
        pdf.ln(2)
        pdf.set_font(_FONT, "B", 9)
        pdf.set_text_color(*_WARN)
        for text in warnings:
            pdf.multi_cell(0, 4.6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(*_INK)
        pdf.set_font(_FONT, "", 8.5)
    if sheet.decision == CloseOutcome.LITIGATION:
        pdf.ln(1)
        pdf.note(LITIGATION_WORDS, size=8.5)


def _fee_terms(sheet: Sheet) -> str:
    s = sheet.statement
    base = "the gross settlement" if s.settle_now.fee_base == "gross" else "the settlement net of costs"
    own = " (this case's retainer)" if s.terms_from_case else ""
    return f"{s.settle_now.fee_percent} before suit, {s.litigate.fee_percent} in litigation, of {base}{own}"


def _money_table(
    pdf: _Page,
    widths: tuple[float, ...],
    header: tuple[str, ...],
    rows: Sequence[tuple[str, ...]],
    total: tuple[str, ...],
    *,
    amounts: int,
) -> None:
    """A table whose last `amounts` columns are money, right-aligned, with a bold total row."""
    align = tuple("RIGHT" if i >= len(widths) - amounts else "LEFT" for i in range(len(widths)))
    with pdf.table(
        col_widths=widths,
        text_align=align,
        headings_style=_HEAD,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        line_height=4.4,
        padding=(0.5, 1.5),
    ) as table:
        for cells in (header, *rows):
            table.row(list(cells))
        table.row(list(total), style=_TOTAL)


def _specials(pdf: _Page, sheet: Sheet) -> None:
    ledger = sheet.ledger
    pdf.heading("Medical specials")
    if not ledger.bills:
        pdf.note("No provider's bill is recorded on this case.")
        return
    rows = [
        (f"{b.seq}. {b.provider} (no bill)", "—", "—", "—", "—")
        if b.none
        else (f"{b.seq}. {b.provider}", money(b.billed), money(b.paid), money(b.adjusted), money(b.balance))
        for b in ledger.bills
    ]
    total = (
        "Total specials",
        money(ledger.specials),
        money(ledger.paid),
        money(ledger.adjusted),
        money(ledger.balances),
    )
    header = ("Provider", "Billed", "Paid", "Adjusted", "Balance")
    _money_table(pdf, (64, 29, 29, 29, 29), header, rows, total, amounts=4)


def _liens(pdf: _Page, sheet: Sheet) -> None:
    ledger = sheet.ledger
    pdf.heading("Liens")
    if not ledger.liens:
        pdf.note("No lien is recorded on this case.")
        return
    rows = []
    for lien in ledger.liens:
        steps = [f"asserted {_day(lien.asserted_on)}"]
        if lien.reduced_on:
            steps.append(f"reduced {_day(lien.reduced_on)}")
        if lien.accepted_on:
            steps.append(f"accepted {_day(lien.accepted_on)}")
        if lien.paid_on:
            steps.append(f"paid {_day(lien.paid_on)}")
        reduced = money(lien.reduced_to) if lien.reduced_to is not None else "—"
        rows.append(
            (
                f"{lien.n}. {lien.holder}",
                LIEN_KINDS.get(lien.kind, lien.kind),
                "\n".join(steps),
                money(lien.amount),
                reduced,
                f"paid {money(lien.owed)}" if lien.paid_on else money(lien.owed),
            )
        )
    total = ("Total liens", "", "", money(ledger.liens_asserted), "", money(ledger.liens_owed))
    header = ("Holder", "Type", "History", "Asserted", "Reduced to", "Owed or paid")
    _money_table(pdf, (40, 24, 47, 22, 25, 22), header, rows, total, amounts=3)


def _costs(pdf: _Page, sheet: Sheet) -> None:
    ledger = sheet.ledger
    pdf.heading("Case costs advanced by the firm")
    if not ledger.costs:
        pdf.note("No case cost is recorded on this case.")
        return
    rows = [(_day(c.on), f"{c.n}. {c.description}", money(c.amount)) for c in ledger.costs]
    total = ("", "Total costs", money(ledger.costs_total))
    _money_table(pdf, (28, 125, 27), ("Date", "Description", "Amount"), rows, total, amounts=1)


def _distribution(pdf: _Page, sheet: Sheet) -> None:
    cols = sheet.columns
    height = 4.4 + 5.4 * (6 + sum(len(c.cost_lines) + len(c.lien_lines) for c in cols[-1:]))
    if pdf.will_page_break(height + 10):
        pdf.add_page()
    pdf.heading(
        "Estimated distribution in litigation"
        if sheet.decision == CloseOutcome.LITIGATION
        else "Distribution of the settlement"
    )
    if sheet.costs_typed or sheet.liens_typed:
        pdf.note("A what-if: amounts typed for this statement replace the ledger's where marked.")
    label_width = 180 - 32 * len(cols)
    widths = (label_width, *([32.0] * len(cols)))
    align = ("LEFT", *(["RIGHT"] * len(cols)))

    def amounts(pick: Callable[[Column], str]) -> list[str]:
        return [pick(c) for c in cols]

    with pdf.table(
        col_widths=widths,
        text_align=align,
        headings_style=_HEAD,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        line_height=4.4,
        padding=(0.5, 1.5),
    ) as table:
        table.row(["", *(c.side.label for c in cols)])
        table.row(["Gross settlement", *amounts(lambda c: money(c.side.gross))], style=_TOTAL)
        table.row([_fee_label(cols), *amounts(lambda c: money(c.side.fee))], style=_TOTAL)
        _lines(table, "Less case costs", cols, "cost_lines", "costs")
        _lines(table, "Less liens and medical bills", cols, "lien_lines", "liens")
        table.row(
            ["Total taken out of the settlement", *amounts(lambda c: money(c.deductions))], style=_TOTAL
        )
        table.row(
            ["Net to the client", *amounts(lambda c: money(c.side.net_to_client))],
            style=FontFace(emphasis="BOLD", fill_color=(235, 238, 241)),
        )
    if len(cols) == 2:
        diff = sheet.statement.difference
        more = "more" if diff >= 0 else "less"
        pdf.note(
            f"Settling now, the client nets {money(abs(diff))} {more} than in the litigation column, which is an "
            "estimate: a verdict may be higher, lower or nothing, and takes time. It is the client's choice."
        )
    if any(c.side.net_to_client < 0 for c in cols):
        pdf.note("An amount in parentheses is below zero: the deductions are more than the settlement.")


def _fee_label(cols: tuple[Column, ...]) -> str:
    rates = " and ".join(c.side.fee_percent for c in cols)
    first = cols[0].side
    base = "the gross" if first.fee_base == "gross" else f"the net of costs, {money(first.fee_base_amount)}"
    if len(cols) == 2 and first.fee_base_amount != cols[1].side.fee_base_amount:
        base = "the net of each column's costs"
    return f"Less the attorney's fee ({rates} of {base})"


def _lines(table: Any, heading: str, cols: tuple[Column, ...], which: str, total: str) -> None:
    """A heading row with each column's total, then one row a line; a line one column lacks shows "—"."""
    labels: list[str] = []
    by_col: list[dict[str, Decimal]] = []
    for c in cols:
        found: dict[str, Decimal] = {}
        for line in getattr(c, which):
            found[line.label] = found.get(line.label, Decimal(0)) + line.amount
            if line.label not in labels:
                labels.append(line.label)
        by_col.append(found)
    table.row([heading, *(money(getattr(c.side, total)) for c in cols)], style=_TOTAL)
    for label in labels:
        table.row([f"    {label}", *(money(f[label]) if label in f else "—" for f in by_col)])


def _signatures(pdf: _Page, sheet: Sheet) -> None:
    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.heading("Signatures")
    if sheet.decision is None:
        pdf.multi_cell(
            0,
            4.6,
            "I have read this statement and had the chance to ask about every line of it. I choose to:\n"
            "[   ]  settle now, as in the Settle now column          [   ]  take the case to court",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    elif sheet.decision == CloseOutcome.LITIGATION:
        pdf.multi_cell(
            0,
            4.6,
            "I have read this statement. I chose to take the case to court, and I understand that these figures "
            "are an estimate, that the fee in litigation is the one shown, and that nothing is disbursed until "
            "the case resolves.",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    else:
        pdf.multi_cell(
            0,
            4.6,
            "I have read this statement and approve it, and the distribution of the settlement as shown above.",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    pdf.ln(9)
    y = pdf.get_y()
    for x, who in ((pdf.l_margin, "Client"), (pdf.l_margin + 95, "Attorney")):
        pdf.line(x, y, x + 60, y)
        pdf.line(x + 64, y, x + 85, y)
        pdf.set_xy(x, y + 1)
        pdf.set_font(_FONT, "", 7.5)
        pdf.set_text_color(*_MUTED)
        pdf.cell(60, 4, who)
        pdf.set_xy(x + 64, y + 1)
        pdf.cell(21, 4, "Date")
    pdf.set_text_color(*_INK)
    pdf.set_xy(pdf.l_margin, y + 6)

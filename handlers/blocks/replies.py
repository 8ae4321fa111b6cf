"""Replies to commands that are not a screen of their own: help, a refusal, a plain message, a change's outcome."""

from __future__ import annotations

from datetime import date

from bot.errors import CasebotError, UnknownCase
from bot.services.cards import CaseCard
from handlers.blocks.kit import Reply, context, days, section
from handlers.blocks.lists import when

CASE_HELP = (
    (
        "new <case-no> <client name…> [@manager] [YYYY-MM-DD] [sol YYYY-MM-DD]",
        "open a case (no words: a form)",
    ),
    ("show <case-no>", "the case card, with buttons"),
    ("provider <case-no> add|received|followed-up …", "providers' records and bills"),
    ("contacted <case-no> [client|adjuster] [YYYY-MM-DD] [note…]", "log a contact"),
    ("advance <case-no> [<stage>] [YYYY-MM-DD] [because <reason…>]", "next stage"),
    (
        "holdup <case-no> chart-notes|billing|wage-loss|other [note…] · clear [kind|all]",
        "what holds the demand up",
    ),
    ("demand <case-no> sent|ack|resent [YYYY-MM-DD] [adjuster <name…>]", "the demand's clocks"),
    (
        "accounting <case-no> <gross> [costs <amt>] [liens <amt>] [litigation-costs <amt>]",
        "settle now vs. litigate",
    ),
    ("assign <case-no> @user · close <case-no> settled|litigation|dropped", "hand over or close"),
    ("mine · due [YYYY-MM-DD] · overdue [@user]", "your cases and what is due"),
    ("away [until YYYY-MM-DD] [cover @user] · back", "away and cover"),
    ("role @user manager|lead|admin", "admins only"),
    ("sol <case-no> <YYYY-MM-DD> · sol <case-no> loss <YYYY-MM-DD> <state>", "the statute of limitations"),
    ("fees <case-no> [presuit <rate>] [litigation <rate>] [base gross|net]", "the retainer's fee terms"),
    ("handover @from @to", "move a manager's open cases (leads and admins)"),
)
OFFER_HELP = (
    ("received <case-no> <amount> [final] [YYYY-MM-DD]", "record an offer"),
    ("list <case-no>", "the offers and when the client was told"),
    ("informed <case-no> [<n>] [YYYY-MM-DD]", "the client was told of offer n (default the latest)"),
)


def build_help(command: str = "/case") -> Reply:
    rows = CASE_HELP if command == "/case" else OFFER_HELP
    lines = [f"`{command} {usage}` — {what}" for usage, what in rows]
    blocks = [
        section(f"*{command}* — what you can do:"),
        section("\n".join(lines)),
        context(
            "Dates are YYYY-MM-DD, today or earlier (a limitation date may be later). "
            "Amounts: 12500, 12,500, $12,500.00 or 12.5k. "
            + ("Offers: /offer help." if command == "/case" else "Cases: /case help.")
        ),
    ]
    return Reply(f"{command} help: " + "; ".join(f"{command} {u}" for u, _ in rows), blocks)


def build_error(error: CasebotError, *, usage: str | None = None, example: str | None = None) -> Reply:
    """A refusal: what was wrong, then how it is written and an example. Nothing was changed."""
    usage = error.usage or usage
    if isinstance(error, UnknownCase):
        # Its own example is a hint, not the command's shape: show both.
        hint, example = "`/case mine` lists your open cases.", example or error.example
    else:
        hint, example = "", error.example or example
    blocks = [section(f":warning: {error.message}")]
    hints = []
    if usage:
        hints.append(f"Usage: `{usage}`")
    if example:
        hints.append(f"Example: `{example}`")
    if hint:
        hints.append(hint)
    if hints:
        blocks.append(context("  ·  ".join(hints)))
    text = error.message + (f" Usage: {usage}" if usage else "") + (f" Example: {example}" if example else "")
    return Reply(text, blocks)


def build_message(text: str) -> Reply:
    return Reply(text, [section(text)])


def build_outcome(message: str, card: CaseCard | None, today: date) -> Reply:
    """A change's one-line result, the case's stage, and what it asks for next."""
    blocks = [section(f":white_check_mark: {message}")]
    if card is not None:
        nxt = next((o for o in card.obligations if o.state == "open"), None)
        bits = [f"*{card.number}* · {card.stage_label} ({days(card.days_in_stage)})"]
        if nxt is not None:
            bits.append(f"next: {nxt.rule} {nxt.kind} {when(nxt, today)}")
        blocks.append(context(" · ".join(bits) + f" · `/case show {card.number}`"))
    return Reply(message, blocks)

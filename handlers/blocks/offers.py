"""Offers (`/offer list`, the card's offer lines and "Client told" buttons) and the settlement statement."""

from __future__ import annotations

from typing import Any

from bot.rules.parsing import money
from bot.services.cards import CaseCard
from handlers.blocks.kit import Block, Reply, actions, button, code, context, day, esc, section

# action_id of a "Client told of offer" button; ":<n>" keeps several in one message apart
OFFER_INFORMED = "offer_informed"


def offer_line(o: Any) -> str:
    what = "final offer" if o.final else f"{o.nth} offer"
    if o.informed_on:
        told = f"client told {day(o.informed_on)}"
    else:
        told = ":warning: *late: client not told yet*" if o.inform_late else "client not told yet"
    return f"*{what}* {money(o.amount)} · received {day(o.received_on)} · {told}"


def build_offers(card: CaseCard) -> Reply:
    if not card.offers:
        text = (
            f"{esc(card.number)} has no offers yet. Record one: "
            f"{code(f'/offer received {card.number} <amount>')}"
        )
        return Reply(text, [section(text)])
    blocks = [
        section(f"*Offers on {esc(card.number)}* · {esc(card.client)}"),
        section("\n".join(offer_line(o) for o in card.offers)),
    ]
    if told := told_buttons(card):
        blocks.append(told)
    return Reply(f"{len(card.offers)} offer(s) on {esc(card.number)}", blocks)


def told_buttons(card: CaseCard) -> Block | None:
    """A "Client told" button for each of the latest offers the client has not been told of."""
    untold = [o for o in card.offers if o.informed_on is None][-5:]
    if not untold:
        return None
    return actions(
        "offers",
        [
            button(
                f"Client told of {'final' if o.final else o.nth} offer",
                f"{OFFER_INFORMED}:{o.n}",
                f"{card.number}|{o.n}",
            )
            for o in untold
        ],
    )


def build_accounting(statement: Any) -> Reply:
    """The settlement statement (bot.rules.fees.Statement): settle now and litigate, side by side."""
    number = getattr(statement, "case", None)
    title = "Settlement statement" + (f" · {esc(number)}" if number else "")
    client = getattr(statement, "client", None)
    blocks: list[Block] = [section(f"*{title}*" + (f" — {esc(client)}" if client else ""))]
    fields = []
    for side in (statement.settle_now, statement.litigate):
        base = "" if side.fee_base == "gross" else f" of {money(side.fee_base_amount)} net of costs"
        fields.append(
            {
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
        )
    blocks.append({"type": "section", "fields": fields})
    notes = []
    if getattr(statement, "litigation_costs", None) is not None:
        notes.append(f"Litigation column uses the cost estimate {money(statement.litigation_costs)}.")
    if getattr(statement, "terms_from_case", False):
        notes.append("Fee terms from this case's retainer.")
    notes.append("It is the client's choice; advise only if asked.")
    blocks.append(context(" ".join(notes)))
    text = (
        f"{title}: net to client {money(statement.settle_now.net_to_client)} settling now, "
        f"{money(statement.litigate.net_to_client)} in litigation"
    )
    return Reply(text, blocks)

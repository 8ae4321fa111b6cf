"""Offers (`/offer list`, the card's offer lines and "Client told" buttons) and the settlement statement."""

from __future__ import annotations

from typing import Any

from bot.rules.parsing import money
from bot.services.cards import CaseCard
from handlers.blocks.kit import Block, Reply, actions, button, code, day, esc, section

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
